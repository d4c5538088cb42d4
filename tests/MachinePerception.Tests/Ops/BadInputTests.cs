using MachinePerception.Ops;
using MachinePerception.Tensors;
using static MachinePerception.Tests.TestSupport.OpTest;

namespace MachinePerception.Tests.Ops;

/// <summary>Bad input gives an ArgumentException whose message starts with the op's name and shows the shapes or values.</summary>
public class BadInputTests
{
    static Tensor Z(params int[] shape) => Tensor.Zeros(shape, DType.Float64);

    [Fact]
    public void Elementwise_shape_and_dtype_mismatches()
    {
        Throws("add", () => Op.Add(Z(2, 3), Z(4)), "[2, 3]", "[4]");
        Throws("mul", () => Op.Mul(Z(3, 2), Z(2, 3)), "[3, 2]", "[2, 3]");
        Throws("sub", () => Op.Sub(Z(2), Tensor.Zeros([2])), "dtypes differ", "float64", "float32");
        Throws("maximum", () => Op.Maximum(Z(2), Z(3)), "[2]", "[3]");
        Throws("where", () => Op.Where(Z(2), Z(2), Z(3)), "[2]", "[3]");
        Throws("clamp", () => Op.Clamp(Z(2), 1, 0), "lo = 1", "hi = 0");
    }

    [Fact]
    public void Shape_op_errors()
    {
        Throws("reshape", () => Op.Reshape(Z(2, 3), 4, 2), "[2, 3]", "[4, 2]");
        Throws("reshape", () => Op.Reshape(Z(2, 3), 4, -1), "[2, 3]");
        Throws("permute", () => Op.Permute(Z(2, 3), 0, 0), "[0, 0]", "[2, 3]");
        Throws("permute", () => Op.Permute(Z(2, 3), 0), "[2, 3]");
        Throws("squeeze", () => Op.Squeeze(Z(2, 3), 1), "[2, 3]", "size 3");
        Throws("transpose", () => Op.Transpose(Z(3)), "[3]");
        Throws("broadcast_to", () => Op.BroadcastTo(Z(2, 3), [3, 3]), "[2, 3]", "[3, 3]");
        Throws("broadcast_to", () => Op.BroadcastTo(Z(2, 3), [3]), "[2, 3]", "[3]");
    }

    [Fact]
    public void Reduction_errors()
    {
        Throws("sum", () => Op.Sum(Z(2, 3), 2), "axis 2", "rank 2");
        Throws("sum", () => Op.Sum(Z(2, 3), [1, -1]), "repeated axis", "[2, 3]");
        Throws("mean", () => Op.Mean(Z(0, 3), 0), "[0, 3]");
        Throws("max", () => Op.Max(Z(2, 0), 1), "empty axis", "[2, 0]");
        Throws("min", () => Op.Min(Z(0)), "empty axis", "[0]");
        Throws("argmax", () => Op.ArgMax(Z(0, 2)), "[0, 2]");
        Throws("argmin", () => Op.ArgMin(Z(3, 0), 1), "[3, 0]");
        Throws("argmax", () => Op.ArgMax(Z(3), 1), "axis 1", "rank 1");
        Throws("logsumexp", () => Op.LogSumExp(Z(2, 0), -1), "[2, 0]");
        Throws("variance", () => Op.Variance(Z(4, 1), 1, unbiased: true), "[4, 1]", "unbiased");
        Throws("variance", () => Op.Variance(Z(0)), "[0]");
    }

    [Fact]
    public void Softmax_errors()
    {
        Throws("softmax", () => Op.Softmax(Tensor.Scalar(1, DType.Float64)), "scalar");
        Throws("log_softmax", () => Op.LogSoftmax(Z(2, 3), 2), "axis 2", "rank 2");
    }

    [Fact]
    public void Matmul_errors()
    {
        Throws("matmul", () => Op.MatMul(Z(2, 3), Z(4, 5)), "[2, 3]", "[4, 5]", "3 vs 4");
        Throws("matmul", () => Op.MatMul(Z(2, 3, 4), Z(3, 4, 5)), "[2, 3, 4]", "[3, 4, 5]");
        Throws("matmul", () => Op.MatMul(Z(2, 3), Tensor.Zeros([3, 2])), "dtypes differ");
        Throws("matmul", () => Op.MatMul(Z(1, 2, 3, 4), Z(4, 5)), "[1, 2, 3, 4]");
    }

    [Fact]
    public void Slice_index_split_errors()
    {
        Throws("slice", () => Op.Slice(Z(4, 5), 1, 3, 3), "start 3", "length 3", "[4, 5]", "size 5");
        Throws("slice", () => Op.Slice(Z(4, 5), 0, 0, 3, step: 2), "step 2", "[4, 5]");
        Throws("slice", () => Op.Slice(Z(4, 5), 0, 0, 2, step: 0), "step 0");
        Throws("slice", () => Op.Slice(Z(4, 5), 0, 0, -1), "length -1");
        Throws("slice", () => Op.Slice(Z(4, 5), 2, 0, 1), "axis 2", "rank 2");
        Throws("index", () => Op.Index(Z(4, 5), 1, 5), "5", "[4, 5]", "size 5");
        Throws("index", () => Op.Index(Z(4, 5), 0, -5), "-5", "[4, 5]");
        Throws("split", () => Op.Split(Z(4, 5), 1, 2, 2), "[2, 2]", "[4, 5]");
        Throws("chunk", () => Op.Chunk(Z(4), 0), "0 chunks", "[4]");
    }

    [Fact]
    public void Concat_stack_pad_errors()
    {
        Throws("concat", () => Op.Concat([Z(2, 3), Z(3, 2)], 0), "[2, 3]", "[3, 2]");
        Throws("concat", () => Op.Concat([Z(2, 3), Tensor.Zeros([2, 3])], 0), "dtypes differ");
        Throws("concat", () => Op.Concat([Z(2, 3), Z(2, 3, 1)], 0), "[2, 3, 1]");
        Throws("concat", () => Op.Concat([], 0), "no tensors");
        Throws("stack", () => Op.Stack([Z(2, 3), Z(2, 4)], 0), "[2, 3]", "[2, 4]");
        Throws("stack", () => Op.Stack([Z(2, 3)], 3), "axis 3", "[2, 3]");
        Throws("pad", () => Op.Pad(Z(2, 3), [(1, -1)]), "(1, -1)", "[2, 3]");
        Throws("pad", () => Op.Pad(Z(3), [(1, 1), (1, 1)]), "[3]");
    }

    [Fact]
    public void Gather_scatter_index_select_errors()
    {
        var x = Z(3, 4);
        Throws("gather", () => Op.Gather(x, 1, Tensor.FromArray(new double[,] { { 0 }, { 4 }, { 1 } })), "index value 4", "[1, 0]", "[0, 4)", "[3, 4]");
        Throws("gather", () => Op.Gather(x, 1, Tensor.FromArray(new double[,] { { 0.5 }, { 1 }, { 1 } })), "0.5", "[3, 1]");
        Throws("gather", () => Op.Gather(x, 1, Z(4, 1)), "[4, 1]", "[3, 4]");
        Throws("gather", () => Op.Gather(x, 1, Z(3)), "[3]", "[3, 4]");
        Throws("gather", () => Op.Gather(x, 2, Z(3, 1)), "axis 2");
        Throws("scatter_add", () => Op.ScatterAdd(x, 0, Z(2, 4), Z(2, 3)), "[2, 4]", "[2, 3]");
        Throws("scatter_add", () => Op.ScatterAdd(x, 0, Tensor.Full([1, 4], 3, DType.Float64), Z(1, 4)), "index value 3", "[0, 3)");
        Throws("scatter_add", () => Op.ScatterAdd(x, 0, Z(1, 4), Tensor.Zeros([1, 4])), "dtypes differ");
        Throws("index_select", () => Op.IndexSelect(x, 0, [0, 3]), "index 3", "position 1", "[3, 4]");
        Throws("index_select", () => Op.IndexSelect(x, 1, [-1]), "index -1", "[3, 4]");
    }

    [Fact]
    public void Mask_and_one_hot_errors()
    {
        Throws("masked_fill", () => Op.MaskedFill(Z(3, 1), Z(3, 4), 0), "[3, 4]", "[3, 1]");
        Throws("masked_fill", () => Op.MaskedFill(Z(3, 4), Z(2, 4), 0), "[2, 4]", "[3, 4]");
        Throws("one_hot", () => Op.OneHot([0, 3], 3), "label 3", "position 1", "[0, 3)");
        Throws("one_hot", () => Op.OneHot([0], 0), "0 classes");
    }
}
