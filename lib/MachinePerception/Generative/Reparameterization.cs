using MachinePerception.Autodiff;
using MachinePerception.Numerics;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// A test function whose Gaussian expectation and its gradient are known in closed form, for the reparameterization
/// proof of §13: f(z) = Σ_j sin(w_j z_j) + c_j z_j². For z_j ~ N(μ_j, σ_j²), E sin(w z) = sin(wμ) e^{−w²σ²/2} (the
/// imaginary part of the characteristic function) and E z² = μ² + σ².
/// </summary>
public sealed record SineQuadratic(double[] W, double[] C)
{
    public int Dimension => W.Length;

    /// <summary>f(z) for one point z [J].</summary>
    public double Value(IReadOnlyList<double> z)
    {
        CheckDimension(z.Count, "SineQuadratic.Value");
        double s = 0;
        for (int j = 0; j < W.Length; j++) s += Math.Sin(W[j] * z[j]) + C[j] * z[j] * z[j];
        return s;
    }

    /// <summary>f for a batch z [N, J] → [N], written with the engine's ops so that autodiff can differentiate it.</summary>
    public Tensor Value(Tensor z)
    {
        if (z.Rank != 2 || z.Shape[1] != W.Length) throw new ArgumentException($"SineQuadratic.Value: z must be [N, {W.Length}], got {z.Shape}");
        var w = Tensor.FromArray(W, 1, W.Length);
        var c = Tensor.FromArray(C, 1, C.Length);
        return Op.Sum(Op.Sin(z * w) + c * Op.Square(z), 1);   // [N]
    }

    /// <summary>E f(z) = Σ_j sin(w_j μ_j) e^{−w_j²σ_j²/2} + c_j(μ_j² + σ_j²).</summary>
    public double Expectation(IReadOnlyList<double> mean, IReadOnlyList<double> sigma)
    {
        CheckDimension(mean.Count, "SineQuadratic.Expectation");
        CheckDimension(sigma.Count, "SineQuadratic.Expectation");
        double s = 0;
        for (int j = 0; j < W.Length; j++)
            s += Math.Sin(W[j] * mean[j]) * Math.Exp(-0.5 * W[j] * W[j] * sigma[j] * sigma[j]) + C[j] * (mean[j] * mean[j] + sigma[j] * sigma[j]);
        return s;
    }

    /// <summary>
    /// ∇ E f in the order (∂/∂μ₁ … ∂/∂μ_J, ∂/∂σ₁ … ∂/∂σ_J), differentiated by hand from <see cref="Expectation"/>:
    /// ∂/∂μ_j = w_j cos(w_j μ_j) e^{…} + 2c_jμ_j, ∂/∂σ_j = −w_j²σ_j sin(w_j μ_j) e^{…} + 2c_jσ_j.
    /// </summary>
    public double[] ExpectationGradient(IReadOnlyList<double> mean, IReadOnlyList<double> sigma)
    {
        CheckDimension(mean.Count, "SineQuadratic.ExpectationGradient");
        CheckDimension(sigma.Count, "SineQuadratic.ExpectationGradient");
        int d = W.Length;
        var g = new double[2 * d];
        for (int j = 0; j < d; j++)
        {
            double damp = Math.Exp(-0.5 * W[j] * W[j] * sigma[j] * sigma[j]);
            g[j] = W[j] * Math.Cos(W[j] * mean[j]) * damp + 2 * C[j] * mean[j];
            g[d + j] = -W[j] * W[j] * sigma[j] * Math.Sin(W[j] * mean[j]) * damp + 2 * C[j] * sigma[j];
        }
        return g;
    }

    /// <summary>Random frequencies w_j ∈ [0.5, 2.5] and weights c_j ∈ [−0.5, 0.5].</summary>
    public static SineQuadratic Random(int dimension, Rng rng) => new(
        Enumerable.Range(0, dimension).Select(_ => 0.5 + 2 * rng.NextDouble()).ToArray(),
        Enumerable.Range(0, dimension).Select(_ => rng.NextDouble() - 0.5).ToArray());

    void CheckDimension(int n, string where)
    {
        if (n != W.Length) throw new ArgumentException($"{where}: got {n} entries for a function of {W.Length} variables");
    }
}

/// <summary>
/// Two unbiased Monte Carlo estimators of ∇_φ E_{z ~ N(μ, σ²)} f(z), φ = (μ, σ), for §13 "Expectation of reparam.":
/// <list type="bullet">
/// <item>pathwise (reparameterization): z = g(ε, φ) = μ + σ ⊙ ε, ε ~ N(0, I), so ∇_φ E f = E_ε ∇_φ f(μ + σ ⊙ ε); the
/// gradient of each sample is taken by the engine's autodiff;</item>
/// <item>score function (the log-derivative trick of the policy-gradient proof): ∇_φ E f = E[f(z) ∇_φ log p_φ(z)], with
/// ∂ log p/∂μ = (z − μ)/σ² and ∂ log p/∂σ = (z − μ)²/σ³ − 1/σ.</item>
/// </list>
/// Each returns the per-sample gradients' mean and standard error, in the order (μ₁ … μ_J, σ₁ … σ_J).
/// </summary>
public static class Reparameterization
{
    /// <summary>E_ε ∇_φ f(μ + σ ⊙ ε) from <paramref name="samples"/> draws; <paramref name="f"/> maps z [N, J] to [N].</summary>
    public static MeanEstimator Pathwise(Func<Tensor, Tensor> f, double[] mean, double[] sigma, int samples, Rng rng)
    {
        Validate(mean, sigma, samples, "Reparameterization.Pathwise");
        int d = mean.Length;
        // one copy of (μ, σ) per sample, so that autodiff returns every sample's own gradient in its row
        var mu = Tensor.FromArray(Enumerable.Range(0, samples).SelectMany(_ => mean).ToArray(), samples, d).RequireGrad();
        var sd = Tensor.FromArray(Enumerable.Range(0, samples).SelectMany(_ => sigma).ToArray(), samples, d).RequireGrad();
        var eps = rng.Normal([samples, d], dtype: DType.Float64);
        var z = mu + sd * eps;                                                   // g(ε, φ) = μ + σ ⊙ ε   [N, J]
        var grads = Autograd.Grad([Op.Sum(f(z))], [mu, sd]);
        var (gMu, gSd) = (grads[0]!.ToDoubleArray(), grads[1]!.ToDoubleArray());
        var est = new MeanEstimator(2 * d);
        var row = new double[2 * d];
        for (int n = 0; n < samples; n++)
        {
            Array.Copy(gMu, n * d, row, 0, d);
            Array.Copy(gSd, n * d, row, d, d);
            est.Add(row);
        }
        return est;
    }

    /// <summary>E[f(z) ∇_φ log N(z; μ, σ²)] from <paramref name="samples"/> draws z = μ + σ ⊙ ε.</summary>
    public static MeanEstimator ScoreFunction(Func<double[], double> f, double[] mean, double[] sigma, int samples, Rng rng)
    {
        Validate(mean, sigma, samples, "Reparameterization.ScoreFunction");
        int d = mean.Length;
        var est = new MeanEstimator(2 * d);
        var row = new double[2 * d];
        var z = new double[d];
        for (int n = 0; n < samples; n++)
        {
            for (int j = 0; j < d; j++) z[j] = mean[j] + sigma[j] * rng.NextNormal();
            double fz = f(z);
            for (int j = 0; j < d; j++)
            {
                double u = z[j] - mean[j], s = sigma[j];
                row[j] = fz * u / (s * s);
                row[d + j] = fz * (u * u / (s * s * s) - 1 / s);
            }
            est.Add(row);
        }
        return est;
    }

    static void Validate(double[] mean, double[] sigma, int samples, string where)
    {
        if (mean.Length == 0 || mean.Length != sigma.Length)
            throw new ArgumentException($"{where}: μ has {mean.Length} entries and σ has {sigma.Length}; they must match and be non-empty");
        if (sigma.Any(s => !(s > 0))) throw new ArgumentException($"{where}: σ = [{string.Join(", ", sigma)}] must be positive");
        if (samples < 2) throw new ArgumentException($"{where}: need at least 2 samples for a standard error, got {samples}");
    }
}
