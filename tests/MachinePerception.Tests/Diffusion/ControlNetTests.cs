using MachinePerception.Checks;
using MachinePerception.Diffusion;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Diffusion;

public class ControlNetTests
{
    static readonly UNetConfig Tiny = new(Channels1: 4, Channels2: 4, Channels3: 8, TimeFeatures: 4, EmbeddingSize: 6, Groups: 2, Classes: 3);

    [Fact]
    public void At_initialisation_the_output_is_bitwise_the_frozen_models_and_only_the_output_zero_convolutions_get_gradients()
    {
        var rng = new Rng(1);
        var frozen = new UNet(Tiny, rng);
        var x = rng.Normal([3, 1, 8, 8]);
        double[] t = [3, 300, 900];
        var before = frozen.PredictNoise(x, t).ToFloatArray();
        var control = new ControlNet(frozen, rng);
        var edges = rng.Bernoulli([3, 1, 8, 8], 0.3);
        Assert.Equal(before, control.PredictNoise(x, t, edges).ToFloatArray());   // bit for bit
        Assert.All(frozen.Parameters(), p => Assert.False(p.RequiresGrad));

        var loss = Op.Mean(Op.Square(control.PredictNoise(x, t, edges) - rng.Normal([3, 1, 8, 8])));
        loss.Backward();
        static double Norm(Tensor? g) => g is null ? 0 : Math.Sqrt(g.ToDoubleArray().Sum(v => v * v));
        var z = control.ZeroConvolutions;
        for (int i = 1; i < 4; i++) Assert.True(Norm(z[i].Weight.Grad) > 0 && Norm(z[i].Bias!.Grad) > 0, $"zero convolution {i} got no gradient");
        Assert.Equal(0, Norm(z[0].Weight.Grad));                                        // behind the other zero convolutions
        Assert.All(control.Copy.Parameters(), p => Assert.Equal(0, Norm(p.Grad)));      // the copy: all zero at step 0
        var adam = new Adam(control.Parameters(), 1e-2);
        adam.Step();
        adam.ZeroGrad();
        Op.Mean(Op.Square(control.PredictNoise(x, t, edges) - rng.Normal([3, 1, 8, 8]))).Backward();
        Assert.True(Norm(z[0].Weight.Grad) > 0, "after one step the input zero convolution learns too");
        Assert.Contains(control.Copy.Parameters(), p => Norm(p.Grad) > 0);
        Assert.NotEqual(before, control.PredictNoise(x, t, edges).ToFloatArray());
    }

    [Fact]
    public void The_controlnet_has_correct_gradients_in_float64()
    {
        var rng = new Rng(2);
        var control = new ControlNet(new UNet(Tiny, rng, DType.Float64), rng);
        foreach (var conv in control.ZeroConvolutions)                                  // non-zero, so that every path is tested
            foreach (var p in conv.Parameters()) rng.Normal(p.Shape, 0, 0.3, DType.Float64).AsSpan<double>().CopyTo(p.AsSpan<double>());
        var x = rng.Normal([2, 1, 8, 8], dtype: DType.Float64);
        var edges = rng.Bernoulli([2, 1, 8, 8], 0.3, DType.Float64);
        var r = GradCheck.RunOn(() => Op.Sum(Op.Square(control.PredictNoise(x, [4, 40], edges))), control.Parameters());
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Edge_maps_outline_a_square_and_dice_measures_overlap()
    {
        var image = new float[1 * 1 * 8 * 8];
        for (int i = 2; i < 6; i++) for (int j = 2; j < 6; j++) image[i * 8 + j] = 1;
        var edges = EdgeMap.Of(Tensor.FromArray(image, 1, 1, 8, 8)).ToDoubleArray();
        Assert.Equal(0, edges[0]);                      // far from the square
        Assert.Equal(1, edges[2 * 8 + 2]);              // its corner
        Assert.Equal(0, edges[3 * 8 + 3] + edges[4 * 8 + 4] - 2 * edges[3 * 8 + 3]);   // the flat inside: both 0 or both 1
        var map = Tensor.FromArray(edges.Select(v => (float)v).ToArray(), 1, 1, 8, 8);
        Assert.Equal(1, EdgeMap.Dice(map, map)[0], 12);
        Assert.Equal(0, EdgeMap.Dice(map, Op.Sub(Tensor.OnesLike(map), map))[0], 12);
    }
}
