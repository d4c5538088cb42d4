using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

/// <summary>
/// Every tensor op of the engine, one file per family (Elementwise, Reductions, Shapes, MatMul, ...).
/// Each op checks its inputs, asks the backend of its inputs' device to compute the result, and records
/// its backward rule beside the forward with <see cref="Autograd.Record"/>. Backward rules are written with
/// these same ops, so gradients can be differentiated again.
/// </summary>
public static partial class Op
{
    static Backend B(Tensor t) => Backend.Get(t.Device);

    /// <summary>A zero-filled result tensor on like's device and of its dtype.</summary>
    static Tensor New(Tensor like, Shape shape) => B(like).Allocate(shape, like.DType);

    /// <summary>A result tensor that the primitive about to run overwrites everywhere (no zero fill on the CPU).</summary>
    static Tensor Empty(Tensor like, Shape shape) => B(like).AllocateUninitialized(shape, like.DType);

    /// <summary>A differentiable copy onto another device (an explicit transfer boundary).</summary>
    public static Tensor ToDevice(Tensor x, Device device)
    {
        if (x.Device == device) return x;
        // the accelerator's backend knows both directions; CPU↔CPU never gets here
        var y = Backend.Get(x.Device == Device.Cpu ? device : x.Device).Transfer(x, device);
        var from = x.Device;
        return Autograd.Record(y, "to_device", [x], g => [ToDevice(g, from)]);
    }

    /// <summary>A differentiable dtype conversion.</summary>
    public static Tensor Cast(Tensor x, DType dtype)
    {
        if (x.DType == dtype) return x;
        var y = B(x).Allocate(x.Shape, dtype);
        B(x).Copy(x, y);
        var from = x.DType;
        return Autograd.Record(y, "cast", [x], g => [Cast(g, from)]);
    }
}
