using MachinePerception.Ops;
using MachinePerception.Tensors;
using static MachinePerception.Tests.TestSupport.OpTest;

namespace MachinePerception.Tests.Ops;

public class SoftmaxTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Large_logits_do_not_overflow(DType dtype)
    {
        // e^1000 overflows either dtype; softmax is shift-invariant, so it equals softmax of (0, −1, −2)
        var x = Tensor.FromArray([1000.0, 999, 998, 0, -1, -2], 2, 3).To(dtype);
        var p = Op.Softmax(x).ToDoubleArray();
        double z = 1 + Math.Exp(-1) + Math.Exp(-2);
        var expected = new[] { 1 / z, Math.Exp(-1) / z, Math.Exp(-2) / z };
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-15;
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i % 3], p[i], tol);
        var lp = Op.LogSoftmax(x).ToDoubleArray();
        for (int i = 0; i < 6; i++) Assert.Equal(Math.Log(expected[i % 3]), lp[i], tol * 10);
        // along the first axis of the transpose (the path without the backend's row primitive)
        var pt = Op.Softmax(Op.Transpose(x), 0);
        var lpt = Op.LogSoftmax(Op.Transpose(x), 0);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(expected[i / 2], pt.ToDoubleArray()[i], tol);
            Assert.Equal(Math.Log(expected[i / 2]), lpt.ToDoubleArray()[i], tol * 10);
        }
    }

    [Fact]
    public void Log_softmax_is_exact_where_softmax_underflows()
    {
        var x = D(0, -800);
        Assert.Equal(0.0, Op.Softmax(x).ToDoubleArray()[1]); // e^−800 underflows to 0 …
        Assert.Equal(-800.0, Op.LogSoftmax(x).ToDoubleArray()[1], 1e-12); // … but its log is −800
    }

    [Fact]
    public void Softmax_gradient_sums_to_zero_along_the_axis()
    {
        // Σ_j ∂/∂x_j of any function of softmax(x) is 0 (adding a constant to x changes nothing)
        var x = new Rng(2).Normal([3, 4], dtype: DType.Float64).RequireGrad();
        Op.Sum(Op.Square(Op.Softmax(x, 0)) * new Rng(5).Normal([3, 4], dtype: DType.Float64)).Backward();
        foreach (var s in Op.Sum(x.Grad!, 0).ToDoubleArray()) Assert.Equal(0, s, 1e-15);
    }

    [Fact]
    public void Empty_rows_give_an_empty_result()
    {
        Assert.Equal([0, 4], Op.Softmax(Tensor.Zeros([0, 4])).Shape.ToArray());
        Assert.Equal([3, 0], Op.LogSoftmax(Tensor.Zeros([3, 0])).Shape.ToArray());
    }
}
