using ILGPU;
using ILGPU.Runtime;
using MachinePerception.Tensors;
using Device = MachinePerception.Tensors.Device;

namespace MachinePerception.Backends.Cuda;

/// <summary>
/// Elements in accelerator memory: an ILGPU buffer of float or double. Tensors on <see cref="Device.Cuda"/> hold one;
/// their values reach the CPU only through <c>Tensor.ToCpu()</c>. The buffer is freed by <see cref="Dispose"/> or,
/// failing that, by ILGPU's finalizer when the tensor is collected.
/// </summary>
public sealed class CudaStorage<T> : Storage, IDisposable where T : unmanaged
{
    /// <summary>The device buffer; never shorter than one element (ILGPU cannot allocate zero bytes).</summary>
    public MemoryBuffer1D<T, Stride1D.Dense> Buffer { get; }

    readonly int length;

    public CudaStorage(Accelerator accelerator, int length)
    {
        this.length = length;
        Buffer = accelerator.Allocate1D<T>(Math.Max(1, length));
        Buffer.MemSetToZero();
    }

    public override int Length => length;
    public override DType DType => typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;
    public override Device Device => Device.Cuda;

    /// <summary>The elements as a kernel argument (exactly <see cref="Length"/> of them).</summary>
    public ArrayView<T> View => Buffer.View.SubView(0, length).AsContiguous();

    public void Dispose() => Buffer.Dispose();
}
