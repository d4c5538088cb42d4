using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>The tiled GEMM on the CPU accelerator (16×16 tile) against a plain triple loop and the CPU backend.</summary>
[Collection("Cuda")]
public class GemmKernelTests(CpuAcceleratorFixture fx)
{
    Backend Dev => fx.Backend;

    /// <summary>c[p] = op(a[p])·op(b[p]) by the definition, in float64.</summary>
    internal static double[] Reference(double[] a, double[] b, int batch, int m, int n, int k, bool transA, bool transB, bool batchA, bool batchB)
    {
        var c = new double[batch * m * n];
        for (int p = 0; p < batch; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int q = 0; q < k; q++)
                    {
                        double av = a[(batchA ? p * m * k : 0) + (transA ? q * m + i : i * k + q)];
                        double bv = b[(batchB ? p * k * n : 0) + (transB ? j * k + q : q * n + j)];
                        s += av * bv;
                    }
                    c[(p * m + i) * n + j] = s;
                }
        return c;
    }

    public static TheoryData<DType, bool, bool> Cases()
    {
        var data = new TheoryData<DType, bool, bool>();
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (var ta in new[] { false, true })
                foreach (var tb in new[] { false, true })
                    data.Add(dt, ta, tb);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gemm_matches_the_definition_across_tile_edges(DType dtype, bool transA, bool transB)
    {
        Assert.False(fx.Backend.UsesLargeTile); // this fixture's 8-thread groups run the 16×16 test tile (4 threads)
        // sizes that cross the 16×16 tile and the K slice of 4 unevenly, a single row/column, and k = 1
        foreach (var (m, n, k) in new[] { (19, 17, 13), (1, 5, 7), (6, 1, 9), (3, 4, 1) })
        {
            var a = Kit.Random(m * 100 + k, dtype, transA ? [k, m] : [m, k]);
            var b = Kit.Random(n * 100 + k, dtype, transB ? [n, k] : [k, n]);
            var c = Dev.Allocate([m, n], dtype);
            Dev.MatMul(Dev.Up(a), Dev.Up(b), c, 1, m, n, k, transA, transB);
            var expected = Reference(a.ToDoubleArray(), b.ToDoubleArray(), 1, m, n, k, transA, transB, false, false);
            Kit.Near(Tensor.FromArray(expected, m, n), Dev.Down(c).To(DType.Float64), Kit.Tol(dtype) * 10);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Batched_gemm_broadcasts_a_batch_of_one_on_either_side(DType dtype)
    {
        int batch = 3, m = 5, n = 18, k = 6;
        var a = Kit.Random(1, dtype, 1, m, k);      // shared by every batch
        var b = Kit.Random(2, dtype, batch, k, n);
        var c = Dev.Allocate([batch, m, n], dtype);
        Dev.MatMul(Dev.Up(a), Dev.Up(b), c, batch, m, n, k, false, false);
        var expected = CpuBackend.Instance.Allocate([batch, m, n], dtype);
        CpuBackend.Instance.MatMul(a, b, expected, batch, m, n, k, false, false);
        Kit.Near(expected, Dev.Down(c), Kit.Tol(dtype) * 10);
        var reference = Reference(a.ToDoubleArray(), b.ToDoubleArray(), batch, m, n, k, false, false, false, true);
        Kit.Near(Tensor.FromArray(reference, batch, m, n), Dev.Down(c).To(DType.Float64), Kit.Tol(dtype) * 10);

        // the other way round: a batch of A against one transposed B
        var a2 = Kit.Random(3, dtype, batch, m, k);
        var b2 = Kit.Random(4, dtype, 1, n, k);
        var c2 = Dev.Allocate([batch, m, n], dtype);
        Dev.MatMul(Dev.Up(a2), Dev.Up(b2), c2, batch, m, n, k, false, true);
        var reference2 = Reference(a2.ToDoubleArray(), b2.ToDoubleArray(), batch, m, n, k, false, true, true, false);
        Kit.Near(Tensor.FromArray(reference2, batch, m, n), Dev.Down(c2).To(DType.Float64), Kit.Tol(dtype) * 10);
    }

    [Fact]
    public void Gemm_is_deterministic()
    {
        var a = Kit.Random(3, DType.Float32, 23, 31);
        var b = Kit.Random(4, DType.Float32, 31, 11);
        var c1 = Dev.Allocate([23, 11], DType.Float32);
        var c2 = Dev.Allocate([23, 11], DType.Float32);
        Dev.MatMul(Dev.Up(a), Dev.Up(b), c1, 1, 23, 11, 31, false, false);
        Dev.MatMul(Dev.Up(a), Dev.Up(b), c2, 1, 23, 11, 31, false, false);
        Assert.Equal(Dev.Down(c1).ToFloatArray(), Dev.Down(c2).ToFloatArray());
    }
}
