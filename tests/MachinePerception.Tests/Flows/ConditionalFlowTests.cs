using MachinePerception.Flows;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using static MachinePerception.Tests.Flows.FlowTestSupport;

namespace MachinePerception.Tests.Flows;

// The conditional pieces of §4: SRFlow's affine injector and model, StyleFlow's edits, C-Flow's transfer, and the
// super-resolution yardsticks.
public class ConditionalFlowTests
{
    [Fact]
    public void Affine_injector_log_det_is_the_sum_of_beta_s_and_matches_the_Jacobian()
    {
        var rng = new Rng(1);
        var injector = new AffineInjector(3, 2, 5, rng, DType.Float64);
        Conditioner.Randomize(injector, rng, 0.3);
        var h = rng.Normal([2, 3, 2, 3], dtype: DType.Float64);
        var u = rng.Normal([2, 2, 2, 3], dtype: DType.Float64);
        var (s, _) = injector.ScaleAndShift(h, u);
        Assert.Equal(Op.Sum(Op.Slice(s, 0, 1, 1)).Item(), injector.Forward(h, u).LogDet[1], 12);
        Assert.True(RoundTripError(injector, h, u) <= 1e-12);
        Assert.True(LogDetError(injector, h, u) <= 1e-9);
        var g = GradientCheck(injector, Op.Slice(h, 0, 0, 1), Op.Slice(u, 0, 0, 1));
        Assert.True(g.Passed, g.Summary);
        Assert.Contains("condition", Assert.Throws<ArgumentException>(() => injector.Forward(h)).Message);
    }

    [Fact]
    public void Conditional_Glow_inverts_for_a_fixed_condition_and_depends_on_it()
    {
        var rng = new Rng(2);
        var glow = new Glow(1, 4, 4, 2, 1, 4, rng, conditionChannels: 2, affineInjector: true, dtype: DType.Float64);
        var x = rng.Normal([2, 1, 4, 4], dtype: DType.Float64);
        Tensor[] u = [rng.Normal([2, 2, 2, 2], dtype: DType.Float64), rng.Normal([2, 2, 1, 1], dtype: DType.Float64)];
        glow.LogProb(x, u);
        Conditioner.Randomize(glow, rng, 0.2);
        var (latents, logProb, _) = glow.Encode(x, u);
        Assert.True(Op.Max(Op.Abs(glow.Decode(latents, u) - x)).Item() < 1e-12);
        Tensor[] other = [u[0] * 2, u[1]];
        Assert.True(Op.Max(Op.Abs(glow.LogProb(x, other) - logProb)).Item() > 1e-4);
        Assert.Contains("level 1", Assert.Throws<ArgumentException>(() => glow.LogProb(x, [u[0], u[0]])).Message);
        // a whole model of ~40 ops in a row: centred differences lose a little more to curvature, hence 1e-6 instead of 1e-7
        var g = MachinePerception.Checks.GradCheck.RunOn(() => glow.LogProb(x, u), glow.Parameters(), tolerance: 1e-6);
        Assert.True(g.Passed, g.Summary);
    }

    [Fact]
    public void SrFlow_samples_have_the_high_resolution_shape_and_its_log_prob_is_finite()
    {
        var sr = new SrFlow(1, 4, 3, new Rng(3));
        var hr = new Rng(4).Uniform([2, 1, 28, 28]);
        var lr = SuperResolution.Downsample(hr);
        Assert.Equal(new Shape(2, 1, 14, 14), lr.Shape);
        Assert.All(sr.LogProb(hr, lr).ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
        Assert.Equal(new Shape(6, 1, 28, 28), sr.Sample(lr, 3, 0.8, new Rng(5)).Shape);
    }

    [Fact]
    public void StyleFlow_edit_with_unchanged_attributes_returns_the_codes()
    {
        var rng = new Rng(6);
        var style = new StyleFlow(4, 3, 2, 8, rng);
        var codes = rng.Normal([5, 4]);
        var attributes = rng.Normal([5, 3]);
        style.LogProb(codes, attributes);
        Conditioner.Randomize(style, rng, 0.2);
        Assert.True(Op.Max(Op.Abs(style.Edit(codes, attributes, attributes) - codes)).Item() < 1e-4);
        Assert.True(Op.Max(Op.Abs(style.Edit(codes, attributes, attributes * 3) - codes)).Item() > 1e-3);
        var a = StyleFlow.DigitAttributes([3, 0], [0.2, 0.1], 0.1, 0.05).ToDoubleArray();
        Assert.Equal(1, a[3]);
        Assert.Equal(2, a[10], 6);
        Assert.Equal(1, a[11]);
        Assert.Equal(0, a[21], 6);
    }

    [Fact]
    public void CFlow_transfer_to_the_same_content_returns_the_pair()
    {
        var rng = new Rng(7);
        var cflow = new CFlow(2, 2, 2, 8, rng, DType.Float64);
        var xa = rng.Normal([6, 2], dtype: DType.Float64);
        var xb = rng.Normal([6, 2], dtype: DType.Float64);
        cflow.LogProb(xa, xb);
        Conditioner.Randomize(cflow, rng, 0.3);
        Assert.True(Op.Max(Op.Abs(cflow.Transfer(xa, xb, xa) - xb)).Item() < 1e-12);
        Assert.True(Op.Max(Op.Abs(cflow.TransferAsWritten(xa, xb, xa) - xb)).Item() > 1e-3);
        // the joint log-density is log p(x_A) + log p(x_B | z_A)
        var joint = cflow.LogProb(xa, xb);
        var separate = cflow.FlowA.LogProb(xa) + cflow.FlowB.LogProb(xb, cflow.LatentA(xa));
        Assert.True(Op.Max(Op.Abs(joint - separate)).Item() < 1e-12);
    }

    [Fact]
    public void Bicubic_reproduces_linear_ramps_inside_the_image_and_psnr_follows_its_formula()
    {
        // a ramp 0.1·j along the width: Keys' kernel (a = −½) reproduces linear functions away from the borders
        var low = new double[2 * 8];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 8; j++) low[i * 8 + j] = 0.1 * j;
        var up = SuperResolution.Bicubic(Tensor.FromArray(low, 1, 1, 2, 8), 2);
        Assert.Equal(new Shape(1, 1, 4, 16), up.Shape);
        for (int j = 4; j < 12; j++) Assert.Equal(0.1 * ((j + 0.5) / 2 - 0.5), up[0, 0, 1, j], 12);
        var flat = SuperResolution.Bicubic(Tensor.Full([1, 1, 3, 3], 0.3, DType.Float64), 2);
        Assert.True(Op.Max(Op.Abs(flat - 0.3)).Item() < 1e-12);
        var a = Tensor.Zeros([1, 1, 2, 2], DType.Float64);
        Assert.Equal(20, SuperResolution.Psnr(a + 0.1, a), 10);                 // MSE 0.01 → 20 dB
        var samples = Tensor.FromArray([0.0, 0, 1, 1, 5, 5, 5, 5], 4, 2);      // two inputs, two samples each
        Assert.Equal(0.25, SuperResolution.Diversity(samples, 2), 12);          // per-pixel std 0.5 and 0
    }
}
