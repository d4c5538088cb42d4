using MachinePerception.Diffusion;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Diffusion;

/// <summary>The exact noise predictor of data that is a single point c: ε*(x_t, t) = (x_t − √ᾱ_t c)/√(1 − ᾱ_t).</summary>
sealed class PointOracle(NoiseSchedule schedule, double[] point) : INoisePredictor
{
    public int Calls { get; private set; }

    public Tensor PredictNoise(Tensor xt, IReadOnlyList<double> t, int[]? labels = null)
    {
        Calls++;
        int d = point.Length, b = xt.Shape[0];
        var x = xt.ToDoubleArray();
        var eps = new double[x.Length];
        for (int n = 0; n < b; n++)
        {
            double ab = schedule.AlphaBar[(int)t[n]];
            for (int k = 0; k < d; k++) eps[n * d + k] = (x[n * d + k] - Math.Sqrt(ab) * point[k]) / Math.Sqrt(1 - ab);
        }
        return Tensor.FromArray(eps, b, d).To(xt.DType);
    }
}

/// <summary>A fixed linear "network" with a label offset, to test guidance: ε = 0.5 x + 0.1 t/T + offset(label).</summary>
sealed class LabelledLinear : INoisePredictor
{
    public Tensor PredictNoise(Tensor xt, IReadOnlyList<double> t, int[]? labels = null)
    {
        var x = xt.ToDoubleArray();
        int b = xt.Shape[0], d = x.Length / b;
        var y = new double[x.Length];
        for (int n = 0; n < b; n++)
            for (int k = 0; k < d; k++)
                y[n * d + k] = 0.5 * x[n * d + k] + 0.1 * t[n] / 1000 + (labels is null || labels[n] == NoisePredictor.NullLabel ? 0 : 0.3 * (labels[n] + 1) * (k + 1));
        return Tensor.FromArray(y, xt.Shape.ToArray()).To(xt.DType);
    }
}

public class SamplerTests
{
    [Fact]
    public void With_the_exact_noise_predictor_of_a_point_the_ancestral_sampler_returns_that_point()
    {
        var s = NoiseSchedule.Linear(200, 1e-3, 0.1);
        double[] point = [0.6, -0.4];
        foreach (var variance in new[] { ReverseVariance.Beta, ReverseVariance.Posterior })
        {
            var x = Ddpm.Sample(new PointOracle(s, point), s, [16, 2], new Rng(1), new SamplerOptions(variance)).ToDoubleArray();
            for (int i = 0; i < x.Length; i++) Assert.Equal(point[i % 2], x[i], 4);   // float32 arithmetic
        }
    }

    [Fact]
    public void Clipping_x0_changes_nothing_while_x0_stays_in_range_and_respacing_asks_the_model_at_the_original_steps()
    {
        var s = NoiseSchedule.Linear();
        var oracle = new PointOracle(s, [0.6, -0.4]);
        var shorter = s.Respace(s.EvenlySpaced(25));
        var plain = Ddpm.Sample(oracle, shorter, [8, 2], new Rng(2)).ToDoubleArray();
        var clipped = Ddpm.Sample(oracle, shorter, [8, 2], new Rng(2), new SamplerOptions(ClipX0: true)).ToDoubleArray();
        for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i], clipped[i], 4);
        Assert.Equal(25, oracle.Calls / 2);
        // outside the range clipping does act: a point at 3 is pulled to the edge 1
        var far = Ddpm.Sample(new PointOracle(s, [3.0]), shorter, [4, 1], new Rng(3), new SamplerOptions(ClipX0: true)).ToDoubleArray();
        Assert.All(far, v => Assert.Equal(1, v, 4));
    }

    [Fact]
    public void Ddim_with_eta_1_is_the_ancestral_sampler_with_the_posterior_variance_and_eta_0_is_deterministic()
    {
        var s = NoiseSchedule.Linear(100, 1e-3, 0.05);
        var model = new LabelledLinear();
        var ancestral = Ddpm.Sample(model, s, [6, 3], new Rng(4), new SamplerOptions(ReverseVariance.Posterior)).ToDoubleArray();
        var ddim = DdimSampler.Sample(model, s, [6, 3], new Rng(4), eta: 1).ToDoubleArray();
        for (int i = 0; i < ancestral.Length; i++) Assert.Equal(ancestral[i], ddim[i], 4);
        var xT = new Rng(5).Normal([6, 3]);
        var a = DdimSampler.Run(model, s, xT, new Rng(6)).ToDoubleArray();
        var b = DdimSampler.Run(model, s, xT, new Rng(7)).ToDoubleArray();
        Assert.Equal(a, b);
        // with the oracle of a point, even 5 DDIM steps land on the point
        var oracle = new PointOracle(s, [0.2, 0.9, -0.5]);
        var few = DdimSampler.Sample(oracle, s.Respace(s.EvenlySpaced(5)), [4, 3], new Rng(8)).ToDoubleArray();
        for (int i = 0; i < few.Length; i++) Assert.Equal(new[] { 0.2, 0.9, -0.5 }[i % 3], few[i], 4);
    }

    [Fact]
    public void Guidance_combines_one_batched_call_into_one_plus_w_times_conditional_minus_w_times_unconditional()
    {
        var model = new LabelledLinear();
        var x = new Rng(9).Normal([3, 2]);
        double[] t = [10, 500, 999];
        int[] labels = [0, 4, 9];
        var c = model.PredictNoise(x, t, labels);
        var u = model.PredictNoise(x, t, [NoisePredictor.NullLabel, NoisePredictor.NullLabel, NoisePredictor.NullLabel]);
        foreach (var w in new[] { 0.0, 1, 2.5 })
        {
            var g = new GuidedNoisePredictor(model, w).PredictNoise(x, t, labels).ToDoubleArray();
            var (cs, us) = (c.ToDoubleArray(), u.ToDoubleArray());
            for (int i = 0; i < g.Length; i++) Assert.Equal((1 + w) * cs[i] - w * us[i], g[i], 4);   // float32
        }
        Assert.StartsWith("GuidedNoisePredictor:", Assert.Throws<ArgumentException>(() => new GuidedNoisePredictor(model, 1).PredictNoise(x, t)).Message);
    }

    [Fact]
    public void Label_dropout_drops_about_the_requested_share_and_the_pairwise_distance_is_the_mean_over_pairs()
    {
        var labels = Enumerable.Range(0, 20000).Select(i => i % 10).ToArray();
        var dropped = ClassifierFreeGuidance.DropLabels(labels, 0.1, new Rng(10));
        double share = dropped.Count(l => l == NoisePredictor.NullLabel) / 20000.0;
        Assert.InRange(share, 0.1 - 4 * Math.Sqrt(0.09 / 20000), 0.1 + 4 * Math.Sqrt(0.09 / 20000));
        Assert.All(dropped.Zip(labels), p => Assert.True(p.First == p.Second || p.First == NoisePredictor.NullLabel));
        var points = Tensor.FromArray(new[] { 0.0, 0, 3, 4, 6, 8 }, 3, 2);
        Assert.Equal((5 + 10 + 5) / 3.0, ClassifierFreeGuidance.MeanPairwiseDistance(points), 12);
    }

    [Fact]
    public void The_ddpm_loss_is_differentiable_in_the_networks_weights()
    {
        var s = NoiseSchedule.Linear(50, 1e-3, 0.1);
        var rng = new Rng(11);
        var net = new MlpDenoiser(2, 6, 2, rng, timeFeatures: 4, dtype: DType.Float64);
        var x0 = rng.Normal([5, 2], dtype: DType.Float64);
        var noise = rng.Normal([5, 2], dtype: DType.Float64);
        int[] t = [1, 7, 20, 33, 50];
        var r = MachinePerception.Checks.GradCheck.RunOn(() => Ddpm.Loss(net, s, x0, t, noise), net.Parameters());
        Assert.True(r.Passed, r.Summary);
        // the loss is the mean squared difference of the noise and its prediction at x_t
        var predicted = net.PredictNoise(ForwardProcess.Sample(s, x0, t, noise), t.Select(v => (double)v).ToArray());
        Assert.Equal(Op.Mean(Op.Square(predicted - noise)).Item(), Ddpm.Loss(net, s, x0, t, noise).Item(), 14);
    }
}
