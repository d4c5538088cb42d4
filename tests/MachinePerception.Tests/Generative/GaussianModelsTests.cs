using MachinePerception.Generative;
using MachinePerception.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Tests.Generative;

public class GaussianModelsTests
{
    static Gaussian RandomGaussian(int d, Rng rng)
    {
        var a = Matrix<double>.Build.Dense(d, d, (_, _) => rng.NextNormal());
        var cov = a * a.Transpose() + Matrix<double>.Build.DenseIdentity(d) * 0.5;
        return new Gaussian(Vector<double>.Build.Dense(d, _ => rng.NextNormal()), cov);
    }

    [Fact]
    public void Elbo_identity_holds_to_rounding_for_random_q_and_is_tight_at_the_posterior()
    {
        var rng = new Rng(3);
        var model = LinearGaussianModel.Random(5, 2, 0.3, rng);
        var x = model.Sample(rng);
        double logEvidence = model.LogEvidence(x);
        for (int t = 0; t < 5; t++)
        {
            var q = RandomGaussian(2, rng);
            double gap = logEvidence - model.Elbo(x, q) - q.KlTo(model.Posterior(x));
            Assert.True(Math.Abs(gap) < 1e-9, $"q {t}: log p(x) − ELBO − KL = {gap}");
            Assert.True(model.Elbo(x, q) < logEvidence);
        }
        Assert.True(Math.Abs(model.Elbo(x, model.Posterior(x)) - logEvidence) < 1e-9);
    }

    [Fact]
    public void Posterior_is_proportional_to_prior_times_likelihood()
    {
        var rng = new Rng(4);
        var model = LinearGaussianModel.Random(4, 3, 0.5, rng);
        var x = model.Sample(rng);
        var posterior = model.Posterior(x);
        // Bayes: log p(z | x) = log p(x | z) + log p(z) − log p(x) at any z
        for (int t = 0; t < 4; t++)
        {
            var z = Vector<double>.Build.Dense(3, _ => rng.NextNormal());
            double bayes = model.Likelihood(z).LogDensity(x) + model.Prior.LogDensity(z) - model.LogEvidence(x);
            Assert.True(Math.Abs(posterior.LogDensity(z) - bayes) < 1e-10, $"z {t}: {posterior.LogDensity(z)} vs {bayes}");
        }
    }

    [Fact]
    public void Kl_is_zero_for_equal_gaussians_positive_and_asymmetric_otherwise_and_matches_monte_carlo()
    {
        var rng = new Rng(5);
        var p = RandomGaussian(2, rng);
        var q = RandomGaussian(2, rng);
        Assert.True(Math.Abs(p.KlTo(p)) < 1e-12);
        Assert.True(p.KlTo(q) > 0 && q.KlTo(p) > 0);
        Assert.True(Math.Abs(p.KlTo(q) - q.KlTo(p)) > 1e-3);
        var mc = p.KlToMonteCarlo(q, 4000, rng);
        Assert.True(mc.MaxZScore([p.KlTo(q)]) < 4, $"Monte Carlo {mc.Mean[0]} ± {mc.StandardError[0]} vs closed form {p.KlTo(q)}");
        // 1-D textbook form: KL(N(m1, s1²) ‖ N(m2, s2²)) = log(s2/s1) + (s1² + (m1 − m2)²)/(2 s2²) − ½
        var a = Gaussian.Diagonal([0.3], [0.4]);
        var b = Gaussian.Diagonal([-1.0], [2.5]);
        double expected = Math.Log(Math.Sqrt(2.5 / 0.4)) + (0.4 + 1.69) / (2 * 2.5) - 0.5;
        Assert.True(Math.Abs(a.KlTo(b) - expected) < 1e-14);
    }

    [Fact]
    public void Monte_carlo_elbo_agrees_with_the_closed_form()
    {
        var rng = new Rng(6);
        var model = LinearGaussianModel.Random(3, 2, 0.8, rng);
        var x = model.Sample(rng);
        var q = Gaussian.Diagonal([0.1, -0.2], [0.3, 0.6]);
        var mc = model.ElboMonteCarlo(x, q, 4000, rng);
        Assert.True(mc.MaxZScore([model.Elbo(x, q)]) < 4, $"{mc.Mean[0]} ± {mc.StandardError[0]} vs {model.Elbo(x, q)}");
    }

    [Fact]
    public void Bad_inputs_name_the_method_and_the_sizes()
    {
        var model = LinearGaussianModel.Random(3, 2, 1, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => model.Posterior(Vector<double>.Build.Dense(4)));
        Assert.StartsWith("LinearGaussianModel.Posterior", e.Message);
        Assert.Contains("4", e.Message);
        Assert.StartsWith("Gaussian", Assert.Throws<ArgumentException>(() => Gaussian.Diagonal([0, 0], [1, -1])).Message);
        Assert.StartsWith("Gaussian", Assert.Throws<ArgumentException>(() =>
            new Gaussian(Vector<double>.Build.Dense(2), Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 2, 1 } }))).Message);
    }
}

public class GaussianFitTests
{
    [Fact]
    public void Fit_recovers_mean_and_covariance_and_samples_follow_them()
    {
        var truth = new Gaussian(Vector<double>.Build.Dense([1.0, -2.0]), Matrix<double>.Build.DenseOfArray(new[,] { { 2.0, 0.6 }, { 0.6, 0.5 } }));
        var fitted = Gaussian.Fit(truth.Samples(50000, new Rng(1)));
        Assert.Equal(1.0, fitted.Mean[0], 1);
        Assert.Equal(-2.0, fitted.Mean[1], 1);
        Assert.Equal(0.6, fitted.Covariance[0, 1], 1);
        Assert.True(fitted.KlTo(truth) < 1e-3, $"KL {fitted.KlTo(truth)}");
        Assert.StartsWith("Gaussian.Fit:", Assert.Throws<ArgumentException>(() => Gaussian.Fit(Tensor.Zeros([1, 2]))).Message);
    }
}
