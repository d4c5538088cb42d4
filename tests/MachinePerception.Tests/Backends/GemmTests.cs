using System.Numerics;
using MachinePerception.Backends;
using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Backends;

public class GemmTests
{
    // m×n×k: the direct path (1·1·1, 7·13·5, and 3·43·10 whose rows need wide, single and scalar SIMD steps), the
    // packed path on one core (65·33·129 ≈ 277k multiply-adds) and split over cores (130·257·70 ≈ 2.3M), a narrow C
    // computed as Cᵀ (130·5·70), k longer than one k-block (1100 > KC = 512) so blocks are summed into C, and a
    // plain B too large to be read in place (250·300 > 64k elements: packed) where the others are read in place.
    public static TheoryData<int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 13, 5), (3, 43, 10), (65, 33, 129), (130, 257, 70), (130, 5, 70), (13, 70, 1100), (9, 300, 250) })
            foreach (var ta in new[] { false, true })
                foreach (var tb in new[] { false, true })
                    data.Add(m, n, k, ta, tb);
        return data;
    }

    /// <summary>Stored layouts: A as [m, k] or [k, m] (transA), B as [k, n] or [n, k] (transB); values in [-1, 1).</summary>
    static (double[] a, double[] b) Operands(int m, int n, int k, int seed)
    {
        var rng = new Random(seed);
        var a = new double[m * k];
        var b = new double[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = 2 * rng.NextDouble() - 1;
        for (int i = 0; i < b.Length; i++) b[i] = 2 * rng.NextDouble() - 1;
        return (a, b);
    }

    /// <summary>The textbook triple loop in double, plus Σ_p |A_ip||B_pj| for the rounding bound.</summary>
    static (double[] c, double[] abs) Naive(double[] a, double[] b, int m, int n, int k, bool transA, bool transB)
    {
        var c = new double[m * n];
        var abs = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, t = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = transA ? a[p * m + i] : a[i * k + p];
                    double y = transB ? b[j * k + p] : b[p * n + j];
                    s += x * y;
                    t += Math.Abs(x * y);
                }
                c[i * n + j] = s;
                abs[i * n + j] = t;
            }
        return (c, abs);
    }

    // A sum of k products computed in any order with rounding unit u is within k·u·Σ|A_ip||B_pj| of the exact
    // value (Higham, Accuracy and Stability, §3.1: |ŝ − s| ≤ γ_k Σ|x_p y_p|, γ_k ≈ k·u). Rounding the inputs to
    // T adds 2u per product, and the double reference has its own k·u_double; we allow 2(k + 1)·u.
    static void AssertClose<T>(int m, int n, int k, bool transA, bool transB, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (a, b) = Operands(m, n, k, seed);
        var (expected, abs) = Naive(a, b, m, n, k, transA, transB);
        var c = new T[m * n];
        Gemm.Multiply(a.Select(T.CreateTruncating).ToArray().AsMemory(), b.Select(T.CreateTruncating).ToArray().AsMemory(),
            c.AsMemory(), m, n, k, transA, transB);
        double u = Math.ScaleB(1, typeof(T) == typeof(float) ? -24 : -53); // unit roundoff
        for (int i = 0; i < m * n; i++)
        {
            double bound = 2 * (k + 1) * u * abs[i];
            double err = Math.Abs(double.CreateTruncating(c[i]) - expected[i]);
            Assert.True(err <= bound,
                $"Gemm<{typeof(T).Name}> {m}×{n}×{k} transA={transA} transB={transB}: C[{i / n},{i % n}] = {c[i]}, " +
                $"naive {expected[i]}, error {err:G3} > bound {bound:G3}");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Float_matches_the_naive_triple_loop(int m, int n, int k, bool transA, bool transB) =>
        AssertClose<float>(m, n, k, transA, transB, seed: m * 7 + n);

    [Theory, MemberData(nameof(Cases))]
    public void Double_matches_the_naive_triple_loop(int m, int n, int k, bool transA, bool transB) =>
        AssertClose<double>(m, n, k, transA, transB, seed: m * 11 + k);

    [Fact]
    public void Inner_dimension_zero_gives_zeros_and_overwrites_c()
    {
        var c = new float[] { 5, 5, 5, 5, 5, 5 };
        Gemm.Multiply(Array.Empty<float>().AsMemory(), Array.Empty<float>().AsMemory(), c.AsMemory(), 2, 3, 0, false, false);
        Assert.All(c, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void C_is_overwritten_not_accumulated()
    {
        // both paths: 4×4×4 (direct) and 70×70×70 (blocked)
        foreach (int s in new[] { 4, 70 })
        {
            var (a, b) = Operands(s, s, s, seed: s);
            var (expected, _) = Naive(a, b, s, s, s, false, false);
            var c = Enumerable.Repeat(1e6, s * s).ToArray();
            Gemm.Multiply(a.AsMemory(), b.AsMemory(), c.AsMemory(), s, s, s, false, false);
            for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i], 1e-9);
        }
    }

    [Theory]
    // each above the 2^20 multiply-adds where the product is split over cores
    [InlineData(70, 130, 120)]  // wide: split into column bands
    [InlineData(301, 40, 90)]   // tall: split into row bands
    [InlineData(1700, 7, 90)]   // narrow: computed as Cᵀ
    [InlineData(20, 70, 1100)]  // several k-blocks
    public void Same_bits_on_one_core_and_on_two(int m, int n, int k)
    {
        foreach (var (transA, transB) in new[] { (false, false), (true, true) })
        {
            var (a, b) = Operands(m, n, k, seed: 3);
            var af = a.Select(x => (float)x).ToArray();
            var bf = b.Select(x => (float)x).ToArray();
            float[] Run(int threads)
            {
                int saved = CpuParallel.MaxThreads;
                try
                {
                    CpuParallel.MaxThreads = threads;
                    var c = new float[m * n];
                    Gemm.Multiply(af.AsMemory(), bf.AsMemory(), c.AsMemory(), m, n, k, transA, transB);
                    return c;
                }
                finally { CpuParallel.MaxThreads = saved; }
            }
            var one = Run(1);
            var two = Run(2);
            for (int i = 0; i < one.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(one[i]) == BitConverter.SingleToInt32Bits(two[i]),
                    $"Gemm {m}×{n}×{k}: C[{i / n},{i % n}] is {one[i]:R} on one core but {two[i]:R} on two");
        }
    }

    [Fact]
    public void Short_buffers_are_rejected_with_the_sizes()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(new float[5].AsMemory(), new float[6].AsMemory(), new float[6].AsMemory(), 2, 3, 3, false, false));
        Assert.StartsWith("Gemm:", ex.Message);
        Assert.Contains("a has 5 (needs 6)", ex.Message);
    }

    [Fact]
    public void Batched_matmul_with_a_shared_operand_matches_per_matrix_products()
    {
        // [3, 5, 4] · [4, 6] through the backend, compared with each product done alone
        var rng = new Rng(7);
        var a = rng.Normal(new Shape(3, 5, 4), dtype: DType.Float64);
        var b = rng.Normal(new Shape(4, 6), dtype: DType.Float64);
        var c = Op.MatMul(a, b).ToDoubleArray();
        var ad = a.ToDoubleArray();
        var bd = b.ToDoubleArray();
        for (int p = 0; p < 3; p++)
        {
            var (expected, _) = Naive(ad[(p * 20)..((p + 1) * 20)], bd, 5, 6, 4, false, false);
            for (int i = 0; i < 30; i++) Assert.Equal(expected[i], c[p * 30 + i], 1e-12);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Matmul_gradient_matches_finite_differences(bool transA, bool transB)
    {
        var rng = new Rng(11);
        var a = rng.Normal(transA ? new Shape(2, 4, 3) : new Shape(2, 3, 4), dtype: DType.Float64);
        var b = rng.Normal(transB ? new Shape(5, 4) : new Shape(4, 5), dtype: DType.Float64);
        var r = GradCheck.Run(x => Op.MatMul(x[0], x[1], transA, transB), [a, b]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Matmul_backward_gives_no_gradient_to_an_operand_that_needs_none()
    {
        // L = Σ x·w with only w a parameter: ∂L/∂w[p, j] = Σ_i x[i, p]; x (the data) gets nothing
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var w = Tensor.FromArray(new double[,] { { 1, -1 }, { 2, 0.5 } }).RequireGrad();
        Op.Sum(Op.MatMul(x, w)).Backward();
        Assert.Null(x.Grad);
        Assert.Equal([9.0, 9.0, 12.0, 12.0], w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Stale_values_in_partial_panels_never_reach_the_result()
    {
        // fill this thread's packing buffers with NaN through a product of NaNs, then multiply matrices whose
        // panels are partial (13 rows: 6 + 6 + 1; 20 columns of a wider panel): every entry must still be exact
        var nan = Enumerable.Repeat(float.NaN, 64 * 64).ToArray();
        Gemm.Multiply(nan.AsMemory(), nan.AsMemory(), new float[64 * 64].AsMemory(), 64, 64, 64, false, false);
        foreach (var (transA, transB) in new[] { (false, false), (true, true) })
        {
            var (a, b) = Operands(13, 20, 40, seed: 9);
            var (expected, abs) = Naive(a, b, 13, 20, 40, transA, transB);
            var c = new float[13 * 20];
            Gemm.Multiply(a.Select(x => (float)x).ToArray().AsMemory(), b.Select(x => (float)x).ToArray().AsMemory(), c.AsMemory(),
                13, 20, 40, transA, transB);
            for (int i = 0; i < c.Length; i++)
                Assert.True(Math.Abs(c[i] - expected[i]) <= 2 * 41 * Math.ScaleB(1, -24) * abs[i],
                    $"Gemm after a NaN product: C[{i / 20},{i % 20}] = {c[i]}, naive {expected[i]}");
        }
    }

    [Fact]
    public void A_small_product_allocates_nothing_once_warm()
    {
        // the Q-network's middle layer, 32×64·64×64 (no threads: below the parallel threshold), both paths' sizes
        foreach (var (m, n, k) in new[] { (32, 64, 64), (4, 5, 6) })
        {
            var a = new float[m * k];
            var b = new float[k * n];
            var c = new float[m * n];
            Gemm.Multiply<float>(a, b, c, m, n, k, false, true); // warm: the packing buffers are made here
            long before = GC.GetAllocatedBytesForCurrentThread();
            Gemm.Multiply<float>(a, b, c, m, n, k, false, true);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
