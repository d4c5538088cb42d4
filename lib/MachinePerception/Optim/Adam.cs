using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// Adam (§10.2): moving averages of the gradient and of its square, m ← β₁m + (1 − β₁)g and
/// v ← β₂v + (1 − β₂)g ⊙ g, unbiased as m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) (they start at 0), and the step
/// Δθ = −η m̂/(√v̂ + ε). The summary writes −η m̂/√(v̂ + ε) — ε inside the root *(slip?)*; the usual rule
/// (Kingma &amp; Ba 2015) has it outside. For gradients of ordinary size the two agree to a relative
/// ≈ ε/(2v̂) + ε/√v̂; but with ε = 1e-8 the summary's form damps every coordinate whose gradient scale √v̂ is
/// below √ε = 1e-4, the usual one only those below 1e-8 (tested: at |g| = 1e-9 the steps differ ≈ 9 000-fold).
/// <see cref="EpsilonInsideRoot"/> gives the summary's form.
/// </summary>
public class Adam : Optimizer
{
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }

    /// <summary>The summary's −η m̂/√(v̂ + ε) instead of the usual −η m̂/(√v̂ + ε).</summary>
    public bool EpsilonInsideRoot { get; }

    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, bool epsilonInsideRoot = false) : base(parameters, learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new ArgumentException($"{GetType().Name}: beta1 = {beta1} and beta2 = {beta2} must be in [0, 1)");
        if (!(epsilon > 0)) throw new ArgumentException($"{GetType().Name}: epsilon = {epsilon} must be positive");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        EpsilonInsideRoot = epsilonInsideRoot;
    }

    protected override void Update(int index, Tensor theta, Tensor g)
    {
        var m = State(index, "m");
        var v = State(index, "v");
        InPlace.Scale(m, Beta1);                         // m ← β₁m + (1 − β₁)g
        InPlace.AddScaled(m, g, 1 - Beta1);
        InPlace.Scale(v, Beta2);                         // v ← β₂v + (1 − β₂)g ⊙ g
        InPlace.AddScaledSquare(v, g, 1 - Beta2);
        int t = StepCount;
        double c1 = 1 - Math.Pow(Beta1, t), c2 = 1 - Math.Pow(Beta2, t);
        // θ ← θ − η (m/c₁) / (√(v/c₂) + ε): the bias corrections are folded into the scalars
        InPlace.AdaptiveStep(theta, m, v, -LearningRate / c1, 1 / c2, Epsilon, EpsilonInsideRoot);
    }
}
