using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>Monte-Carlo estimates of the two partial derivatives ∂/∂μ and ∂/∂σ of E_{z ~ N(μ, σ²)}[f(z)].</summary>
public sealed record GradientEstimate(MonteCarloEstimate DMean, MonteCarloEstimate DSigma)
{
    /// <summary>Variance of one draw, summed over the two partial derivatives (the quantity the two estimators are compared on).</summary>
    public double TotalVariance => DMean.Variance + DSigma.Variance;
}

/// <summary>
/// Two unbiased estimators of ∇_{μ,σ} E_{z ~ N(μ, σ²)}[f(z)], the gradient the VAE's encoder needs (§2 "backprop through
/// sample by reparametr.", §13 "Expectation of reparam."):
/// <list type="bullet">
/// <item>reparameterized (pathwise): z = μ + σ ε with ε ~ N(0, 1), so the expectation is over ε, which does not depend on
/// (μ, σ), and the gradient moves inside: ∇ E[f(z)] = E_ε[f′(μ + σ ε) · (1, ε)]. Here f′ comes from autodiff, exactly as
/// in the VAE;</item>
/// <item>score function (REINFORCE): ∇ E[f(z)] = E_z[f(z) ∇ log N(z; μ, σ²)], with ∂/∂μ log N = (z − μ)/σ² and
/// ∂/∂σ log N = ((z − μ)² − σ²)/σ³. It needs only values of f, and is usually far noisier.</item>
/// </list>
/// Both return one gradient per draw, so their mean and variance can be compared with the exact gradient.
/// </summary>
public static class GradientEstimators
{
    /// <summary>
    /// The reparameterized estimator with <paramref name="samples"/> draws. <paramref name="f"/> maps a float64 tensor of
    /// z values elementwise to f(z); each draw gets its own copy of μ and σ as leaves, so one backward pass gives every
    /// draw's gradient separately.
    /// </summary>
    public static GradientEstimate Reparameterized(Func<Tensor, Tensor> f, double mean, double sigma, int samples, Rng rng)
    {
        Validate("Reparameterized", sigma, samples);
        var mu = Tensor.Full([samples], mean, DType.Float64).RequireGrad();      // [n], one copy of μ per draw
        var sd = Tensor.Full([samples], sigma, DType.Float64).RequireGrad();     // [n]
        var eps = rng.Normal([samples], dtype: DType.Float64);                  // [n]
        var values = CheckValues(f(mu + sd * eps), samples, "Reparameterized"); // [n]
        Op.Sum(values).Backward();
        return new GradientEstimate(MonteCarloEstimate.From(mu.Grad!.ToDoubleArray()), MonteCarloEstimate.From(sd.Grad!.ToDoubleArray()));
    }

    /// <summary>The score-function estimator with <paramref name="samples"/> draws: f(z) times the score of N(μ, σ²) at z.</summary>
    public static GradientEstimate ScoreFunction(Func<Tensor, Tensor> f, double mean, double sigma, int samples, Rng rng)
    {
        Validate("ScoreFunction", sigma, samples);
        var z = rng.Normal([samples], mean, sigma, DType.Float64).ToDoubleArray();
        var values = CheckValues(f(Tensor.FromArray(z, samples)), samples, "ScoreFunction").ToDoubleArray();
        var dMean = new double[samples];
        var dSigma = new double[samples];
        double variance = sigma * sigma;
        for (int i = 0; i < samples; i++)
        {
            double d = z[i] - mean;
            dMean[i] = values[i] * d / variance;
            dSigma[i] = values[i] * (d * d - variance) / (variance * sigma);
        }
        return new GradientEstimate(MonteCarloEstimate.From(dMean), MonteCarloEstimate.From(dSigma));
    }

    static void Validate(string method, double sigma, int samples)
    {
        if (!(sigma > 0)) throw new ArgumentException($"GradientEstimators.{method}: σ must be positive, got {sigma}");
        if (samples < 2) throw new ArgumentException($"GradientEstimators.{method}: needs at least 2 samples, got {samples}");
    }

    static Tensor CheckValues(Tensor values, int samples, string method) =>
        values.Shape.Rank == 1 && values.Shape[0] == samples ? values
            : throw new ArgumentException($"GradientEstimators.{method}: f must act elementwise ([{samples}] → [{samples}]), returned {values.Shape}");
}
