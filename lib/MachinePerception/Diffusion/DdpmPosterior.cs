using MachinePerception.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The forward-process posterior q(x_{t−1} | x_t, x_0) of §6. Denoising q(x_{t−1} | x_t) needs the data distribution,
/// but given x_0 Bayes' rule, q(x_{t−1} | x_t, x_0) ∝ q(x_t | x_{t−1}) q(x_{t−1} | x_0), multiplies two Gaussians in
/// x_{t−1} and gives a Gaussian N(μ̃_t, β̃_t I) with
///   μ̃_t(x_t, x_0) = √ᾱ_{t−1} β_t/(1 − ᾱ_t) · x_0 + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) · x_t,   β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t.
/// Writing x_0 = (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t turns the mean into the summary's μ_q = (x_t − (1 − α_t)/√(1 − ᾱ_t) ε)/√α_t.
/// </summary>
public static class DdpmPosterior
{
    /// <summary>The coefficients (of x_0, of x_t) in μ̃_t.</summary>
    public static (double X0, double Xt) MeanCoefficients(NoiseSchedule s, int t)
    {
        s.CheckStep("DdpmPosterior.MeanCoefficients", t);
        double denominator = 1 - s.AlphaBar[t];
        return (Math.Sqrt(s.AlphaBar[t - 1]) * s.Beta[t] / denominator, Math.Sqrt(s.Alpha[t]) * (1 - s.AlphaBar[t - 1]) / denominator);
    }

    /// <summary>β̃_t.</summary>
    public static double Variance(NoiseSchedule s, int t) => s.PosteriorVariance(t);

    /// <summary>μ̃_t(x_t, x_0) for numbers.</summary>
    public static double Mean(NoiseSchedule s, double xt, double x0, int t)
    {
        var (a, b) = MeanCoefficients(s, t);
        return a * x0 + b * xt;
    }

    /// <summary>μ̃_t(x_t, x_0) for tensors of one shape.</summary>
    public static Tensor Mean(NoiseSchedule s, Tensor xt, Tensor x0, int t)
    {
        ForwardProcess.CheckSameShape("DdpmPosterior.Mean", xt, x0);
        var (a, b) = MeanCoefficients(s, t);
        return x0 * a + xt * b;
    }

    /// <summary>The summary's form μ_q = (x_t − (1 − α_t)/√(1 − ᾱ_t) · ε)/√α_t, with ε the noise that made x_t from x_0.</summary>
    public static Tensor MeanFromNoise(NoiseSchedule s, Tensor xt, Tensor noise, int t)
    {
        s.CheckStep("DdpmPosterior.MeanFromNoise", t);
        ForwardProcess.CheckSameShape("DdpmPosterior.MeanFromNoise", xt, noise);
        return (xt - noise * ((1 - s.Alpha[t]) / Math.Sqrt(1 - s.AlphaBar[t]))) / Math.Sqrt(s.Alpha[t]);
    }

    /// <summary>μ_q from the noise, for numbers.</summary>
    public static double MeanFromNoise(NoiseSchedule s, double xt, double noise, int t)
    {
        s.CheckStep("DdpmPosterior.MeanFromNoise", t);
        return (xt - (1 - s.Alpha[t]) / Math.Sqrt(1 - s.AlphaBar[t]) * noise) / Math.Sqrt(s.Alpha[t]);
    }

    /// <summary>
    /// The posterior of one coordinate by brute force, without the formulas above: the unnormalised density
    /// g(y) = q(x_t | x_{t−1} = y) · q(x_{t−1} = y | x_0) integrated by Simpson's rule over y, on an interval that covers
    /// ±12 standard deviations of both factors (q(x_{t−1} | x_0) around √ᾱ_{t−1} x_0, and the likelihood around x_t/√α_t):
    /// Evidence = ∫ g (which must equal q(x_t | x_0)), Mean = ∫ y g / ∫ g, Variance = ∫ (y − Mean)² g / ∫ g.
    /// Needs t ≥ 2 (at t = 1, q(x_0 | x_0) is a point mass).
    /// </summary>
    public static (double Mean, double Variance, double Evidence) ByBayesRule(NoiseSchedule s, double xt, double x0, int t, int intervals = 20000)
    {
        if (t < 2 || t > s.T) throw new ArgumentException($"DdpmPosterior.ByBayesRule: t must be in 2..{s.T}, got {t}");
        double priorMean = Math.Sqrt(s.AlphaBar[t - 1]) * x0, priorVariance = 1 - s.AlphaBar[t - 1];
        double likelihoodCentre = xt / Math.Sqrt(s.Alpha[t]), likelihoodWidth = Math.Sqrt(s.Beta[t] / s.Alpha[t]);
        double Likelihood(double y) => Normal(xt, Math.Sqrt(s.Alpha[t]) * y, s.Beta[t]);                 // q(x_t | x_{t−1} = y)
        double G(double y) => Likelihood(y) * Normal(y, priorMean, priorVariance);
        double lo = Math.Min(priorMean - 12 * Math.Sqrt(priorVariance), likelihoodCentre - 12 * likelihoodWidth);
        double hi = Math.Max(priorMean + 12 * Math.Sqrt(priorVariance), likelihoodCentre + 12 * likelihoodWidth);
        double evidence = Quadrature.Simpson(G, lo, hi, intervals);
        double mean = Quadrature.Simpson(y => y * G(y), lo, hi, intervals) / evidence;
        double variance = Quadrature.Simpson(y => (y - mean) * (y - mean) * G(y), lo, hi, intervals) / evidence;
        return (mean, variance, evidence);
    }

    /// <summary>The density of N(mean, variance) at x.</summary>
    public static double Normal(double x, double mean, double variance) =>
        Math.Exp(-(x - mean) * (x - mean) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance);
}
