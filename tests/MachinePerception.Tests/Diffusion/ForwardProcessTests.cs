using MachinePerception.Checks;
using MachinePerception.Diffusion;
using MachinePerception.Numerics;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Diffusion;

public class ForwardProcessTests
{
    [Fact]
    public void The_closed_form_q_xt_given_x0_has_the_moments_of_t_sequential_steps()
    {
        var s = NoiseSchedule.Linear();
        var rng = new Rng(1);
        double[] x0 = [0.8, -0.5, 0.0];
        var start = Tensor.FromArray(Enumerable.Range(0, 4000).SelectMany(_ => x0).ToArray(), 4000, 3);
        foreach (int t in new[] { 10, 300 })
        {
            var x = start;
            for (int i = 1; i <= t; i++) x = ForwardProcess.Step(s, x, i, rng);
            var (scale, variance) = ForwardProcess.Marginal(s, t);
            var v = x.ToDoubleArray();
            for (int d = 0; d < 3; d++)
            {
                var mean = new MeanEstimator(1);
                var square = new MeanEstimator(1);
                for (int n = 0; n < 4000; n++)
                {
                    double e = v[n * 3 + d] - scale * x0[d];
                    mean.Add(v[n * 3 + d]);
                    square.Add(e * e);
                }
                Assert.True(mean.MaxZScore([scale * x0[d]]) < 4, $"t = {t}, d = {d}: mean {mean.Mean[0]} vs {scale * x0[d]}");
                Assert.True(square.MaxZScore([variance]) < 4, $"t = {t}, d = {d}: variance {square.Mean[0]} vs {variance}");
            }
        }
    }

    [Fact]
    public void The_closed_form_is_differentiable_in_x0_and_the_noise()
    {
        var s = NoiseSchedule.Linear(20, 0.01, 0.2);
        var rng = new Rng(2);
        var r = GradCheck.Run(x => Op.Sum(Op.Square(ForwardProcess.Sample(s, x[0], [3, 17], x[1]))),
            [rng.Normal([2, 3], dtype: DType.Float64), rng.Normal([2, 3], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
        Assert.StartsWith("ForwardProcess.Sample:", Assert.Throws<ArgumentException>(() =>
            ForwardProcess.Sample(s, rng.Normal([2, 3]), [1, 2], rng.Normal([2, 4]))).Message);
    }

    [Fact]
    public void The_posterior_formulas_agree_with_Bayes_rule_by_quadrature()
    {
        var s = NoiseSchedule.Linear();
        foreach (var (t, x0, xt) in new[] { (2, 0.7, 0.5), (50, -0.3, 1.2), (400, 0.9, -0.8), (1000, 0.1, 0.4) })
        {
            var (mean, variance, evidence) = DdpmPosterior.ByBayesRule(s, xt, x0, t);
            Assert.Equal(DdpmPosterior.Mean(s, xt, x0, t), mean, 8);
            Assert.Equal(DdpmPosterior.Variance(s, t), variance, 10);
            var (scale, v) = ForwardProcess.Marginal(s, t);
            Assert.Equal(DdpmPosterior.Normal(xt, scale * x0, v), evidence, 8);   // ∫ q(x_t|x_{t−1}) q(x_{t−1}|x_0) = q(x_t|x_0)
        }
    }

    [Fact]
    public void The_posterior_mean_in_terms_of_the_noise_equals_the_mean_in_terms_of_x0()
    {
        var s = NoiseSchedule.Cosine(200);
        var rng = new Rng(3);
        var x0 = rng.Normal([5, 4], dtype: DType.Float64);
        var noise = rng.Normal([5, 4], dtype: DType.Float64);
        foreach (int t in new[] { 1, 2, 37, 200 })
        {
            var xt = ForwardProcess.Sample(s, x0, t, noise);
            var a = DdpmPosterior.Mean(s, xt, x0, t).ToDoubleArray();
            var b = DdpmPosterior.MeanFromNoise(s, xt, noise, t).ToDoubleArray();
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 10);
            var back = ForwardProcess.PredictX0(s, xt, noise, t).ToDoubleArray();
            var x0s = x0.ToDoubleArray();
            for (int i = 0; i < a.Length; i++) Assert.Equal(x0s[i], back[i], 9);
        }
    }
}
