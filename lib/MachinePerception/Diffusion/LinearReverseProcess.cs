using MachinePerception.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>The ELBO of §6 split into its terms (nats, for one data point).</summary>
public sealed record DiffusionElboTerms(double Reconstruction, double Prior, double[] Denoising)
{
    /// <summary>E_q log p_θ(x_0 | x_1) − KL(q(x_T | x_0) ‖ p(x_T)) − Σ_{t=2}^T E_q KL(q(x_{t−1} | x_t, x_0) ‖ p_θ(x_{t−1} | x_t)).</summary>
    public double Elbo => Reconstruction - Prior - Denoising.Sum();
}

/// <summary>
/// A diffusion model on one real number whose reverse steps are linear-Gaussian, p_θ(x_{t−1} | x_t) = N(a_t x_t + b_t, σ_t²),
/// with p(x_T) = N(0, 1) (§6). Every quantity of the ELBO is then a closed form: q(x_t | x_0) and q(x_{t−1} | x_t, x_0) are
/// Gaussian (<see cref="ForwardProcess"/>, <see cref="DdpmPosterior"/>), a KL between Gaussians is closed form, and so is
/// the model's exact marginal p_θ(x_0) (a chain of linear-Gaussian steps). This is the case of data that is itself
/// Gaussian, N(m, s²), where the best noise predictor is linear in x_t (<see cref="OptimalForGaussianData"/>), so the
/// chapter can check the ELBO's decomposition, the bound, the link to the VAE (T = 1) and the choice of σ_t² exactly.
/// </summary>
public sealed class LinearReverseProcess
{
    public NoiseSchedule Schedule { get; }
    /// <summary>a_t, b_t, σ_t² for t = 1 … T ([0] unused).</summary>
    public double[] Slope { get; }
    public double[] Offset { get; }
    public double[] Variance { get; }

    public LinearReverseProcess(NoiseSchedule schedule, double[] slope, double[] offset, double[] variance)
    {
        int n = schedule.T + 1;
        if (slope.Length != n || offset.Length != n || variance.Length != n)
            throw new ArgumentException($"LinearReverseProcess: slope, offset and variance need T + 1 = {n} entries, got {slope.Length}, {offset.Length}, {variance.Length}");
        for (int t = 1; t < n; t++)
            if (!(variance[t] > 0)) throw new ArgumentException($"LinearReverseProcess: σ_{t}² = {variance[t]} must be positive");
        (Schedule, Slope, Offset, Variance) = (schedule, slope, offset, variance);
    }

    /// <summary>
    /// The noise predictor that minimises the ε-loss for data N(m, s²): ε*(x_t) = E[ε | x_t] = √(1 − ᾱ_t)(x_t − √ᾱ_t m)/(ᾱ_t s² + 1 − ᾱ_t).
    /// </summary>
    public static double OptimalNoise(NoiseSchedule schedule, int t, double xt, double mean, double variance)
    {
        schedule.CheckStep("LinearReverseProcess.OptimalNoise", t);
        double ab = schedule.AlphaBar[t];
        return Math.Sqrt(1 - ab) * (xt - Math.Sqrt(ab) * mean) / (ab * variance + 1 - ab);
    }

    /// <summary>
    /// The variance of the true reverse step q(x_{t−1} | x_t) when the data is N(m, s²): x_{t−1} and x_t are jointly Gaussian
    /// with variances v_{t−1}, v_t (v_t = ᾱ_t s² + 1 − ᾱ_t) and covariance √α_t v_{t−1}, so
    /// Var(x_{t−1} | x_t) = v_{t−1} − α_t v_{t−1}²/v_t. It is β_t for s² = 1 and β̃_t for s² = 0 (a single point): the two
    /// choices of σ_t² are the two ends (Ho et al. 2020, §3.2).
    /// </summary>
    public static double TrueReverseVariance(NoiseSchedule schedule, int t, double dataVariance)
    {
        schedule.CheckStep("LinearReverseProcess.TrueReverseVariance", t);
        double previous = schedule.AlphaBar[t - 1] * dataVariance + 1 - schedule.AlphaBar[t - 1];
        double current = schedule.AlphaBar[t] * dataVariance + 1 - schedule.AlphaBar[t];
        return previous - schedule.Alpha[t] * previous * previous / current;
    }

    /// <summary>
    /// The same variance by simulation, without the formula: draw x_0 ~ N(0, s²), then x_{t−1} from the closed form and x_t
    /// by one forward step, and regress x_{t−1} on x_t; returns the residual variance and its approximate standard error
    /// (v·√(2/n)).
    /// </summary>
    public static (double Variance, double StandardError) SimulatedReverseVariance(NoiseSchedule schedule, int t, double dataVariance, int samples, Rng rng)
    {
        schedule.CheckStep("LinearReverseProcess.SimulatedReverseVariance", t);
        double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < samples; i++)
        {
            double x0 = Math.Sqrt(dataVariance) * rng.NextNormal();
            double previous = Math.Sqrt(schedule.AlphaBar[t - 1]) * x0 + Math.Sqrt(1 - schedule.AlphaBar[t - 1]) * rng.NextNormal();
            double current = Math.Sqrt(schedule.Alpha[t]) * previous + Math.Sqrt(schedule.Beta[t]) * rng.NextNormal();
            sx += current; sy += previous; sxx += current * current; sxy += current * previous; syy += previous * previous;
        }
        double n = samples, cxx = sxx / n - sx * sx / n / n, cxy = sxy / n - sx * sy / n / n, cyy = syy / n - sy * sy / n / n;
        double residual = cyy - cxy * cxy / cxx;
        return (residual, residual * Math.Sqrt(2 / n));
    }

    /// <summary>
    /// The reverse process that a perfectly trained ε-predictor gives for data N(m, s²): the mean
    /// μ_θ = (x_t − (1 − α_t)/√(1 − ᾱ_t) ε*(x_t))/√α_t is linear in x_t; the variance σ_t² is β_t or β̃_t (at t = 1,
    /// where β̃_1 = 0, the decoder keeps β_1).
    /// </summary>
    public static LinearReverseProcess OptimalForGaussianData(NoiseSchedule schedule, double mean, double variance, ReverseVariance sigma)
    {
        if (!(variance >= 0)) throw new ArgumentException($"LinearReverseProcess.OptimalForGaussianData: the data variance must be ≥ 0, got {variance}");
        int n = schedule.T + 1;
        double[] a = new double[n], b = new double[n], v = new double[n];
        for (int t = 1; t < n; t++)
        {
            // μ_θ is linear in x_t: read its slope and offset off two evaluations
            double Mu(double x) => DdpmPosterior.MeanFromNoise(schedule, x, OptimalNoise(schedule, t, x, mean, variance), t);
            b[t] = Mu(0);
            a[t] = Mu(1) - b[t];
            v[t] = sigma == ReverseVariance.Beta || t == 1 ? schedule.Beta[t] : schedule.PosteriorVariance(t);
        }
        return new LinearReverseProcess(schedule, a, b, v);
    }

    /// <summary>
    /// The mean and variance of x_t under the model, from x_T ~ N(0, 1) down (t = 0: the model's data distribution).
    /// <paramref name="noiseAtLastStep"/>: false follows the summary's sampler, which adds no noise at t = 1 (z = 0).
    /// </summary>
    public (double Mean, double Variance) Marginal(int t = 0, bool noiseAtLastStep = true)
    {
        if (t < 0 || t > Schedule.T) throw new ArgumentException($"LinearReverseProcess.Marginal: t must be in 0..{Schedule.T}, got {t}");
        double m = 0, v = 1;
        for (int s = Schedule.T; s > t; s--)
            (m, v) = (Slope[s] * m + Offset[s], Slope[s] * Slope[s] * v + (s > 1 || noiseAtLastStep ? Variance[s] : 0));
        return (m, v);
    }

    /// <summary>log p_θ(x_0), exactly (the marginal of the chain is Gaussian).</summary>
    public double LogLikelihood(double x0)
    {
        var (m, v) = Marginal(0);
        return LogNormal(x0, m, v);
    }

    /// <summary>The ELBO's terms for one data point x_0, in closed form.</summary>
    public DiffusionElboTerms Terms(double x0)
    {
        var s = Schedule;
        // reconstruction: E_{x_1 ~ q(x_1|x_0)} log N(x_0; a_1 x_1 + b_1, σ_1²)
        var (scale1, var1) = ForwardProcess.Marginal(s, 1);
        double residualMean = x0 - Slope[1] * scale1 * x0 - Offset[1];
        double reconstruction = -0.5 * Math.Log(2 * Math.PI * Variance[1]) - (residualMean * residualMean + Slope[1] * Slope[1] * var1) / (2 * Variance[1]);
        // prior matching: KL(N(√ᾱ_T x_0, 1 − ᾱ_T) ‖ N(0, 1))
        var (scaleT, varT) = ForwardProcess.Marginal(s, s.T);
        double prior = KlNormal(scaleT * x0, varT, 0, 1);
        // denoising matching, t = 2 … T: E_{x_t} KL(N(c0 x_0 + c1 x_t, β̃_t) ‖ N(a_t x_t + b_t, σ_t²)); the mean gap is linear in x_t
        var denoising = new double[Math.Max(s.T - 1, 0)];
        for (int t = 2; t <= s.T; t++)
        {
            var (c0, c1) = DdpmPosterior.MeanCoefficients(s, t);
            var (scale, var) = ForwardProcess.Marginal(s, t);
            double gapMean = c0 * x0 - Offset[t] + (c1 - Slope[t]) * scale * x0, gapSlope = c1 - Slope[t];
            double expectedSquaredGap = gapMean * gapMean + gapSlope * gapSlope * var;
            double posteriorVariance = s.PosteriorVariance(t);
            denoising[t - 2] = 0.5 * (Math.Log(Variance[t] / posteriorVariance) + (posteriorVariance + expectedSquaredGap) / Variance[t] - 1);
        }
        return new DiffusionElboTerms(reconstruction, prior, denoising);
    }

    /// <summary>
    /// A Monte-Carlo estimate of the ELBO from its definition, E_{q(x_{1:T} | x_0)} [log p_θ(x_{0:T}) − log q(x_{1:T} | x_0)]:
    /// run the forward chain step by step and add up the log-densities, without any of the closed forms above.
    /// </summary>
    public MeanEstimator ElboMonteCarlo(double x0, int samples, Rng rng)
    {
        var s = Schedule;
        var estimate = new MeanEstimator(1);
        var x = new double[s.T + 1];
        for (int i = 0; i < samples; i++)
        {
            x[0] = x0;
            double logQ = 0;
            for (int t = 1; t <= s.T; t++)
            {
                x[t] = Math.Sqrt(s.Alpha[t]) * x[t - 1] + Math.Sqrt(s.Beta[t]) * rng.NextNormal();
                logQ += LogNormal(x[t], Math.Sqrt(s.Alpha[t]) * x[t - 1], s.Beta[t]);
            }
            double logP = LogNormal(x[s.T], 0, 1);
            for (int t = s.T; t >= 1; t--) logP += LogNormal(x[t - 1], Slope[t] * x[t] + Offset[t], Variance[t]);
            estimate.Add(logP - logQ);
        }
        return estimate;
    }

    /// <summary>Samples of x_0 by the ancestral chain (for comparing with <see cref="Marginal"/>).</summary>
    public double[] Sample(int count, Rng rng)
    {
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            double x = rng.NextNormal();
            for (int t = Schedule.T; t >= 1; t--) x = Slope[t] * x + Offset[t] + Math.Sqrt(Variance[t]) * rng.NextNormal();
            result[i] = x;
        }
        return result;
    }

    static double LogNormal(double x, double mean, double variance) =>
        -0.5 * Math.Log(2 * Math.PI * variance) - (x - mean) * (x - mean) / (2 * variance);

    static double KlNormal(double m1, double v1, double m2, double v2) =>
        0.5 * (Math.Log(v2 / v1) + (v1 + (m1 - m2) * (m1 - m2)) / v2 - 1);
}
