using MachinePerception.Checks;
using MachinePerception.Diffusion;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Diffusion;

public class NetworkTests
{
    const DType F64 = DType.Float64;
    static readonly UNetConfig Tiny = new(Channels1: 4, Channels2: 4, Channels3: 8, TimeFeatures: 4, EmbeddingSize: 6, Groups: 2, Classes: 3);

    [Fact]
    public void The_time_embedding_is_sinusoidal_and_differentiable()
    {
        var f = TimeEmbedding.Sinusoidal([0, 3.5], 6).ToDoubleArray();
        Assert.Equal([0, 0, 0, 1, 1, 1], f[..6].Select(v => Math.Round(v, 6)));
        Assert.Equal(Math.Sin(3.5), f[6], 6);
        Assert.Equal(Math.Cos(3.5 * Math.Pow(10000, -1 / 3.0)), f[10], 6);
        var rng = new Rng(1);
        var e = new TimeEmbedding(4, 5, rng, F64);
        var r = GradCheck.RunOn(() => Op.Sum(Op.Square(e.Forward([1, 20, 300]))), e.Parameters());
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void The_residual_block_and_the_unet_have_correct_gradients_in_float64()
    {
        var rng = new Rng(2);
        var block = new ResidualBlock(4, 6, 5, 2, rng, F64);
        var x = rng.Normal([2, 4, 4, 4], dtype: F64).RequireGrad();
        var e = rng.Normal([2, 5], dtype: F64).RequireGrad();
        var r = GradCheck.RunOn(() => Op.Sum(Op.Square(block.Forward(x, e))), [x, e, .. block.Parameters()]);
        Assert.True(r.Passed, r.Summary);

        var unet = new UNet(Tiny, rng, F64);
        var xt = rng.Normal([2, 1, 8, 8], dtype: F64).RequireGrad();
        var u = GradCheck.RunOn(() => Op.Sum(Op.Square(unet.PredictNoise(xt, [5, 700], [2, NoisePredictor.NullLabel]))), [xt, .. unet.Parameters()]);
        Assert.True(u.Passed, u.Summary);
    }

    [Fact]
    public void The_unet_keeps_the_image_shape_uses_the_label_and_refuses_bad_input()
    {
        var rng = new Rng(3);
        var unet = new UNet(Tiny, rng);
        var x = rng.Normal([3, 1, 12, 8]);
        var y = unet.PredictNoise(x, [1, 2, 3], [0, 1, 2]);
        Assert.Equal(x.Shape, y.Shape);
        var other = unet.PredictNoise(x, [1, 2, 3], [2, 1, 0]).ToDoubleArray();
        Assert.NotEqual(y.ToDoubleArray()[0], other[0]);
        Assert.Equal(y.ToDoubleArray()[^1], unet.PredictNoise(x, [1, 2, 3], [2, 1, 2]).ToDoubleArray()[^1], 6);
        Assert.StartsWith("UNet:", Assert.Throws<ArgumentException>(() => unet.PredictNoise(rng.Normal([1, 1, 10, 8]), [1])).Message);
        Assert.StartsWith("UNet:", Assert.Throws<ArgumentException>(() => unet.PredictNoise(x, [1, 2, 3], [0, 3, 1])).Message);
        var plain = new UNet(Tiny with { Classes = 0 }, rng);
        Assert.StartsWith("UNet:", Assert.Throws<ArgumentException>(() => plain.PredictNoise(x, [1, 2, 3], [0, 1, 2])).Message);
    }

    [Fact]
    public void The_mlp_denoiser_has_correct_gradients_and_without_time_ignores_t()
    {
        var rng = new Rng(4);
        var net = new MlpDenoiser(3, 5, 2, rng, timeFeatures: 4, dtype: F64);
        var x = rng.Normal([4, 3], dtype: F64).RequireGrad();
        var r = GradCheck.RunOn(() => Op.Sum(Op.Square(net.PredictNoise(x, [1, 10, 100, 1000]))), [x, .. net.Parameters()]);
        Assert.True(r.Passed, r.Summary);
        var fourier = new MlpDenoiser(3, 5, 2, rng, timeFeatures: 4, dtype: F64, inputFrequencies: 2);
        Assert.Equal(new[] { 5, 3 * 5 }, fourier.Parameters()[0].Shape.ToArray());                 // x and sin, cos at 2 octaves
        var rf = GradCheck.RunOn(() => Op.Sum(Op.Square(fourier.PredictNoise(x, [1, 10, 100, 1000]))), [x, .. fourier.Parameters()]);
        Assert.True(rf.Passed, rf.Summary);
        Assert.StartsWith("MlpDenoiser:", Assert.Throws<ArgumentException>(() => new MlpDenoiser(3, 5, 2, rng, inputFrequencies: -1)).Message);
        var blind = new MlpDenoiser(3, 5, 2, rng, useTime: false);
        var z = rng.Normal([2, 3]);
        Assert.Equal(blind.PredictNoise(z, [1, 1]).ToDoubleArray(), blind.PredictNoise(z, [500, 999]).ToDoubleArray());
        Assert.NotEqual(net.PredictNoise(z.To(F64), [1, 1]).ToDoubleArray(), net.PredictNoise(z.To(F64), [500, 999]).ToDoubleArray());
    }

    [Fact]
    public void The_cost_count_equals_weights_times_output_positions_layer_by_layer()
    {
        var unet = new UNet(new UNetConfig(Channels1: 8, Channels2: 16, Channels3: 24, Classes: 10), new Rng(5));
        long positions(string name) => name.StartsWith("downsample2", StringComparison.Ordinal) || name.StartsWith("middle", StringComparison.Ordinal) ? 7 * 7
            : name.StartsWith("downsample1", StringComparison.Ordinal) || name.StartsWith("down2", StringComparison.Ordinal) || name.StartsWith("up2", StringComparison.Ordinal) ? 14 * 14 : 28 * 28;
        long expected = 0;
        foreach (var (name, p) in unet.NamedParameters())
        {
            if (p.Rank == 4) expected += p.Size * positions(name);                                    // convolution weights
            else if (p.Rank == 2 && !name.StartsWith("classes", StringComparison.Ordinal)) expected += p.Size;   // linear weights (the label table is a lookup)
        }
        Assert.Equal(expected, NetworkCost.Of(unet, 28, 28));
        var mlp = new MlpDenoiser(16, 32, 2, new Rng(6), timeFeatures: 8);
        Assert.Equal(16 * 32 + 8 * 32 + 32 * 32 + 8 * 32 + 32 * 16, NetworkCost.Of(mlp));
    }
}
