using MachinePerception.Flows;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using static MachinePerception.Tests.Flows.FlowTestSupport;

namespace MachinePerception.Tests.Flows;

public class AffineCouplingTests
{
    static AffineCoupling VectorCoupling(int features, bool last, CouplingScale scale, int condition = 0, int seed = 1)
    {
        var rng = new Rng(seed);
        var c = AffineCoupling.ForVectors(features, 8, rng, last, condition, scale: scale, dtype: DType.Float64);
        Conditioner.Randomize(c, rng);                 // β = 0 at initialisation would make every check trivial
        return c;
    }

    [Theory]
    [InlineData(CouplingScale.Exponential, false)]
    [InlineData(CouplingScale.TanhBounded, true)]
    [InlineData(CouplingScale.Sigmoid, false)]
    public void Vector_coupling_inverts_exactly_and_its_log_det_is_the_Jacobian_determinant(CouplingScale scale, bool last)
    {
        var layer = VectorCoupling(5, last, scale);
        var x = new Rng(2).Normal([3, 5], dtype: DType.Float64);
        Assert.True(RoundTripError(layer, x) <= 1e-12);
        Assert.True(LogDetError(layer, x) <= 1e-9);
        var g = GradientCheck(layer, x);
        Assert.True(g.Passed, g.Summary);
        var gi = InverseGradientCheck(layer, x);
        Assert.True(gi.Passed, gi.Summary);
    }

    [Fact]
    public void The_Jacobian_is_block_triangular_with_an_identity_block()
    {
        var layer = VectorCoupling(4, last: false, CouplingScale.TanhBounded);      // transforms x[0..2), conditions on x[2..4)
        var x = new Rng(3).Normal([1, 4], dtype: DType.Float64);
        var j = FlowJacobian.Of(v => layer.Forward(v).Output, x);
        for (int r = 2; r < 4; r++)
            for (int c = 0; c < 4; c++) Assert.Equal(r == c ? 1.0 : 0.0, j[r, c]);                   // y^B = x^B
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 2; c++) Assert.True(r == c ? j[r, c] > 0 : j[r, c] == 0, $"({r}, {c}) = {j[r, c]}");   // diag(s)
        Assert.True(Math.Abs(j[0, 2]) + Math.Abs(j[1, 3]) > 1e-3, "the top-right block ∂y^A/∂x^B is not zero in general");
        var (logS, _) = layer.ScaleAndShift(Op.Slice(x, 1, 2, 2), null);
        Assert.Equal(Math.Log(j[0, 0]) + Math.Log(j[1, 1]), Op.Sum(logS).Item(), 12);
    }

    [Fact]
    public void Conditional_coupling_depends_on_the_condition_and_still_inverts()
    {
        var layer = VectorCoupling(4, last: true, CouplingScale.TanhBounded, condition: 3);
        var rng = new Rng(4);
        var x = rng.Normal([3, 4], dtype: DType.Float64);
        var w = rng.Normal([3, 3], dtype: DType.Float64);
        Assert.True(RoundTripError(layer, x, w) <= 1e-12);
        Assert.True(LogDetError(layer, x, w) <= 1e-9);
        var other = layer.Forward(x, w * 2).Output;
        Assert.True(Op.Max(Op.Abs(other - layer.Forward(x, w).Output)).Item() > 1e-3);
        var g = GradientCheck(layer, x, w);
        Assert.True(g.Passed, g.Summary);
        Assert.Contains("condition", Assert.Throws<ArgumentException>(() => layer.Forward(x, rng.Normal([3, 2, 2], dtype: DType.Float64))).Message);
    }

    [Fact]
    public void Image_coupling_inverts_and_matches_the_Jacobian()
    {
        var rng = new Rng(5);
        var layer = AffineCoupling.ForImages(4, 6, rng, transformLast: true, conditionChannels: 1, dtype: DType.Float64);
        Conditioner.Randomize(layer, rng, 0.2);
        var x = rng.Normal([2, 4, 3, 3], dtype: DType.Float64);
        var u = rng.Normal([2, 1, 3, 3], dtype: DType.Float64);
        Assert.True(RoundTripError(layer, x, u) <= 1e-12);
        Assert.True(LogDetError(layer, x, u) <= 1e-9);
        var g = GradientCheck(layer, Op.Slice(x, 0, 0, 1), Op.Slice(u, 0, 0, 1));
        Assert.True(g.Passed, g.Summary);
    }

    [Fact]
    public void A_fresh_coupling_is_the_identity()
    {
        var layer = AffineCoupling.ForVectors(3, 8, new Rng(6), dtype: DType.Float64);
        var x = new Rng(7).Normal([4, 3], dtype: DType.Float64);
        var (y, logDet) = layer.Forward(x);
        Assert.Equal(0, Op.Max(Op.Abs(y - x)).Item());
        Assert.Equal(0, Op.Max(Op.Abs(logDet)).Item());
    }

    [Fact]
    public void The_bounded_scales_stay_bounded_for_huge_network_outputs()
    {
        var raw = Tensor.FromArray([-1e4, -30, 0, 30, 1e4], 1, 5);
        var tanh = new AffineCoupling(new MachinePerception.Nn.Linear(1, 2, new Rng(1)), 2, scale: CouplingScale.TanhBounded, scaleBound: 1.5);
        var values = tanh.LogScaleOf(raw).ToDoubleArray();
        Assert.All(values, v => Assert.InRange(v, -1.5, 1.5));
        var sigmoid = new AffineCoupling(new MachinePerception.Nn.Linear(1, 2, new Rng(1)), 2, scale: CouplingScale.Sigmoid);
        Assert.All(sigmoid.LogScaleOf(raw).ToDoubleArray(), v => Assert.True(v <= 0 && double.IsFinite(v)));
        var exp = new AffineCoupling(new MachinePerception.Nn.Linear(1, 2, new Rng(1)), 2, scale: CouplingScale.Exponential);
        Assert.True(double.IsPositiveInfinity(Op.Exp(exp.LogScaleOf(raw)).ToDoubleArray()[4]));
    }

    [Fact]
    public void Bad_shapes_are_refused_with_a_message()
    {
        var layer = AffineCoupling.ForVectors(4, 8, new Rng(8));
        Assert.Contains("[B, 4, ...]", Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros([2, 3]))).Message);
        Assert.Contains("2 channels", Assert.Throws<ArgumentException>(() => AffineCoupling.ForVectors(1, 8, new Rng(8))).Message);
    }
}
