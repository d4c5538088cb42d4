using MachinePerception.Generative;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Generative;

public class GradientEstimatorsTests
{
    // E[sin z] for z ~ N(μ, σ²) is sin μ · e^{−σ²/2}
    static (double DMean, double DSigma) ExactSinGradient(double mu, double sigma) =>
        (Math.Cos(mu) * Math.Exp(-sigma * sigma / 2), -sigma * Math.Sin(mu) * Math.Exp(-sigma * sigma / 2));

    [Fact]
    public void Both_estimators_are_unbiased_and_reparameterization_has_lower_variance()
    {
        double mu = 0.7, sigma = 0.5;
        var exact = ExactSinGradient(mu, sigma);
        var pathwise = GradientEstimators.Reparameterized(Op.Sin, mu, sigma, 4000, new Rng(1));
        var score = GradientEstimators.ScoreFunction(Op.Sin, mu, sigma, 4000, new Rng(2));
        foreach (var (name, g) in new[] { ("pathwise", pathwise), ("score", score) })
        {
            Assert.True(g.DMean.StandardErrorsFrom(exact.DMean) < 4, $"{name} ∂μ {g.DMean} vs {exact.DMean}");
            Assert.True(g.DSigma.StandardErrorsFrom(exact.DSigma) < 4, $"{name} ∂σ {g.DSigma} vs {exact.DSigma}");
        }
        Assert.True(score.TotalVariance > 5 * pathwise.TotalVariance, $"variances {score.TotalVariance} vs {pathwise.TotalVariance}");
    }

    [Fact]
    public void Reparameterized_draws_are_the_chain_rule_per_sample()
    {
        // f(z) = z²: per draw ∂/∂μ = 2z and ∂/∂σ = 2z·ε; with the same seed the draws of ε are known
        double mu = -0.3, sigma = 1.2;
        var g = GradientEstimators.Reparameterized(Op.Square, mu, sigma, 3, new Rng(9));
        var eps = new Rng(9).Normal([3], dtype: DType.Float64).ToDoubleArray();
        var dMean = eps.Select(e => 2 * (mu + sigma * e)).ToArray();
        Assert.True(Math.Abs(g.DMean.Mean - dMean.Average()) < 1e-12);
        Assert.True(Math.Abs(g.DSigma.Mean - eps.Select(e => 2 * (mu + sigma * e) * e).Average()) < 1e-12);
    }

    [Fact]
    public void Bad_sigma_and_non_elementwise_f_are_rejected_with_names()
    {
        Assert.StartsWith("GradientEstimators.ScoreFunction", Assert.Throws<ArgumentException>(() =>
            GradientEstimators.ScoreFunction(Op.Sin, 0, -1, 10, new Rng(1))).Message);
        var e = Assert.Throws<ArgumentException>(() => GradientEstimators.Reparameterized(z => Op.Sum(z), 0, 1, 10, new Rng(1)));
        Assert.StartsWith("GradientEstimators.Reparameterized", e.Message);
    }
}
