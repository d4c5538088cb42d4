using MachinePerception.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// Closed-form integrals of diagonal Gaussians N(μ, diag σ²), the pieces of the VAE's KL term (§13 "KL for ELBO"),
/// each from its own formula so that the chapter can check every line of the derivation against Monte Carlo:
/// <list type="bullet">
/// <item>∫ p log q = −(J/2) log 2π − ½ Σ_j log σ²_{q,j} − ½ Σ_j (σ²_{p,j} + (μ_{p,j} − μ_{q,j})²)/σ²_{q,j};</item>
/// <item>∫ q log q = −(J/2) log 2π − ½ Σ_j (log σ²_j + 1) (the summary prints +(J/2) log 2π: a sign slip);</item>
/// <item>−KL(q ‖ N(0, I)) = ½ Σ_j (1 + log σ²_j − μ²_j − σ²_j).</item>
/// </list>
/// Variances are passed as σ² (not σ), as in the formulas.
/// </summary>
public static class DiagonalGaussian
{
    static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>log N(z; μ, diag σ²) = −(J/2) log 2π − ½ Σ_j (log σ²_j + (z_j − μ_j)²/σ²_j).</summary>
    public static double LogDensity(IReadOnlyList<double> z, IReadOnlyList<double> mean, IReadOnlyList<double> variance)
    {
        Validate(mean, variance, "DiagonalGaussian.LogDensity");
        if (z.Count != mean.Count) throw new ArgumentException($"DiagonalGaussian.LogDensity: z has {z.Count} entries, μ has {mean.Count}");
        double s = -0.5 * mean.Count * Log2Pi;
        for (int j = 0; j < mean.Count; j++) s -= 0.5 * (Math.Log(variance[j]) + (z[j] - mean[j]) * (z[j] - mean[j]) / variance[j]);
        return s;
    }

    /// <summary>The density of a 1-D normal N(μ, σ²) at x.</summary>
    public static double Density(double x, double mean, double variance) => Math.Exp(LogDensity([x], [mean], [variance]));

    /// <summary>∫ p(z) log q(z) dz for p = N(μ_p, diag σ²_p), q = N(μ_q, diag σ²_q) (the summary's general formula).</summary>
    public static double CrossIntegral(IReadOnlyList<double> meanP, IReadOnlyList<double> varianceP, IReadOnlyList<double> meanQ, IReadOnlyList<double> varianceQ)
    {
        Validate(meanP, varianceP, "DiagonalGaussian.CrossIntegral");
        Validate(meanQ, varianceQ, "DiagonalGaussian.CrossIntegral");
        if (meanP.Count != meanQ.Count) throw new ArgumentException($"DiagonalGaussian.CrossIntegral: p has dimension {meanP.Count}, q has {meanQ.Count}");
        double s = -0.5 * meanP.Count * Log2Pi;
        for (int j = 0; j < meanP.Count; j++)
        {
            double d = meanP[j] - meanQ[j];
            s -= 0.5 * Math.Log(varianceQ[j]) + 0.5 * (varianceP[j] + d * d) / varianceQ[j];
        }
        return s;
    }

    /// <summary>∫ q log q = −(J/2) log 2π − ½ Σ_j (log σ²_j + 1): minus the differential entropy.</summary>
    public static double SelfIntegral(IReadOnlyList<double> mean, IReadOnlyList<double> variance)
    {
        Validate(mean, variance, "DiagonalGaussian.SelfIntegral");
        return -0.5 * mean.Count * Log2Pi - 0.5 * variance.Sum(v => Math.Log(v) + 1);
    }

    /// <summary>−KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (1 + log σ²_j − μ²_j − σ²_j), the VAE's closed form.</summary>
    public static double NegativeKlToStandardNormal(IReadOnlyList<double> mean, IReadOnlyList<double> variance)
    {
        Validate(mean, variance, "DiagonalGaussian.NegativeKlToStandardNormal");
        double s = 0;
        for (int j = 0; j < mean.Count; j++) s += 0.5 * (1 + Math.Log(variance[j]) - mean[j] * mean[j] - variance[j]);
        return s;
    }

    /// <summary>z = μ + σ ⊙ ε with ε ~ N(0, I) (the reparameterization of §2).</summary>
    public static double[] Sample(IReadOnlyList<double> mean, IReadOnlyList<double> variance, Rng rng)
    {
        Validate(mean, variance, "DiagonalGaussian.Sample");
        return Enumerable.Range(0, mean.Count).Select(j => mean[j] + Math.Sqrt(variance[j]) * rng.NextNormal()).ToArray();
    }

    /// <summary>E_{z ~ N(μ, diag σ²)}[g(z)] by <paramref name="samples"/> draws, with its standard error.</summary>
    public static MeanEstimator MonteCarlo(Func<double[], double> g, IReadOnlyList<double> mean, IReadOnlyList<double> variance, int samples, Rng rng)
    {
        var est = new MeanEstimator(1);
        for (int n = 0; n < samples; n++) est.Add(g(Sample(mean, variance, rng)));
        return est;
    }

    static void Validate(IReadOnlyList<double> mean, IReadOnlyList<double> variance, string where)
    {
        if (mean.Count == 0 || mean.Count != variance.Count)
            throw new ArgumentException($"{where}: μ has {mean.Count} entries and σ² has {variance.Count}; they must match and be non-empty");
        if (variance.Any(v => !(v > 0) || double.IsInfinity(v)))
            throw new ArgumentException($"{where}: variances [{string.Join(", ", variance)}] must be positive and finite");
    }
}
