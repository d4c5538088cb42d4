using MachinePerception.Autodiff;
using MachinePerception.Gans;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class GanInversionTests
{
    /// <summary>A generator that is easy to invert: 28×28 images σ(W z + b).</summary>
    sealed class ImagesFromCodes(int codes, Rng rng) : Layer
    {
        readonly Linear map = new(codes, 784, rng);
        public override Tensor Forward(Tensor z) => Op.Reshape(Op.Sigmoid(map.Forward(z) * 3), z.Shape[0], 1, 28, 28);
    }

    [Fact]
    public void Inverting_a_linear_generator_recovers_the_code_that_made_the_image()
    {
        var rng = new Rng(1);
        var g = new Linear(4, 30, rng, dtype: DType.Float64);
        var zTrue = rng.Normal([3, 4], dtype: DType.Float64);
        Tensor target;
        using (Autograd.NoGrad()) target = g.Forward(zTrue);
        var result = GanInversion.Invert(g, target, Tensor.Zeros([3, 4], DType.Float64), steps: 600, learningRate: 0.05, priorWeight: 0);
        Assert.True(Op.Max(Op.Abs(result.Codes - zTrue)).Item() < 1e-3);
        Assert.True(result.LossHistory[^1] < 1e-6 * result.LossHistory[0]);
        Assert.True(GanInversion.Psnr(result.Images, target).All(p => p > 60));
    }

    [Fact]
    public void Masked_pixels_do_not_pull_on_the_code()
    {
        var rng = new Rng(2);
        var g = new Linear(3, 10, rng, dtype: DType.Float64);
        var z = rng.Normal([2, 3], dtype: DType.Float64).RequireGrad();
        var target = rng.Normal([2, 10], dtype: DType.Float64);
        var mask = Tensor.FromArray(Enumerable.Range(0, 20).Select(i => i % 10 < 6 ? 1.0 : 0.0).ToArray(), 2, 10);
        var changed = target + mask * 0 + (1 - mask) * 100;            // only hidden pixels differ
        var g1 = Autograd.Grad(GanInversion.Loss(g, z, target, mask, 0), z).ToDoubleArray();
        var g2 = Autograd.Grad(GanInversion.Loss(g, z, changed, mask, 0), z).ToDoubleArray();
        Assert.Equal(g1, g2);
    }

    [Fact]
    public void Psnr_is_minus_ten_log10_of_the_mean_squared_error()
    {
        var a = Tensor.FromArray(new[] { 0.0, 0.5, 1.0, 0.2 }, 1, 4);
        var b = Tensor.FromArray(new[] { 0.1, 0.5, 0.9, 0.2 }, 1, 4);
        Assert.Equal(-10 * Math.Log10(0.02 / 4), GanInversion.Psnr(a, b)[0], 10);
    }

    [Fact]
    public void The_encoder_learns_to_invert_a_generator_on_its_own_samples()
    {
        var rng = new Rng(3);
        var g = new ImagesFromCodes(4, rng);
        var encoder = new InversionEncoder(4, 4, rng);
        var losses = encoder.Fit(g, steps: 100, batchSize: 32, rng);
        Assert.True(losses.Skip(90).Average() < 0.3 * losses.Take(10).Average(), $"{losses.Take(10).Average()} → {losses.Skip(90).Average()}");
    }
}
