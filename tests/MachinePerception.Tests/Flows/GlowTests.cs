using MachinePerception.Flows;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Flows;

public class GlowTests
{
    static Glow Tiny(int seed)
    {
        var rng = new Rng(seed);
        var glow = new Glow(1, 4, 4, levels: 2, steps: 2, hidden: 4, rng, dtype: DType.Float64);
        glow.LogProb(rng.Normal([8, 1, 4, 4], dtype: DType.Float64));           // ActNorm's data-dependent initialisation
        Conditioner.Randomize(glow, rng, 0.2);
        return glow;
    }

    [Fact]
    public void Latent_shapes_add_up_to_the_image()
    {
        var glow = new Glow(1, 28, 28, 2, 1, 4, new Rng(1));
        Assert.Equal([[2, 14, 14], [8, 7, 7]], glow.LatentShapes());
        var three = new Glow(3, 32, 32, 3, 1, 4, new Rng(1));
        Assert.Equal([[6, 16, 16], [12, 8, 8], [48, 4, 4]], three.LatentShapes());
        Assert.Contains("divisible", Assert.Throws<ArgumentException>(() => new Glow(1, 28, 28, 3, 1, 4, new Rng(1))).Message);
    }

    [Fact]
    public void Encode_and_decode_are_inverse()
    {
        var glow = Tiny(2);
        var x = new Rng(3).Normal([3, 1, 4, 4], dtype: DType.Float64);
        var (latents, _, _) = glow.Encode(x);
        Assert.True(Op.Max(Op.Abs(glow.Decode(latents) - x)).Item() < 1e-12);
    }

    [Fact]
    public void Log_det_is_the_brute_force_Jacobian_determinant_of_x_to_all_latents()
    {
        var glow = Tiny(4);
        var x = new Rng(5).Normal([1, 1, 4, 4], dtype: DType.Float64);
        var j = FlowJacobian.Of(v =>
        {
            var (latents, _, _) = glow.Encode(v);
            return Op.Concat(latents.Select(z => Op.Reshape(z, z.Size)).ToArray(), 0);
        }, x);
        Assert.Equal(FlowJacobian.LogAbsDet(j), glow.Encode(x).LogDet.Item(), 9);
    }

    [Fact]
    public void Log_prob_gradient_matches_finite_differences()
    {
        var glow = Tiny(6);
        var x = new Rng(7).Normal([2, 1, 4, 4], dtype: DType.Float64);
        var g = MachinePerception.Checks.GradCheck.RunOn(() => glow.LogProb(x), glow.Parameters());
        Assert.True(g.Passed, g.Summary);
    }

    [Fact]
    public void Samples_have_the_image_shape_and_shrink_with_the_temperature()
    {
        var glow = Tiny(8);
        var hot = glow.Sample(200, 1.0, new Rng(9));
        var cold = glow.Sample(200, 0.5, new Rng(9));
        Assert.Equal(new Shape(200, 1, 4, 4), hot.Shape);
        Assert.True(Op.Std(cold).Item() < Op.Std(hot).Item());
    }
}
