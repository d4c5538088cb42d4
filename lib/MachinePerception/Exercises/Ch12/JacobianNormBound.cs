using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch12;

/// <summary>
/// §12 and the bound of §13: for h_t = tanh(W_hh h_{t−1} + …), ‖∂h_i/∂h_{i−1}‖ ≤ ‖W_hh‖ γ with γ = 1 (tanh′ ≤ 1),
/// so ‖∂h_t/∂h_k‖ ≤ (λ₁γ)^{t−k} with λ₁ the largest singular value of W_hh (the spectral norm).
/// </summary>
[Exercise(12, "bptt-norm-bound", "The norm bound for a given W_hh")]
public sealed class JacobianNormBound : NumericExercise
{
    readonly double[,] w = new double[2, 2];
    readonly int n;

    public JacobianNormBound(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) w[i, j] = (rng.NextInt(13) - 6) * 0.1;
        if (w[0, 1] == w[1, 0]) w[0, 1] += 0.1; // not symmetric: singular values and |eigenvalues| then differ
        n = rng.NextInt(3, 9);
    }

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text("A vanilla RNN h_t = tanh(W_hh h_{t−1} + W_xh x_t) has")
        .Matrix("W_hh =", w)
        .Text("With γ = 1 (|tanh′| ≤ 1), the bound of §13 says ‖∂h_t/∂h_k‖ ≤ (λ₁γ)^{t−k}, where ‖·‖ is the spectral norm and λ₁ the " +
              $"largest singular value of W_hh. Give λ₁ and the bound for t − k = {n} (two numbers, at least 5 significant digits).");

    // the largest eigenvalue of the symmetric 2 × 2 matrix M: (tr + √(tr² − 4 det)) / 2
    static double LargestSymmetricEigenvalue(double a, double b, double d) => 0.5 * (a + d + Math.Sqrt((a - d) * (a - d) + 4 * b * b));

    double SpectralNorm()
    {
        // M = WᵀW
        double m00 = w[0, 0] * w[0, 0] + w[1, 0] * w[1, 0], m01 = w[0, 0] * w[0, 1] + w[1, 0] * w[1, 1], m11 = w[0, 1] * w[0, 1] + w[1, 1] * w[1, 1];
        return Math.Sqrt(LargestSymmetricEigenvalue(m00, m01, m11));
    }

    double SpectralRadius()
    {
        double tr = w[0, 0] + w[1, 1], det = w[0, 0] * w[1, 1] - w[0, 1] * w[1, 0], disc = tr * tr - 4 * det;
        return disc >= 0 ? Math.Max(Math.Abs(tr + Math.Sqrt(disc)), Math.Abs(tr - Math.Sqrt(disc))) / 2 : Math.Sqrt(det);
    }

    double Frobenius() => Math.Sqrt(w[0, 0] * w[0, 0] + w[0, 1] * w[0, 1] + w[1, 0] * w[1, 0] + w[1, 1] * w[1, 1]);

    double MaxRowSum() => Math.Max(Math.Abs(w[0, 0]) + Math.Abs(w[0, 1]), Math.Abs(w[1, 0]) + Math.Abs(w[1, 1]));

    double[] With(double norm) => [norm, Math.Pow(norm, n)];

    internal override double[] Reference() => With(SpectralNorm());

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("used the largest |eigenvalue|", "The bound needs the largest singular value √(λ_max(WᵀW)); for a non-symmetric W the spectral radius can be smaller and is no bound on ‖W h‖/‖h‖.", With(SpectralRadius()));
        yield return Wrong("used the Frobenius norm", "√(Σ w²) is an upper bound on the spectral norm, not the spectral norm itself.", With(Frobenius()));
        yield return Wrong("used the maximum row sum", "Σ_j |w_ij| is the ∞-norm; the bound of §13 uses the spectral norm (largest singular value).", With(MaxRowSum()));
        yield return Wrong("forgot the power t − k", $"Each of the t − k = {n} factors ∂h_i/∂h_{{i−1}} contributes a factor λ₁γ: the bound is (λ₁γ)^{n}.", [SpectralNorm(), SpectralNorm()]);
    }

    protected override Prose Solve()
    {
        double l = SpectralNorm();
        return new Prose()
            .Text("λ₁ = √(largest eigenvalue of W_hhᵀW_hh); for a 2 × 2 symmetric M it is (tr M + √((m₁₁ − m₂₂)² + 4m₁₂²))/2.")
            .Text($"λ₁ = **{Prose.Number(l)}**, and with γ = 1 the bound is λ₁^{n} = **{Prose.Number(Math.Pow(l, n))}**.")
            .Text(l < 1 ? "λ₁ < 1/γ: the gradient through the recurrence vanishes geometrically."
                        : "λ₁ > 1/γ: the bound grows, so exploding gradients are possible (not certain: saturation can still shrink them).");
    }
}
