using MachinePerception.Ops;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

public static partial class OpTable
{
    /// <summary>c[p, i, j] = Σ_k A[p, i, k] B[p, k, j] with triple loops, for matrices or batches (a batch of 1 is shared).</summary>
    static Nd RefMatMul(Nd a, Nd b, bool transA, bool transB)
    {
        // element (i, j) of op(t) in batch p
        static double At(Nd t, int p, int i, int j, bool trans)
        {
            var (r, c) = trans ? (j, i) : (i, j);
            return t.Rank == 2 ? t[r, c] : t[t.Shape[0] == 1 ? 0 : p, r, c];
        }
        int batch = Math.Max(a.Rank == 3 ? a.Shape[0] : 1, b.Rank == 3 ? b.Shape[0] : 1);
        int m = transA ? a.Shape[^1] : a.Shape[^2], k = transA ? a.Shape[^2] : a.Shape[^1];
        int n = transB ? b.Shape[^2] : b.Shape[^1];
        bool batched = a.Rank == 3 || b.Rank == 3;
        var y = batched ? Nd.Zeros(batch, m, n) : Nd.Zeros(m, n);
        for (int p = 0; p < batch; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int q = 0; q < k; q++) s += At(a, p, i, q, transA) * At(b, p, q, j, transB);
                    if (batched) y[p, i, j] = s; else y[i, j] = s;
                }
        return y;
    }

    static IEnumerable<OpCase> MatMuls()
    {
        static OpCase M(string name, int[] sa, int[] sb, bool ta = false, bool tb = false) =>
            new(name, S(sa, sb), x => Op.MatMul(x[0], x[1], ta, tb), r => RefMatMul(r[0], r[1], ta, tb)) { Float32Tolerance = 1e-5, Float64Tolerance = 1e-12 };

        yield return M("matmul", [3, 4], [4, 5]) with { SecondOrder = true };
        yield return M("matmul_transA", [4, 3], [4, 5], ta: true) with { SecondOrder = true };
        yield return M("matmul_transB", [3, 4], [5, 4], tb: true) with { SecondOrder = true };
        yield return M("matmul_transAB", [4, 3], [5, 4], ta: true, tb: true) with { SecondOrder = true };
        yield return M("matmul_batched", [2, 3, 4], [2, 4, 5]) with { SecondOrder = true };
        yield return M("matmul_batched_shared_right", [2, 3, 4], [4, 5]);
        yield return M("matmul_batched_shared_left", [3, 4], [2, 4, 5]);
        yield return M("matmul_batch_of_one", [1, 3, 4], [2, 4, 5], tb: false);
        yield return M("matmul_batched_transB", [2, 3, 4], [2, 5, 4], tb: true);
        // a larger product runs the packed kernel past its tile edges
        yield return M("matmul_large", [37, 65], [65, 19]) with { Gradient = false, Float32Tolerance = 1e-5 };
        // vectors: a row on the left, a column on the right
        yield return new OpCase("matmul_vector_matrix", S([4], [4, 5]), x => Op.MatMul(x[0], x[1]),
            r => new Nd([5], RefMatMul(r[0].Reshape(1, 4), r[1], false, false).Data)) { Float32Tolerance = 1e-5, Float64Tolerance = 1e-12, SecondOrder = true };
        yield return new OpCase("matmul_matrix_vector", S([3, 4], [4]), x => Op.MatMul(x[0], x[1]),
            r => new Nd([3], RefMatMul(r[0], r[1].Reshape(4, 1), false, false).Data)) { Float32Tolerance = 1e-5, Float64Tolerance = 1e-12 };
        // a linear layer's x·wᵀ + b, the bias added to the product in place
        yield return new OpCase("linear", S([3, 4], [5, 4], [5]), x => Op.Linear(x[0], x[1], x[2]), r =>
        {
            var y = RefMatMul(r[0], r[1], false, true);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++) y[i, j] += r[2][j];
            return y;
        }) { Float32Tolerance = 1e-5, Float64Tolerance = 1e-12, SecondOrder = true };
        yield return new OpCase("linear_no_bias", S([3, 4], [5, 4]), x => Op.Linear(x[0], x[1]), r => RefMatMul(r[0], r[1], false, true))
            { Float32Tolerance = 1e-5, Float64Tolerance = 1e-12, SecondOrder = true };
        yield return new OpCase("matmul_dot", S([4], [4]), x => Op.MatMul(x[0], x[1]),
            r => new Nd([], RefMatMul(r[0].Reshape(1, 4), r[1].Reshape(4, 1), false, false).Data)) { Float32Tolerance = 1e-5, Float64Tolerance = 1e-12 };
    }
}
