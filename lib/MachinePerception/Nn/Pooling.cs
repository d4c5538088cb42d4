using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

// Pooling as layers, so a CNN can be one Sequential (§11). No parameters; the ops in Ops/Pooling.cs hold the
// forward and backward (max pooling's gradient goes to the argmax of each window).

/// <summary>Max pooling over [N, C, H, W] with a kernel and stride (default: the kernel, non-overlapping windows) (§11).</summary>
public sealed class MaxPool2d(Size2d kernel, Size2d? stride = null, Size2d? padding = null) : Layer
{
    public override Tensor Forward(Tensor x) => Op.MaxPool2d(x, kernel, stride, padding);
    public override string ToString() => $"MaxPool2d({kernel})";
}

/// <summary>Average pooling over [N, C, H, W] (§11).</summary>
public sealed class AvgPool2d(Size2d kernel, Size2d? stride = null, Size2d? padding = null) : Layer
{
    public override Tensor Forward(Tensor x) => Op.AvgPool2d(x, kernel, stride, padding);
    public override string ToString() => $"AvgPool2d({kernel})";
}
