using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Ops;

/// <summary>The instance shorthands give the same results as the ops they forward to.</summary>
public class TensorMethodsTests
{
    static readonly Tensor X = new Rng(4).Normal([2, 3], dtype: DType.Float64);
    static readonly Tensor W = new Rng(5).Normal([3, 4], dtype: DType.Float64);

    static void Same(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToDoubleArray(), actual.ToDoubleArray());
    }

    [Fact]
    public void Shorthands_forward_to_the_ops()
    {
        var p = Op.Abs(X) + 0.5;
        Same(Op.Sum(X, 1, keepDims: true), X.Sum(1, keepDims: true));
        Same(Op.Sum(X), X.Sum());
        Same(Op.Mean(X, [0]), X.Mean([0]));
        Same(Op.Max(X, 0), X.Max(0));
        Same(Op.Min(X), X.Min());
        Same(Op.ArgMax(X, 1), X.ArgMax(1));
        Same(Op.LogSumExp(X, 1), X.LogSumExp(1));
        Same(Op.Variance(X, 1, unbiased: true), X.Variance(1, unbiased: true));
        Same(Op.Softmax(X, 0), X.Softmax(0));
        Same(Op.LogSoftmax(X), X.LogSoftmax());
        Same(Op.Exp(X), X.Exp());
        Same(Op.Log(p), p.Log());
        Same(Op.Sqrt(p), p.Sqrt());
        Same(Op.Pow(p, 1.5), p.Pow(1.5));
        Same(Op.Tanh(X), X.Tanh());
        Same(Op.Sigmoid(X), X.Sigmoid());
        Same(Op.Relu(X), X.Relu());
        Same(Op.Square(X), X.Square());
        Same(Op.Abs(X), X.Abs());
        Same(Op.MatMul(X, W), X.MatMul(W));
        Same(Op.Reshape(X, 3, 2), X.Reshape(3, 2));
        Same(Op.Permute(X, 1, 0), X.Permute(1, 0));
        Same(Op.Transpose(X), X.T);
        Same(Op.Slice(X, 1, 1, 2), X.Slice(1, 1, 2));
        Same(Op.Index(X, 0, 1), X.Index(0, 1));
        Same(Op.IndexSelect(X, 1, [2, 2]), X.IndexSelect(1, [2, 2]));
    }

    [Fact]
    public void Chained_shorthands_read_like_the_formula()
    {
        // mean squared norm of tanh(X W): one line, left to right
        var y = X.MatMul(W).Tanh().Square().Sum(1).Mean();
        var expected = Op.Mean(Op.Sum(Op.Square(Op.Tanh(Op.MatMul(X, W))), 1));
        Assert.Equal(expected.Item(), y.Item());
        Assert.Equal([3, 2], X.T.Shape.ToArray());
    }

    [Fact]
    public void FromArray_is_one_dimensional_without_a_shape_whatever_the_length_and_Scalar_is_rank_zero()
    {
        Assert.Equal(new Shape(1), Tensor.FromArray([1.0]).Shape);
        Assert.Equal(new Shape(2), Tensor.FromArray([1.0, 2.0]).Shape);
        Assert.Equal(new Shape(1), Tensor.FromArray([1f]).Shape);
        Assert.Equal(new Shape(2, 3), Tensor.FromArray(new double[6], 2, 3).Shape);
        Assert.Equal(0, Tensor.Scalar(1.5, DType.Float64).Rank);
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new double[5], 2, 3));
        Assert.Contains("[2, 3]", e.Message);
    }
}
