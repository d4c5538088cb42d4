using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using MachinePerception.Tensors;
using Device = MachinePerception.Tensors.Device;

namespace MachinePerception.Backends.Cuda;

/// <summary>
/// The GPU backend: every primitive of <see cref="Backend"/> as an ILGPU kernel on device memory
/// (<see cref="CudaStorage{T}"/>). Tensors stay on the device between ops; <c>Tensor.To(Device.Cuda)</c> and
/// <c>Tensor.ToCpu()</c> are the only copies. Kernels are generic over float/double (<see cref="IScalarMath{T}"/>),
/// each output element is written by exactly one thread in a fixed order, so results are deterministic
/// and match the CPU backend within float rounding. See <c>Backends/Cuda/README.md</c> for how to add a kernel.
/// </summary>
public sealed partial class CudaBackend : Backend, IDisposable
{
    readonly Context? ownedContext;
    readonly Accelerator accelerator;
    readonly KernelCache kernels;
    readonly bool useLargeTile;

    /// <summary>
    /// A backend on any ILGPU accelerator. Production code gets the CUDA one from <see cref="TryCreate"/>; the tests
    /// pass ILGPU's CPU accelerator (tiny groups) so that every kernel runs without a GPU.
    /// </summary>
    internal CudaBackend(Accelerator accelerator, Context? ownedContext = null)
    {
        this.accelerator = accelerator;
        this.ownedContext = ownedContext;
        kernels = new KernelCache(accelerator);
        // the 128×128 GEMM tile needs 256 threads in a group; small test accelerators use the 16×16 tile (4 threads)
        useLargeTile = accelerator.MaxNumThreadsPerGroup >= LargeTile.Threads;
    }

    public override Device Device => Device.Cuda;

    /// <summary>The ILGPU accelerator the kernels run on.</summary>
    public Accelerator Accelerator => accelerator;

    /// <summary>True when MatMul runs the 128×128 GPU tile (groups of 256 threads), false for the small test tile.</summary>
    internal bool UsesLargeTile => useLargeTile;

    /// <summary>The launch helper and kernel cache (for kernels outside this class, e.g. rendering).</summary>
    public KernelCache Kernels => kernels;

    static readonly Lazy<CudaBackend?> shared = new(TryCreate);

    /// <summary>
    /// The process's backend on the first CUDA GPU (created on first use), or null without one. <see cref="Backend.Get"/>
    /// registers this one, so every tensor on <see cref="Device.Cuda"/> lives in one CUDA context.
    /// </summary>
    public static CudaBackend? Shared => shared.Value;

    /// <summary>A new backend on the first CUDA GPU, or null when there is none (or no CUDA driver). Prefer <see cref="Shared"/>.</summary>
    public static CudaBackend? TryCreate()
    {
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O1));
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                context.Dispose();
                return null;
            }
            return new CudaBackend(devices[0].CreateAccelerator(context), context);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CudaException or NotSupportedException or InvalidOperationException)
        {
            // no driver, or a driver too old for ILGPU: the CPU backend carries on
            context?.Dispose();
            return null;
        }
    }

    /// <summary>Blocks until every kernel launched so far has finished (timings; before reading results by hand).</summary>
    public void Synchronize()
    {
        kernels.Bind();
        accelerator.Synchronize();
    }

    public void Dispose()
    {
        accelerator.Dispose();
        ownedContext?.Dispose();
    }

    public override Tensor Allocate(Shape shape, DType dtype) =>
        dtype == DType.Float32
            ? new Tensor(shape, new CudaStorage<float>(this, shape.Size))
            : new Tensor(shape, new CudaStorage<double>(this, shape.Size));

    // Buffers of collected tensors, waiting to be freed on a thread bound to the device.
    readonly System.Collections.Concurrent.ConcurrentQueue<MemoryBuffer> released = new();

    /// <summary>Buffers handed back by finalizers and not yet freed (for tests).</summary>
    internal int PendingReleases => released.Count;

    /// <summary>
    /// A zero-filled device buffer. The GC sees only small tensor objects, so each buffer's bytes are reported as
    /// memory pressure (collections then keep pace with device memory), and when the device is full the
    /// unreferenced tensors are collected and freed before one retry.
    /// </summary>
    internal MemoryBuffer1D<T, Stride1D.Dense> AllocateBuffer<T>(int length) where T : unmanaged
    {
        kernels.Bind();
        FreeReleased();
        MemoryBuffer1D<T, Stride1D.Dense> b;
        try
        {
            b = accelerator.Allocate1D<T>(Math.Max(1, length));
        }
        catch (Exception e) when (e is CudaException or OutOfMemoryException or AcceleratorException)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            FreeReleased();
            b = accelerator.Allocate1D<T>(Math.Max(1, length));
        }
        GC.SuppressFinalize(b); // freed through Release, never by ILGPU's finalizer on the finalizer thread
        GC.AddMemoryPressure(b.LengthInBytes);
        b.MemSetToZero();
        return b;
    }

    /// <summary>Frees a storage's buffer now (from Dispose, on the caller's thread) or queues it (from a finalizer).</summary>
    internal void Release(MemoryBuffer b, bool now)
    {
        if (!now)
        {
            released.Enqueue(b);
            return;
        }
        kernels.Bind();
        Free(b);
    }

    void FreeReleased()
    {
        while (released.TryDequeue(out var b)) Free(b);
    }

    static void Free(MemoryBuffer b)
    {
        GC.RemoveMemoryPressure(b.LengthInBytes);
        b.Dispose();
    }

    public override Tensor Transfer(Tensor source, Device to)
    {
        kernels.Bind();
        switch (source.Device, to)
        {
            case (Device.Cpu, Device.Cuda):
                var y = Allocate(source.Shape, source.DType);
                if (source.Size == 0) return y;
                if (source.DType == DType.Float32) View<float>(y).CopyFromCPU(source.AsSpan<float>());
                else View<double>(y).CopyFromCPU(source.AsSpan<double>());
                return y;
            case (Device.Cuda, Device.Cpu):
                var x = CpuBackend.Instance.Allocate(source.Shape, source.DType);
                if (source.Size == 0) return x;
                accelerator.Synchronize();
                if (source.DType == DType.Float32) View<float>(source).CopyToCPU(x.AsSpan<float>());
                else View<double>(source).CopyToCPU(x.AsSpan<double>());
                return x;
            case (Device.Cuda, Device.Cuda):
                return source.Clone();
            default:
                throw new InvalidOperationException($"Transfer: the CUDA backend cannot move {source.Shape} from {source.Device} to {to}");
        }
    }

    /// <summary>The device elements of a tensor of this backend, or an error naming what was passed instead.</summary>
    internal static ArrayView<T> View<T>(Tensor t) where T : unmanaged =>
        t.Storage is CudaStorage<T> s ? s.View
            : throw new InvalidOperationException($"CUDA backend: expected a {typeof(T).Name} tensor on Cuda, got {t.Shape} {t.DType.Name()} on {t.Device}; move it with .To(Device.Cuda)");

    static void CheckSameSize(string op, Tensor x, Tensor y)
    {
        if (x.Size != y.Size) throw new ArgumentException($"{op}: input {x.Shape} and output {y.Shape} differ in size");
    }
}
