using ILGPU;
using ILGPU.Runtime.CPU;
using MachinePerception.Backends;
using MachinePerception.Backends.Cuda;
using MachinePerception.Tensors;
using Device = MachinePerception.Tensors.Device;

namespace MachinePerception.Tests.Cuda;

/// <summary>
/// The CUDA backend running on ILGPU's CPU accelerator: one Context for the whole test collection, with a tiny
/// simulated device (groups of 8 threads, one multiprocessor: every barrier waits for each OS thread, so fewer
/// threads keep the tests fast on a busy machine) so the kernels run at test sizes in milliseconds.
/// </summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public Context Context { get; }
    public CudaBackend Backend { get; }

    public CpuAcceleratorFixture()
    {
        Context = Context.Create(b => b.CPU(new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1)).EnableAlgorithms().Optimize(OptimizationLevel.O1));
        Backend = new CudaBackend(Context.CreateCPUAccelerator(0));
    }

    public void Dispose()
    {
        Backend.Dispose();
        Context.Dispose();
    }
}

[CollectionDefinition("Cuda")]
public sealed class CudaCollection : ICollectionFixture<CpuAcceleratorFixture>;

/// <summary>A test that needs a real CUDA GPU; reported as skipped (with the reason) when none is found.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!Gpu.Present) Skip = "no CUDA GPU on this machine";
    }
}

/// <summary>The real GPU backend (the process-wide one, so tensors from the ops and from these tests share a context).</summary>
public static class Gpu
{
    public static bool Present => CudaBackend.Shared is not null;
    public static CudaBackend Backend => CudaBackend.Shared ?? throw new InvalidOperationException("no CUDA GPU");
}

/// <summary>Moving tensors between the CPU and a backend under test, and comparing results.</summary>
public static class Kit
{
    public static Tensor Up(this Backend b, Tensor cpu) => b.Transfer(cpu, Device.Cuda);

    public static Tensor Down(this Backend b, Tensor dev) => b.Transfer(dev, Device.Cpu);

    public static Tensor Random(int seed, DType dtype, params int[] shape) => new Rng(seed).Normal(shape, dtype: dtype);

    /// <summary>Float32 kernels and the CPU may round differently (FMA, exp approximations); float64 must agree to ~1e-12.</summary>
    public static double Tol(DType dtype) => dtype == DType.Float32 ? 2e-5 : 1e-12;

    /// <summary>Elementwise |a − b| ≤ tol·(1 + |b|), with the worst entry in the failure message.</summary>
    public static void Near(Tensor expected, Tensor actual, double tol)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            bool bothNaN = double.IsNaN(e[i]) && double.IsNaN(a[i]);
            bool same = e[i] == a[i]; // equal infinities
            if (!bothNaN && !same && !(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i]))))
                Assert.Fail($"element {i} of {expected.Shape}: expected {e[i]:G9}, got {a[i]:G9} (tolerance {tol:G3})");
        }
    }
}
