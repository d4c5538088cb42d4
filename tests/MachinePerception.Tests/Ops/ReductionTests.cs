using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using static MachinePerception.Tests.TestSupport.OpTest;

namespace MachinePerception.Tests.Ops;

/// <summary>Behaviour of the reductions that the op table cannot show: tie rules, stability, exact values.</summary>
public class ReductionTests
{
    [Fact]
    public void Max_gives_the_whole_gradient_to_the_first_of_tied_maxima()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 3, 3 }, { 2, 2, -1 } }).RequireGrad();
        var y = Op.Max(x, 1);
        Assert.Equal([3.0, 2.0], y.ToDoubleArray());
        Op.Sum(y * D(10, 20)).Backward();
        Assert.Equal([0.0, 10, 0, 20, 0, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Min_over_all_axes_gives_the_gradient_to_the_first_minimum_in_row_major_order()
    {
        var x = Tensor.FromArray(new double[,] { { 4, 0, 5 }, { 0, 7, 0 } }).RequireGrad();
        var y = Op.Min(x);
        Assert.Equal(0.0, y.Item());
        Assert.Equal(0, y.Rank);
        y.Backward();
        Assert.Equal([0.0, 1, 0, 0, 0, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ArgMax_picks_the_first_of_ties_and_keeps_the_dtype()
    {
        var x = Tensor.FromArray([1f, 5, 5, 0, 2, 2], 2, 3);
        var a = Op.ArgMax(x, 1);
        Assert.Equal(DType.Float32, a.DType);
        Assert.Equal([1.0, 1.0], a.ToDoubleArray());
        Assert.Equal([1, 1], Op.ArgMaxIndices(x));
        Assert.Equal([0, 0, 0], Op.ArgMaxIndices(x, 0));
        Assert.Equal([1, 1, 1], Op.ArgMinIndices(x, 0));
        Assert.Equal([2, 0], Op.ArgMinIndices(Tensor.FromArray([3f, 2, 1, 0, 0, 9], 2, 3)));
        Assert.Equal(1.0, Op.ArgMax(x).Item());
        Assert.Equal([1, 1], Op.ArgMax(x, keepDims: true).Shape.ToArray());
        Assert.False(Op.ArgMax(x.To(DType.Float64).RequireGrad(), 0).RequiresGrad);
    }

    [Fact]
    public void LogSumExp_is_finite_for_huge_and_very_negative_inputs()
    {
        // naive log Σ exp overflows at 1000 and underflows at −1000; the shifted form is exact
        var big = D(1000, 1000, 999);
        Assert.Equal(1000 + Math.Log(2 + Math.Exp(-1)), Op.LogSumExp(big).Item(), 1e-12);
        var small = Tensor.FromArray([-1000f, -1000f]);
        Assert.Equal(-1000 + Math.Log(2), Op.LogSumExp(small).Item(), 1e-3);
        // its gradient is the softmax, e^{x − y}; y ≈ 1000.86 carries a rounding of ≈ 1e-13, hence the tolerance
        var x = D(1000, 1000, 999).RequireGrad();
        Op.LogSumExp(x).Backward();
        double z = 2 + Math.Exp(-1);
        Assert.Equal([1 / z, 1 / z, Math.Exp(-1) / z], x.Grad!.ToDoubleArray(), (a, b) => Math.Abs(a - b) < 1e-13);
    }

    [Fact]
    public void Variance_and_std_biased_and_unbiased()
    {
        var x = D(2, 4, 4, 4, 5, 5, 7, 9); // mean 5, Σ(x − 5)² = 32
        Assert.Equal(4.0, Op.Variance(x).Item(), 1e-14);
        Assert.Equal(32.0 / 7, Op.Variance(x, unbiased: true).Item(), 1e-14);
        Assert.Equal(2.0, Op.Std(x).Item(), 1e-14);
        Assert.Equal(Math.Sqrt(32.0 / 7), x.Std(unbiased: true).Item(), 1e-14);
        var rows = Tensor.FromArray(new double[,] { { 1, 3 }, { 2, 2 } });
        Assert.Equal([1.0, 0.0], Op.Variance(rows, 1).ToDoubleArray());
        Assert.Equal([2, 1], Op.Variance(rows, 1, keepDims: true).Shape.ToArray());
    }

    [Fact]
    public void Sum_and_mean_keep_their_behaviour_on_edge_shapes()
    {
        // size-1 axes, a scalar, and an empty axis (its sum is 0)
        var x = Tensor.FromArray([1.0, 2, 3], 3, 1, 1);
        Assert.Equal([1.0, 2, 3], Op.Sum(x, [1, 2]).ToDoubleArray());
        Assert.Equal(6.0, Op.Sum(x).Item());
        Assert.Equal(2.0, Op.Mean(x).Item());
        Assert.Equal(5.0, Op.Sum(Tensor.Scalar(5, DType.Float64)).Item());
        var empty = Tensor.Zeros([0, 3], DType.Float64).RequireGrad();
        var s = Op.Sum(empty, 0);
        Assert.Equal([0.0, 0, 0], s.ToDoubleArray());
        var g = Autograd.Grad(Op.Sum(s), empty);
        Assert.Equal([0, 3], g.Shape.ToArray());
    }

    [Fact]
    public void Max_of_float32_matches_float64()
    {
        var x = new Rng(3).Normal([17, 33]);
        Assert.Equal(Op.Max(x.To(DType.Float64), 0).ToDoubleArray(), Op.Max(x, 0).ToDoubleArray());
        Assert.Equal(Op.Min(x.To(DType.Float64), [0, 1]).Item(), Op.Min(x, [0, 1]).Item());
    }
}

/// <summary>The CPU reduction kernels on sizes past their parallel threshold, and their edge values, against loops.</summary>
public class ReductionKernelTests
{
    [Theory]
    [InlineData(1, 300, 300)]   // [n, inner]: rows at a time
    [InlineData(300, 300, 1)]   // [outer, n]: one row per output
    [InlineData(7, 50, 40)]
    public void Large_reductions_match_loops(int outer, int n, int inner)
    {
        var x = new Rng(11).Normal([outer, n, inner], std: 3, dtype: DType.Float64);
        var v = x.ToDoubleArray();
        var max = Op.Max(x, 1).ToDoubleArray();
        var lse = Op.LogSumExp(x, 1).ToDoubleArray();
        var arg = Op.ArgMin(x, 1).ToDoubleArray();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double m = double.NegativeInfinity, lo = double.PositiveInfinity, s = 0;
                int at = 0;
                for (int j = 0; j < n; j++)
                {
                    double e = v[(o * n + j) * inner + i];
                    m = Math.Max(m, e);
                    if (e < lo) { lo = e; at = j; }
                }
                for (int j = 0; j < n; j++) s += Math.Exp(v[(o * n + j) * inner + i] - m);
                Assert.Equal(m, max[o * inner + i]);
                Assert.Equal(at, arg[o * inner + i]);
                Assert.Equal(m + Math.Log(s), lse[o * inner + i], 1e-12);
            }
    }

    [Fact]
    public void LogSumExp_of_infinite_columns()
    {
        double inf = double.PositiveInfinity;
        var x = Tensor.FromArray(new double[,] { { -inf, 1, inf }, { -inf, 2, 0 } });
        Assert.Equal([-inf, 2 + Math.Log(1 + Math.Exp(-1)), inf], Op.LogSumExp(x, 0).ToDoubleArray());
        Assert.Equal([inf, 2 + Math.Log(1 + Math.Exp(-2))], Op.LogSumExp(x, 1).ToDoubleArray());
    }
}

public class ArgReductionEdgeTests
{
    [Fact]
    public void Both_kernels_agree_on_nan_and_signed_zero()
    {
        // columns of x are the rows of xᵀ: the column kernel (axis 0) and the row kernel (axis 1) must pick the same
        double nan = double.NaN;
        var x = Tensor.FromArray(new double[,] { { -0.0, 1, 2 }, { 0.0, nan, 2 }, { 0.0, nan, 5 }, { -0.0, 3, 5 } });
        var xt = Op.Transpose(x);
        Assert.Equal(Op.ArgMaxIndices(xt, 1), Op.ArgMaxIndices(x, 0));
        Assert.Equal(Op.ArgMinIndices(xt, 1), Op.ArgMinIndices(x, 0));
        Assert.Equal([1, 1, 2], Op.ArgMaxIndices(x, 0));
        Assert.Equal([0, 1, 0], Op.ArgMinIndices(x, 0));
    }
}
