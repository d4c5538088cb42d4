using ILGPU;
using ILGPU.Runtime;
using MachinePerception.Tensors;

namespace MachinePerception.Backends.Cuda;

// Batched matrix product on the device: a tiled GEMM with shared-memory tiles and register blocking.
public sealed partial class CudaBackend
{
    public override void MatMul(Tensor a, Tensor b, Tensor c, int batch, int m, int n, int k, bool transA, bool transB)
    {
        if (a.DType == DType.Float32) MatMul<float, Float32Math>(a, b, c, batch, m, n, k, transA, transB);
        else MatMul<double, Float64Math>(a, b, c, batch, m, n, k, transA, transB);
    }

    void MatMul<T, TMath>(Tensor a, Tensor b, Tensor c, int batch, int m, int n, int k, bool transA, bool transB)
        where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        if (c.Size == 0) return;
        // a batch of one is broadcast over the others (stride 0 between batches)
        var args = new GemmArgs<T>(View<T>(a), View<T>(b), View<T>(c), batch, m, n, k,
            a.Size > m * k ? m * k : 0, b.Size > k * n ? k * n : 0, transA, transB);
        if (useLargeTile) kernels.Launch(GemmKernels.Gemm<T, TMath, LargeTile>, GemmKernels.Config<LargeTile>(m, n, batch), args);
        else kernels.Launch(GemmKernels.Gemm<T, TMath, SmallTile>, GemmKernels.Config<SmallTile>(m, n, batch), args);
    }
}

/// <summary>
/// Tile sizes of the GEMM as a type, so that ILGPU sees them as constants when it specialises the kernel:
/// a group computes a BM×BN block of C, stepping through K in slices of BK; each thread owns TM×TN outputs.
/// </summary>
public interface IGemmTile
{
    int BM { get; }
    int BN { get; }
    int BK { get; }
    int TM { get; }
    int TN { get; }
}

/// <summary>
/// The GPU tile: 128×128 outputs per group of 256 threads, 8×8 per thread. Each slice of K moves
/// (128 + 128)·8 numbers into shared memory and does 128·128·8 multiply-adds: 64 per shared number loaded,
/// and each thread does 8·8 multiply-adds per 8 + 8 shared reads, so arithmetic, not memory, bounds it.
/// </summary>
public readonly struct LargeTile : IGemmTile
{
    public const int Threads = 256;
    public int BM => 128;
    public int BN => 128;
    public int BK => 8;
    public int TM => 8;
    public int TN => 8;
}

/// <summary>The test tile: 8×8 outputs per group of 16 threads, 2×2 per thread (ILGPU's CPU accelerator at tiny sizes).</summary>
public readonly struct SmallTile : IGemmTile
{
    public const int Threads = 16;
    public int BM => 8;
    public int BN => 8;
    public int BK => 4;
    public int TM => 2;
    public int TN => 2;
}

/// <summary>c[z] = op(a[z])·op(b[z]); strides between batches are 0 for a broadcast operand.</summary>
public readonly record struct GemmArgs<T>(ArrayView<T> A, ArrayView<T> B, ArrayView<T> C, int Batch, int M, int N, int K,
    int BatchStrideA, int BatchStrideB, bool TransA, bool TransB) where T : unmanaged;

/// <summary>The tiled matrix-multiply kernel.</summary>
public static class GemmKernels
{
    /// <summary>One group per BM×BN block of C: grid (⌈N/BN⌉, ⌈M/BM⌉, batches), capped so the z axis fits a launch.</summary>
    public static KernelConfig Config<TTile>(int m, int n, int batch) where TTile : struct, IGemmTile
    {
        var t = default(TTile);
        return new KernelConfig(
            new Index3D((n + t.BN - 1) / t.BN, (m + t.BM - 1) / t.BM, Math.Min(batch, 65535)),
            new Index3D(t.BM / t.TM * (t.BN / t.TN), 1, 1));
    }

    [Kernel]
    public static void Gemm<T, TMath, TTile>(GemmArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T> where TTile : struct, IGemmTile
    {
        var m = default(TMath);
        var tile = default(TTile);
        int bm = tile.BM, bn = tile.BN, bk = tile.BK, tm = tile.TM, tn = tile.TN;
        // slices of A and B, stored k-major (As[kk·BM + i], Bs[kk·BN + j]) so the inner loop reads along rows
        var As = SharedMemory.Allocate<T>(tile.BM * tile.BK);
        var Bs = SharedMemory.Allocate<T>(tile.BK * tile.BN);
        // this thread's TM×TN block of C and one column of A / row of B, in registers
        var acc = LocalMemory.Allocate<T>(tile.TM * tile.TN);
        var aReg = LocalMemory.Allocate<T>(tile.TM);
        var bReg = LocalMemory.Allocate<T>(tile.TN);

        int threads = Group.DimX, tid = Group.IdxX;
        int ty = tid / (bn / tn), tx = tid % (bn / tn);
        int row0 = Grid.IdxY * bm, col0 = Grid.IdxX * bn;

        for (int z = Grid.IdxZ; z < p.Batch; z += Grid.DimZ)
        {
            int aBase = z * p.BatchStrideA, bBase = z * p.BatchStrideB, cBase = z * p.M * p.N;
            for (int r = 0; r < tm * tn; r++) acc[r] = m.Zero;

            for (int k0 = 0; k0 < p.K; k0 += bk)
            {
                // load the slices; consecutive threads read consecutive addresses of the stored layout (coalesced)
                for (int e = tid; e < bm * bk; e += threads)
                {
                    int i = p.TransA ? e % bm : e / bk, kk = p.TransA ? e / bm : e % bk;
                    int gi = row0 + i, gk = k0 + kk;
                    As[kk * bm + i] = gi < p.M && gk < p.K ? p.A[aBase + (p.TransA ? gk * p.M + gi : gi * p.K + gk)] : m.Zero;
                }
                for (int e = tid; e < bk * bn; e += threads)
                {
                    int j = p.TransB ? e / bk : e % bn, kk = p.TransB ? e % bk : e / bn;
                    int gj = col0 + j, gk = k0 + kk;
                    Bs[kk * bn + j] = gj < p.N && gk < p.K ? p.B[bBase + (p.TransB ? gj * p.K + gk : gk * p.N + gj)] : m.Zero;
                }
                Group.Barrier();

                // the outer product of a column of A and a row of B, BK times (register blocking)
                for (int kk = 0; kk < bk; kk++)
                {
                    for (int r = 0; r < tm; r++) aReg[r] = As[kk * bm + ty * tm + r];
                    for (int c = 0; c < tn; c++) bReg[c] = Bs[kk * bn + tx * tn + c];
                    for (int r = 0; r < tm; r++)
                        for (int c = 0; c < tn; c++)
                            acc[r * tn + c] = m.MulAdd(aReg[r], bReg[c], acc[r * tn + c]);
                }
                Group.Barrier(); // the next slice may overwrite the tiles only after everyone has used them
            }

            for (int r = 0; r < tm; r++)
            {
                int gi = row0 + ty * tm + r;
                for (int c = 0; c < tn; c++)
                {
                    int gj = col0 + tx * tn + c;
                    if (gi < p.M && gj < p.N) p.C[cBase + gi * p.N + gj] = acc[r * tn + c];
                }
            }
        }
    }
}
