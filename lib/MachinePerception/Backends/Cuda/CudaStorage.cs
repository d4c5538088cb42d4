using ILGPU;
using ILGPU.Runtime;
using MachinePerception.Tensors;
using Device = MachinePerception.Tensors.Device;

namespace MachinePerception.Backends.Cuda;

/// <summary>
/// Elements in accelerator memory: an ILGPU buffer of float or double. Tensors on <see cref="Device.Cuda"/> hold one;
/// their values reach the CPU only through <c>Tensor.ToCpu()</c>. The buffer is freed by <see cref="Dispose"/> or,
/// when the tensor is collected, by the backend on its next allocation (a CUDA context is bound to a thread, and the
/// finalizer thread has none, so the finalizer only hands the buffer back).
/// </summary>
public sealed class CudaStorage<T> : Storage, IDisposable where T : unmanaged
{
    readonly CudaBackend owner;
    readonly int length;
    MemoryBuffer1D<T, Stride1D.Dense>? buffer;

    internal CudaStorage(CudaBackend owner, int length)
    {
        this.owner = owner;
        this.length = length;
        buffer = owner.AllocateBuffer<T>(length);
    }

    public override int Length => length;
    public override DType DType => typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;
    public override Device Device => Device.Cuda;

    /// <summary>The device buffer; never shorter than one element (ILGPU cannot allocate zero bytes).</summary>
    public MemoryBuffer1D<T, Stride1D.Dense> Buffer =>
        buffer ?? throw new ObjectDisposedException($"CudaStorage: the device buffer of {length} {DType.Name()} elements was disposed");

    /// <summary>The elements as a kernel argument (exactly <see cref="Length"/> of them).</summary>
    public ArrayView<T> View => Buffer.View.SubView(0, length).AsContiguous();

    /// <summary>Frees the device memory now (the tensor is unusable afterwards).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref buffer, null) is { } b) owner.Release(b, now: true);
        GC.SuppressFinalize(this);
    }

    ~CudaStorage()
    {
        if (buffer is { } b) owner.Release(b, now: false);
    }
}
