using MachinePerception.Tensors;

namespace MachinePerception.Backends;

// Pending: the convolution and pooling primitives land with the convolution ops.
public sealed partial class CpuBackend
{
    public override void Im2Col(Tensor x, Tensor cols, ConvGeometry g) => throw new NotImplementedException();
    public override void Col2Im(Tensor cols, Tensor x, ConvGeometry g) => throw new NotImplementedException();
    public override void MaxPool2d(Tensor x, Tensor y, Tensor argmax, ConvGeometry g) => throw new NotImplementedException();
    public override void AvgPool2d(Tensor x, Tensor y, ConvGeometry g) => throw new NotImplementedException();
    public override void AvgPool2dBackward(Tensor gy, Tensor gx, ConvGeometry g) => throw new NotImplementedException();
}
