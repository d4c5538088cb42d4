using ILGPU;
using ILGPU.Runtime.CPU;
using MachinePerception.Backends.Cuda;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>
/// The GPU's 128×128 GEMM tile (256 threads per group) run on a CPU accelerator wide enough to hold it, so the
/// kernel a GPU runs is itself checked without a GPU. Its own context: a 256-thread simulated device.
/// </summary>
public sealed class WideCpuAcceleratorFixture : IDisposable
{
    public Context Context { get; } = Context.Create(b => b.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1)).EnableAlgorithms().Optimize(OptimizationLevel.O1));
    public CudaBackend Backend { get; }

    public WideCpuAcceleratorFixture() => Backend = new CudaBackend(Context.CreateCPUAccelerator(0));

    public void Dispose()
    {
        Backend.Dispose();
        Context.Dispose();
    }
}

public class LargeTileTests(WideCpuAcceleratorFixture fx) : IClassFixture<WideCpuAcceleratorFixture>
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Large_tile_gemm_matches_the_definition(bool transA, bool transB)
    {
        var dev = fx.Backend;
        Assert.True(dev.UsesLargeTile);
        // one 128×128 tile only partly filled, and K = 11 crossing the slice of 8
        int m = 9, n = 130, k = 11;
        var a = Kit.Random(1, DType.Float32, transA ? [k, m] : [m, k]);
        var b = Kit.Random(2, DType.Float32, transB ? [n, k] : [k, n]);
        var c = dev.Allocate([m, n], DType.Float32);
        dev.MatMul(dev.Up(a), dev.Up(b), c, 1, m, n, k, transA, transB);
        var expected = GemmKernelTests.Reference(a.ToDoubleArray(), b.ToDoubleArray(), 1, m, n, k, transA, transB, false, false);
        Kit.Near(Tensor.FromArray(expected, m, n), dev.Down(c).To(DType.Float64), 1e-5);
    }
}
