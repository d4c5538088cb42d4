using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using static MachinePerception.Tests.TestSupport.OpTest;

namespace MachinePerception.Tests.Ops;

/// <summary>Behaviour of the indexing ops beyond the op table: accumulation, masks, one-hot, shapes.</summary>
public class IndexingTests
{
    [Fact]
    public void Index_select_adds_the_gradients_of_a_row_picked_twice()
    {
        // an embedding table [4, 2]; token 1 appears twice, token 3 never
        var table = Tensor.FromArray(new double[,] { { 0, 1 }, { 2, 3 }, { 4, 5 }, { 6, 7 } }).RequireGrad();
        var e = Op.IndexSelect(table, 0, [1, 0, 1]);
        Assert.Equal([2.0, 3, 0, 1, 2, 3], e.ToDoubleArray());
        Op.Sum(e * Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } })).Backward();
        Assert.Equal([3.0, 4, 6, 8, 0, 0, 0, 0], table.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Scatter_add_sums_repeated_targets_and_leaves_the_rest()
    {
        var y = D(1, 1, 1, 1);
        var y2 = Op.ScatterAdd(y, 0, D(2, 2, 0), D(10, 20, 30));
        Assert.Equal([31.0, 1, 31, 1], y2.ToDoubleArray());
        Assert.Equal([1.0, 1, 1, 1], y.ToDoubleArray()); // out of place
    }

    [Fact]
    public void Masked_fill_passes_no_gradient_to_masked_positions()
    {
        var x = D(1, 2, 3, 4).RequireGrad();
        var mask = Tensor.FromArray([0f, 1, 0, 1]); // a float32 mask works for float64 x
        var y = Op.MaskedFill(x, mask, double.NegativeInfinity);
        Assert.Equal([1, double.NegativeInfinity, 3, double.NegativeInfinity], y.ToDoubleArray());
        Op.Sum(Op.Softmax(y)).Backward();
        Assert.Equal(0.0, x.Grad![1]);
        Assert.Equal(0.0, x.Grad![3]);
    }

    [Fact]
    public void Causal_mask_keeps_earlier_positions_only()
    {
        // attention scores [T, T] with −∞ above the diagonal: row t attends to 0..t only (§3)
        int t = 4;
        var upper = new double[t * t];
        for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) upper[i * t + j] = 1;
        var w = Op.Softmax(Op.MaskedFill(Tensor.Zeros([t, t], DType.Float64), Tensor.FromArray(upper, t, t), double.NegativeInfinity));
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++) Assert.Equal(j <= i ? 1.0 / (i + 1) : 0, w[i, j], 1e-15);
    }

    [Fact]
    public void One_hot_rows()
    {
        var y = Op.OneHot([2, 0, 1], 3, DType.Float64);
        Assert.Equal([3, 3], y.Shape.ToArray());
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal([0.0, 0, 1, 1, 0, 0, 0, 1, 0], y.ToDoubleArray());
        Assert.Equal([0, 5], Op.OneHot([], 5).Shape.ToArray());
    }

    [Fact]
    public void Gather_picks_the_log_probability_of_each_label()
    {
        // the usual use: −log p(label) from log-softmax rows
        var logits = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 1, 1, 1 } });
        var logp = Op.LogSoftmax(logits);
        var picked = Op.Gather(logp, 1, Tensor.FromArray(new double[,] { { 2 }, { 0 } }));
        Assert.Equal([2, 1], picked.Shape.ToArray());
        Assert.Equal(logp[0, 2], picked[0, 0]);
        Assert.Equal(-Math.Log(3), picked[1, 0], 1e-15);
    }

    [Fact]
    public void Chunk_and_split_sizes()
    {
        var x = Tensor.Arange(7, DType.Float64);
        Assert.Equal([3, 3, 1], Op.Chunk(x, 3).Select(c => c.Size));
        Assert.Equal([1, 1, 1, 1, 1, 1, 1], Op.Chunk(x, 10).Select(c => c.Size));
        Assert.Equal([0, 7], Op.Split(x, 0, 0, 7).Select(c => c.Size));
        Assert.Equal([4.0, 5, 6], Op.Slice(x, 0, -3, 3).ToDoubleArray());
        Assert.Equal([1.0, 4], Op.Slice(x, 0, 1, 2, step: 3).ToDoubleArray());
        Assert.Same(x, Op.Slice(x, 0, 0, 7));
    }

    [Fact]
    public void Stack_at_the_last_axis_and_pad_of_a_scalar_axis()
    {
        var a = D(1, 2);
        var b = D(3, 4);
        var s = Op.Stack([a, b], -1);
        Assert.Equal([2, 2], s.Shape.ToArray());
        Assert.Equal([1.0, 3, 2, 4], s.ToDoubleArray());
        Assert.Equal([0.0, 1, 2, 0, 0], Op.Pad(a, [(1, 2)]).ToDoubleArray());
        Assert.Equal([1.0, 2], Op.Pad(a, []).ToDoubleArray());
    }

    [Fact]
    public void Slice_backward_differentiates_again()
    {
        // the adjoint of slice is itself an op: d/dx of a function of the slice gradient
        var x = D(0.3, -0.7, 1.1, 0.2).RequireGrad();
        var s = Op.Slice(x, 0, 1, 2);
        var g = Autograd.Grad(Op.Sum(Op.Pow(s, 3)), x, createGraph: true); // 3x² on the slice, 0 elsewhere
        Assert.Equal([0, 3 * 0.49, 3 * 1.21, 0], g.ToDoubleArray(), (p, q) => Math.Abs(p - q) < 1e-14);
        var h = Autograd.Grad(Op.Sum(g), x); // 6x on the slice
        Assert.Equal([0, -6 * 0.7, 6 * 1.1, 0], h.ToDoubleArray(), (p, q) => Math.Abs(p - q) < 1e-14);
    }
}

public class IndexDTypeTests
{
    [Fact]
    public void An_index_of_the_other_dtype_is_accepted()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }).RequireGrad();
        var index = Tensor.FromArray([1f, 0f], 2, 1); // float32 index for a float64 x
        var y = Op.Gather(x, 1, index);
        Assert.Equal([2.0, 3.0], y.ToDoubleArray());
        Op.Sum(y).Backward();
        Assert.Equal([0.0, 1, 1, 0], x.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 6, 3, 4], Op.ScatterAdd(x.Detach(), 1, Tensor.FromArray([1f], 1, 1), Tensor.FromArray(new double[,] { { 4 } })).ToDoubleArray());
    }
}
