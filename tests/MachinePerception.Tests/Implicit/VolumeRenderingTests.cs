using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Implicit;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using MachinePerception.Tests.Cuda;

namespace MachinePerception.Tests.Implicit;

public class VolumeRenderingTests
{
    [Fact]
    public void Constant_density_gives_one_minus_exp_of_sigma_times_length_and_weights_sum_to_one_minus_final_transmittance()
    {
        const double sigma = 1.7, length = 2.0;
        foreach (int s in new[] { 1, 7, 64 })
        {
            var (alpha, transmittance, weight) = VolumeRendering.Weights(Enumerable.Repeat(sigma, s).ToArray(), Enumerable.Repeat(length / s, s).ToArray());
            double total = weight.Sum(), final = transmittance[^1] * (1 - alpha[^1]);
            Assert.Equal(1 - Math.Exp(-sigma * length), total, 1e-14);   // exact for any number of samples
            Assert.Equal(1 - final, total, 1e-14);
            Assert.Equal(1.0, transmittance[0]);
        }
    }

    [Fact]
    public void Fused_composite_equals_the_composite_written_with_ops_and_the_loop_formulas()
    {
        var rng = new Rng(2);
        var sigma = rng.Uniform([5, 9], 0, 4, DType.Float64);
        var values = rng.Uniform([5, 9, 3], 0, 1, DType.Float64);
        var delta = rng.Uniform([5, 9], 0.02, 0.4, DType.Float64);
        var background = Tensor.FromArray([1.0, 0.5, 0.0]);
        var fused = VolumeRendering.Composite(sigma, values, delta, background);
        Kit.Near(VolumeRendering.CompositeWithOps(sigma, values, delta, background), fused, 1e-13);
        // ray 2 by the loops: Σ w_i c_i + (1 − Σ w_i)·background
        var s = sigma.ToDoubleArray()[18..27];
        var d = delta.ToDoubleArray()[18..27];
        var (_, _, w) = VolumeRendering.Weights(s, d);
        var v = values.ToDoubleArray();
        for (int c = 0; c < 3; c++)
        {
            double expected = Enumerable.Range(0, 9).Sum(i => w[i] * v[(18 + i) * 3 + c]) + (1 - w.Sum()) * background.ToDoubleArray()[c];
            Assert.Equal(expected, fused[2, c], 1e-13);
        }
    }

    [Fact]
    public void Composite_gradient_passes_the_float64_check()
    {
        var rng = new Rng(3);
        var delta = rng.Uniform([4, 6], 0.05, 0.5, DType.Float64);
        var background = Tensor.FromArray([0.2, 0.9]);
        var r = GradCheck.Run(x => VolumeRendering.Composite(x[0], x[1], delta, background),
            [rng.Uniform([4, 6], 0, 3, DType.Float64), rng.Uniform([4, 6, 2], 0, 1, DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Bad_inputs_and_second_derivatives_are_clear_errors()
    {
        var sigma = Tensor.Ones([2, 3], DType.Float64);
        var values = Tensor.Ones([2, 3, 3], DType.Float64);
        var delta = Tensor.Full([2, 3], 0.1, DType.Float64);
        var bg = Tensor.Ones([3], DType.Float64);
        Assert.StartsWith("VolumeRendering.Composite", Assert.Throws<ArgumentException>(() => VolumeRendering.Composite(sigma, Tensor.Ones([2, 4, 3], DType.Float64), delta, bg)).Message);
        Assert.Contains("≥ 0", Assert.Throws<ArgumentException>(() => VolumeRendering.Composite(-1 * sigma, values, delta, bg)).Message);
        var x = sigma.Detach().Clone().RequireGrad();
        var g = Autograd.Grad([Op.Sum(VolumeRendering.Composite(x, values, delta, bg))], [x], createGraph: true)[0]!;
        Assert.Throws<NotSupportedException>(() => Autograd.Grad(Op.Sum(g), x));
    }

    [Fact]
    public void Stratified_samples_stay_in_their_bins_and_spacings_reach_far()
    {
        var (t, delta) = VolumeRendering.StratifiedSamples(3, 8, 2, 6, new Rng(1));
        for (int r = 0; r < 3; r++)
        {
            for (int i = 0; i < 8; i++) Assert.InRange(t[r * 8 + i], 2 + 0.5 * i, 2 + 0.5 * (i + 1));
            Assert.Equal(6 - t[r * 8], Enumerable.Range(0, 8).Sum(i => delta[r * 8 + i]), 1e-12);
        }
    }
}
