using MachinePerception.Diffusion;
using MachinePerception.Generative;
using MachinePerception.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Tests.Diffusion;

public class LinearReverseProcessTests
{
    [Fact]
    public void The_elbo_terms_add_up_to_the_monte_carlo_elbo_and_stay_below_the_exact_log_likelihood()
    {
        var s = NoiseSchedule.Linear(100, 1e-3, 0.2);
        foreach (var sigma in new[] { ReverseVariance.Beta, ReverseVariance.Posterior })
        {
            var model = LinearReverseProcess.OptimalForGaussianData(s, 0.5, 0.25, sigma);
            foreach (var x0 in new[] { 0.9, -0.2 })
            {
                var terms = model.Terms(x0);
                var mc = model.ElboMonteCarlo(x0, 4000, new Rng(1));
                Assert.True(mc.MaxZScore([terms.Elbo]) < 4, $"{sigma}, x0 = {x0}: closed form {terms.Elbo} vs Monte Carlo {mc.Mean[0]} ± {mc.StandardError[0]}");
                Assert.True(terms.Elbo <= model.LogLikelihood(x0));
                Assert.All(terms.Denoising, d => Assert.True(d >= 0));
            }
        }
    }

    [Fact]
    public void With_one_step_the_diffusion_elbo_is_the_elbo_of_a_linear_gaussian_vae_with_a_fixed_encoder()
    {
        var s = NoiseSchedule.Linear(1, 0.3, 0.3);
        var diffusion = new LinearReverseProcess(s, [0, 1.3], [0, 0.2], [0, 0.4]);
        var vae = new LinearGaussianModel(Matrix<double>.Build.Dense(1, 1, 1.3), Vector<double>.Build.Dense(1, 0.2), 0.4);
        foreach (var x0 in new[] { 0.9, -1.4 })
        {
            var encoder = Gaussian.Diagonal([Math.Sqrt(0.7) * x0], [0.3]);   // q(x_1 | x_0)
            var x = Vector<double>.Build.Dense(1, x0);
            Assert.Equal(vae.Elbo(x, encoder), diffusion.Terms(x0).Elbo, 12);
            Assert.Equal(vae.LogEvidence(x), diffusion.LogLikelihood(x0), 12);
            Assert.Empty(diffusion.Terms(x0).Denoising);
        }
    }

    [Fact]
    public void The_true_reverse_variance_is_beta_for_unit_variance_data_and_beta_tilde_for_a_point_and_matches_simulation()
    {
        var s = NoiseSchedule.Linear();
        foreach (int t in new[] { 2, 10, 500, 1000 })
        {
            Assert.Equal(s.Beta[t], LinearReverseProcess.TrueReverseVariance(s, t, 1), 14);
            Assert.Equal(s.PosteriorVariance(t), LinearReverseProcess.TrueReverseVariance(s, t, 0), 14);
            double between = LinearReverseProcess.TrueReverseVariance(s, t, 0.25);
            Assert.InRange(between, s.PosteriorVariance(t), s.Beta[t]);
        }
        // simulate (x_{t−1}, x_t) pairs and regress: the residual variance of x_{t−1} given x_t
        var (residual, error) = LinearReverseProcess.SimulatedReverseVariance(s, 40, 0.25, 200000, new Rng(2));
        double truth = LinearReverseProcess.TrueReverseVariance(s, 40, 0.25);
        Assert.True(Math.Abs(residual - truth) < 4 * error, $"{residual} ± {error} vs {truth}");
    }

    [Fact]
    public void With_the_exact_predictor_of_gaussian_data_the_model_reproduces_the_data_distribution()
    {
        var s = NoiseSchedule.Linear();
        var normal = LinearReverseProcess.OptimalForGaussianData(s, 0, 1, ReverseVariance.Beta).Marginal(0, noiseAtLastStep: false);
        Assert.Equal(1, normal.Variance, 3);
        var point = LinearReverseProcess.OptimalForGaussianData(s, 0.7, 0, ReverseVariance.Posterior).Marginal(0, noiseAtLastStep: false);
        Assert.Equal(0.7, point.Mean, 9);
        Assert.Equal(0, point.Variance, 12);
        var model = LinearReverseProcess.OptimalForGaussianData(NoiseSchedule.Linear(50, 1e-3, 0.2), 0.5, 0.25, ReverseVariance.Beta);
        var drawn = model.Sample(20000, new Rng(2));
        var (m, v) = model.Marginal();
        Assert.InRange(drawn.Average(), m - 4 * Math.Sqrt(v / 20000), m + 4 * Math.Sqrt(v / 20000));
    }

    [Fact]
    public void Sliced_wasserstein_is_zero_for_equal_sets_and_the_shift_for_translated_ones()
    {
        var rng = new Rng(3);
        var a = rng.Normal([500, 3], dtype: DType.Float64);
        Assert.Equal(0, SlicedWasserstein.Distance(a, a, 50, new Rng(4)), 12);
        double[] shift = [0.6, -0.3, 0.9];
        var b = a + Tensor.FromArray(shift, 1, 3);
        // each projection θ moves every point by θ·v, so SW² = E (θ·v)² = |v|²/3 for random directions in 3-D
        double sw = SlicedWasserstein.Distance(a, b, 4000, new Rng(5));
        Assert.Equal(Math.Sqrt(shift.Sum(v => v * v) / 3), sw, 1);
        Assert.StartsWith("SlicedWasserstein.Distance:", Assert.Throws<ArgumentException>(() => SlicedWasserstein.Distance(a, rng.Normal([5, 2]), 10, rng)).Message);
    }
}
