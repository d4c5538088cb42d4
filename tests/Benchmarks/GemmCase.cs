using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>Square float32 GEMM n×n·n×n: <see cref="Gemm.Multiply{T}"/> against cblas_sgemm.</summary>
sealed class GemmCase(int n) : BenchmarkCase
{
    public override string Name => $"gemm-{n}";
    protected override double Flops => 2.0 * n * n * n;

    protected override (Action ours, Action reference) Setup()
    {
        var rng = new Rng(n);
        var a = rng.Normal(new Shape(n, n)).ToFloatArray();
        var b = rng.Normal(new Shape(n, n)).ToFloatArray();
        var c1 = new float[n * n];
        var c2 = new float[n * n];
        return (() => Gemm.Multiply<float>(a, b, c1, n, n, n, false, false),
                () => OpenBlas.Sgemm(a, b, c2, n, n, n));
    }
}
