using System.Diagnostics;
using MachinePerception.Backends;
using MachinePerception.Tensors;
using Xunit.Abstractions;

namespace MachinePerception.Tests.Cuda;

/// <summary>
/// The same kernels on a real CUDA GPU at sizes the CPU accelerator cannot reach (several tiles and groups per
/// launch). Skipped, with the reason shown, on machines without one.
/// </summary>
public class GpuTests(ITestOutputHelper output)
{
    static readonly CpuBackend Cpu = CpuBackend.Instance;

    [CudaFact]
    public void Gemm_on_the_gpu_matches_the_cpu_at_many_tiles()
    {
        var gpu = Gpu.Backend;
        Assert.True(gpu.UsesLargeTile);
        foreach (var (m, n, k, ta, tb) in new[] { (257, 129, 65, false, false), (300, 200, 100, true, false), (64, 513, 33, false, true) })
        {
            var a = Kit.Random(1, DType.Float32, ta ? [k, m] : [m, k]);
            var b = Kit.Random(2, DType.Float32, tb ? [n, k] : [k, n]);
            var expected = Cpu.Allocate([m, n], DType.Float32);
            Cpu.MatMul(a, b, expected, 1, m, n, k, ta, tb);
            var c = gpu.Allocate([m, n], DType.Float32);
            gpu.MatMul(gpu.Up(a), gpu.Up(b), c, 1, m, n, k, ta, tb);
            Kit.Near(expected, gpu.Down(c), 1e-4);
        }
    }

    [CudaFact]
    public void Reductions_softmax_and_elementwise_on_the_gpu_match_the_cpu()
    {
        var gpu = Gpu.Backend;
        var x = Kit.Random(3, DType.Float32, 300, 1000);
        foreach (var op in Enum.GetValues<ReduceOp>())
            foreach (var (outer, n, inner) in new[] { (300, 1000, 1), (3, 100, 1000) })
            {
                var expected = Cpu.Allocate([outer, inner], DType.Float32);
                Cpu.Reduce(op, x, expected, outer, n, inner);
                var y = gpu.Allocate([outer, inner], DType.Float32);
                gpu.Reduce(op, gpu.Up(x), y, outer, n, inner);
                Kit.Near(expected, gpu.Down(y), 1e-3);
            }
        var s = Cpu.Allocate(x.Shape, DType.Float32);
        Cpu.Softmax(x, s, 300, 1000, false);
        var sg = gpu.Allocate(x.Shape, DType.Float32);
        gpu.Softmax(gpu.Up(x), sg, 300, 1000, false);
        Kit.Near(s, gpu.Down(sg), 1e-5);
        var t = Cpu.Allocate(x.Shape, DType.Float32);
        Cpu.Unary(UnaryOp.Tanh, x, t);
        var tg = gpu.Allocate(x.Shape, DType.Float32);
        gpu.Unary(UnaryOp.Tanh, gpu.Up(x), tg);
        Kit.Near(t, gpu.Down(tg), 1e-5);
    }

    /// <summary>Not a pass/fail test: prints the GEMM rate at n = 1024 and 4096 to the test log.</summary>
    [CudaFact]
    public void Gemm_rate_is_reported()
    {
        var gpu = Gpu.Backend;
        foreach (int n in new[] { 1024, 4096 })
        {
            var a = gpu.Up(Kit.Random(1, DType.Float32, n, n));
            var b = gpu.Up(Kit.Random(2, DType.Float32, n, n));
            var c = gpu.Allocate([n, n], DType.Float32);
            gpu.MatMul(a, b, c, 1, n, n, n, false, false); // compile and warm up
            gpu.Synchronize();
            var sw = Stopwatch.StartNew();
            int reps = n >= 4096 ? 5 : 20;
            for (int i = 0; i < reps; i++) gpu.MatMul(a, b, c, 1, n, n, n, false, false);
            gpu.Synchronize();
            double tflops = 2.0 * n * n * (double)n * reps / sw.Elapsed.TotalSeconds / 1e12;
            output.WriteLine($"GEMM n={n}: {tflops:F2} TFLOP/s");
            Assert.True(tflops > 0);
        }
    }
}
