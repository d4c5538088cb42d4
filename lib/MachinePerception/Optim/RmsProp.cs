using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// RMSProp (§10.2): AdaGrad with a moving average instead of a sum, r ← ρr + (1 − ρ) g ⊙ g, and the same step
/// Δθ = −ε/(δ + √r) ⊙ g. Forgetting the distant past lets the step size recover, which suits non-convex losses.
/// </summary>
public sealed class RmsProp : Optimizer
{
    public double Rho { get; }
    public double Delta { get; }

    public RmsProp(IEnumerable<Tensor> parameters, double learningRate, double rho = 0.9, double delta = 1e-8) : base(parameters, learningRate)
    {
        if (!(rho >= 0 && rho < 1)) throw new ArgumentException($"RmsProp: rho = {rho} must be in [0, 1)");
        if (!(delta > 0)) throw new ArgumentException($"RmsProp: delta = {delta} must be positive");
        Rho = rho;
        Delta = delta;
    }

    protected override void Update(int index, Tensor theta, Tensor g)
    {
        var r = State(index, "r");
        InPlace.Scale(r, Rho);                                            // r ← ρr + (1 − ρ) g ⊙ g
        InPlace.AddScaledSquare(r, g, 1 - Rho);
        InPlace.AdaptiveStep(theta, g, r, -LearningRate, 1, Delta);       // θ ← θ − ε g/(δ + √r)
    }
}
