using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using static MachinePerception.Tests.TestSupport.OpTest;

namespace MachinePerception.Tests.Ops;

/// <summary>Elementwise behaviour beyond the op table: comparisons, casts, size-0 broadcasting, stable softplus.</summary>
public class ElementwiseTests
{
    [Fact]
    public void Equal_marks_equal_entries_and_carries_no_gradient()
    {
        var a = D(1, 2, 3).RequireGrad();
        var e = Op.Equal(a, D(1, 0, 3));
        Assert.Equal([1.0, 0, 1], e.ToDoubleArray());
        Assert.False(e.RequiresGrad);
    }

    [Fact]
    public void Size_zero_axes_broadcast_to_empty_results()
    {
        var a = Tensor.Zeros([0, 3], DType.Float64).RequireGrad();
        var b = D(1, 2, 3).RequireGrad();
        var y = a + b;
        Assert.Equal([0, 3], y.Shape.ToArray());
        var grads = Autograd.Grad([Op.Sum(y * 2)], [a, b]);
        Assert.Equal([0, 3], grads[0]!.Shape.ToArray());
        Assert.Equal([0.0, 0, 0], grads[1]!.ToDoubleArray()); // nothing was added to b
        Assert.Equal([0, 1], (Tensor.Zeros([0, 1]) * Tensor.Zeros([1])).Shape.ToArray());
    }

    [Fact]
    public void Scalar_with_scalar_stays_a_scalar()
    {
        var y = Tensor.Scalar(2, DType.Float64) * Tensor.Scalar(3, DType.Float64);
        Assert.Equal(0, y.Rank);
        Assert.Equal(6.0, y.Item());
    }

    [Fact]
    public void Cast_converts_and_passes_the_gradient_back_in_the_source_dtype()
    {
        var x = D(1.5, -2.25).RequireGrad();
        var f = Op.Cast(x, DType.Float32);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal([1.5f, -2.25f], f.ToFloatArray());
        Op.Sum(f * Tensor.FromArray([2f, 3f])).Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Assert.Equal([2.0, 3.0], x.Grad!.ToDoubleArray());
        Assert.Same(x, Op.Cast(x, DType.Float64));
    }

    [Fact]
    public void Softplus_and_sigmoid_are_finite_for_extreme_inputs()
    {
        var x = D(-800, 800);
        Assert.Equal([0.0, 800.0], Op.Softplus(x).ToDoubleArray());
        Assert.Equal([0.0, 1.0], Op.Sigmoid(x).ToDoubleArray());
    }

    [Fact]
    public void A_wrong_backward_rule_fails_the_gradient_check()
    {
        // the check must be able to fail: exp with a gradient off by one part in a million
        Tensor BadExp(Tensor x)
        {
            var y = Op.Exp(x).Detach();
            return Autograd.Record(y, "bad_exp", [x], g => [g * y * (1 + 1e-6)]);
        }
        var r = GradCheck.Run(xs => BadExp(xs[0]), [new Rng(1).Normal([3, 2], dtype: DType.Float64)]);
        Assert.False(r.Passed, r.Summary);
        Assert.True(r.MaxRelativeError > 1e-7);
    }
}
