using MachinePerception.Ops;

namespace MachinePerception.Tensors;

// Instance shorthands, so that a chapter reads x.MatMul(w).Tanh().Sum() instead of nested Op calls.
// Each one forwards to the op of the same name in Ops/, where its gradient and its checks are.
public sealed partial class Tensor
{
    // ---------- reductions ----------
    public Tensor Sum(int[]? axes = null, bool keepDims = false) => Op.Sum(this, axes, keepDims);
    public Tensor Sum(int axis, bool keepDims = false) => Op.Sum(this, axis, keepDims);
    public Tensor Mean(int[]? axes = null, bool keepDims = false) => Op.Mean(this, axes, keepDims);
    public Tensor Mean(int axis, bool keepDims = false) => Op.Mean(this, axis, keepDims);
    public Tensor Max(int[]? axes = null, bool keepDims = false) => Op.Max(this, axes, keepDims);
    public Tensor Max(int axis, bool keepDims = false) => Op.Max(this, axis, keepDims);
    public Tensor Min(int[]? axes = null, bool keepDims = false) => Op.Min(this, axes, keepDims);
    public Tensor Min(int axis, bool keepDims = false) => Op.Min(this, axis, keepDims);
    public Tensor ArgMax(int? axis = null, bool keepDims = false) => Op.ArgMax(this, axis, keepDims);
    public Tensor ArgMin(int? axis = null, bool keepDims = false) => Op.ArgMin(this, axis, keepDims);
    public Tensor LogSumExp(int[]? axes = null, bool keepDims = false) => Op.LogSumExp(this, axes, keepDims);
    public Tensor LogSumExp(int axis, bool keepDims = false) => Op.LogSumExp(this, axis, keepDims);
    public Tensor Variance(int[]? axes = null, bool unbiased = false, bool keepDims = false) => Op.Variance(this, axes, unbiased, keepDims);
    public Tensor Variance(int axis, bool unbiased = false, bool keepDims = false) => Op.Variance(this, axis, unbiased, keepDims);
    public Tensor Std(int[]? axes = null, bool unbiased = false, bool keepDims = false) => Op.Std(this, axes, unbiased, keepDims);
    public Tensor Std(int axis, bool unbiased = false, bool keepDims = false) => Op.Std(this, axis, unbiased, keepDims);
    public Tensor Softmax(int axis = -1) => Op.Softmax(this, axis);
    public Tensor LogSoftmax(int axis = -1) => Op.LogSoftmax(this, axis);

    // ---------- elementwise ----------
    public Tensor Exp() => Op.Exp(this);
    public Tensor Log() => Op.Log(this);
    public Tensor Log1p() => Op.Log1p(this);
    public Tensor Sqrt() => Op.Sqrt(this);
    public Tensor Square() => Op.Square(this);
    public Tensor Pow(double p) => Op.Pow(this, p);
    public Tensor Pow(Tensor p) => Op.Pow(this, p);
    public Tensor Reciprocal() => Op.Reciprocal(this);
    public Tensor Abs() => Op.Abs(this);
    public Tensor Sign() => Op.Sign(this);
    public Tensor Sin() => Op.Sin(this);
    public Tensor Cos() => Op.Cos(this);
    public Tensor Tanh() => Op.Tanh(this);
    public Tensor Sigmoid() => Op.Sigmoid(this);
    public Tensor Softplus() => Op.Softplus(this);
    public Tensor Relu() => Op.Relu(this);
    public Tensor LeakyRelu(double slope = 0.01) => Op.LeakyRelu(this, slope);
    public Tensor Elu(double alpha = 1.0) => Op.Elu(this, alpha);
    public Tensor Clamp(double lo, double hi) => Op.Clamp(this, lo, hi);
    public Tensor Maximum(Tensor other) => Op.Maximum(this, other);
    public Tensor Minimum(Tensor other) => Op.Minimum(this, other);

    // ---------- matrix products and shapes ----------
    public Tensor MatMul(Tensor other, bool transA = false, bool transB = false) => Op.MatMul(this, other, transA, transB);

    /// <summary>The matrix transpose (the last two axes swapped).</summary>
    public Tensor T => Op.Transpose(this);

    public Tensor Transpose(int axis0 = -2, int axis1 = -1) => Op.Transpose(this, axis0, axis1);
    public Tensor Reshape(params int[] shape) => Op.Reshape(this, shape);
    public Tensor Flatten() => Op.Flatten(this);
    public Tensor Permute(params int[] axes) => Op.Permute(this, axes);
    public Tensor BroadcastTo(Shape shape) => Op.BroadcastTo(this, shape);
    public Tensor Unsqueeze(int axis) => Op.Unsqueeze(this, axis);
    public Tensor Squeeze(int axis) => Op.Squeeze(this, axis);

    // ---------- indexing ----------
    public Tensor Slice(int axis, int start, int length, int step = 1) => Op.Slice(this, axis, start, length, step);
    public Tensor Index(int axis, int index) => Op.Index(this, axis, index);
    public Tensor IndexSelect(int axis, int[] indices) => Op.IndexSelect(this, axis, indices);
    public Tensor Gather(int axis, Tensor index) => Op.Gather(this, axis, index);
    public Tensor[] Split(int axis, params int[] sizes) => Op.Split(this, axis, sizes);
    public Tensor[] Chunk(int chunks, int axis = 0) => Op.Chunk(this, chunks, axis);
    public Tensor Pad((int Before, int After)[] padding, double value = 0) => Op.Pad(this, padding, value);
    public Tensor MaskedFill(Tensor mask, double value) => Op.MaskedFill(this, mask, value);
}
