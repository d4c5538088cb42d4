using MachinePerception.Checks;
using MachinePerception.Gans;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class StyleModulationTests
{
    [Fact]
    public void AdaIn_gives_each_channel_of_each_image_the_styles_mean_and_standard_deviation()
    {
        var rng = new Rng(1);
        var x = rng.Normal([2, 3, 5, 5], mean: 4, std: 3, dtype: DType.Float64);
        var scale = rng.Uniform([2, 3], 0.5, 2, DType.Float64);
        var bias = rng.Normal([2, 3], dtype: DType.Float64);
        var y = AdaIn.Apply(x, scale, bias, epsilon: 0);
        var mean = Op.Mean(y, [2, 3]).ToDoubleArray();
        var std = Op.Std(y, [2, 3]).ToDoubleArray();
        Assert.Equal(bias.ToDoubleArray(), mean, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(scale.ToDoubleArray(), std, (a, b) => Math.Abs(a - b) < 1e-12);
        // the input's own per-channel scale and offset are erased
        Assert.True(Op.Max(Op.Abs(AdaIn.Apply(x * 7 + 2, scale, bias, epsilon: 0) - y)).Item() < 1e-10);
    }

    [Fact]
    public void AdaIn_and_the_style_generator_match_finite_differences_in_float64()
    {
        var rng = new Rng(2);
        Assert.True(GradCheck.Run(t => AdaIn.Apply(t[0], t[1], t[2]), [rng.Normal([2, 2, 3, 3], dtype: DType.Float64),
            rng.Uniform([2, 2], 0.5, 1.5, DType.Float64), rng.Normal([2, 2], dtype: DType.Float64)]).Passed);
        var g = new StyleGenerator(3, 4, 2, rng, mappingDepth: 2, dtype: DType.Float64);
        foreach (var block in g.Blocks) block.NoiseStrength.AsSpan<double>().Fill(0.3);   // so the noise path is checked too
        var z = rng.Normal([2, 3], dtype: DType.Float64);
        var noise = StyleGenerator.Noise(2, rng, DType.Float64);
        var r = GradCheck.RunOn(() => { var w = g.Mapping.Forward(z); return g.Synthesize([w, w, w], noise); }, g.Parameters());
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Noise_does_nothing_at_zero_strength_and_style_mixing_uses_each_blocks_own_w()
    {
        var rng = new Rng(3);
        var g = new StyleGenerator(4, 6, 4, rng);
        var w = g.Mapping.Forward(rng.Normal([2, 4]));
        var a = g.Synthesize([w, w, w], StyleGenerator.Noise(2, new Rng(1)));
        var b = g.Synthesize([w, w, w], StyleGenerator.Noise(2, new Rng(2)));
        Assert.Equal(0, Op.Max(Op.Abs(a - b)).Item());                 // strengths start at zero
        var other = g.Mapping.Forward(rng.Normal([2, 4]));
        var noise = StyleGenerator.Noise(2, new Rng(1));
        var mixed = g.Synthesize([w, w, other], noise);
        Assert.True(Op.Max(Op.Abs(mixed - a)).Item() > 1e-4);          // the fine block's w matters
        Assert.Equal(new Shape(2, 1, 28, 28), mixed.Shape);
        Assert.StartsWith("StyleGenerator.Synthesize", Assert.Throws<ArgumentException>(() => g.Synthesize([w, w], noise)).Message);
    }
}
