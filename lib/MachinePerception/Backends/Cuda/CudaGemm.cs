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
            a.Size > m * k ? m * k : 0, b.Size > k * n ? k * n : 0, transA ? 1 : 0, transB ? 1 : 0);
        if (useLargeTile) kernels.Launch(GemmKernels.Gemm<T, TMath, LargeTile>, GemmKernels.Config<LargeTile>(m, n, batch), args);
        else kernels.Launch(GemmKernels.Gemm<T, TMath, SmallTile>, GemmKernels.Config<SmallTile>(m, n, batch), args);
    }
}

/// <summary>
/// Tile sizes of the GEMM as a type, so that ILGPU sees them as constants when it specialises the kernel:
/// a group computes a BM×BN block of C, stepping through K in slices of BK; each thread owns an 8×8 block
/// (<see cref="Block8x8{T}"/>), so a group has (BM/8)·(BN/8) threads.
/// </summary>
public interface IGemmTile
{
    int BM { get; }
    int BN { get; }
    int BK { get; }
}

/// <summary>
/// The GPU tile: 128×128 outputs per group of 256 threads. Each slice of K moves (128 + 128)·8 numbers into
/// shared memory for 128·128·8 multiply-adds (64 per number loaded from global memory), and each thread does
/// 8·8 multiply-adds per 8 + 8 shared reads, so arithmetic, not memory traffic, sets the pace.
/// </summary>
public readonly struct LargeTile : IGemmTile
{
    public const int Threads = 256;
    public int BM => 128;
    public int BN => 128;
    public int BK => 8;
}

/// <summary>The test tile: 16×16 outputs per group of 4 threads (ILGPU's CPU accelerator at tiny sizes).</summary>
public readonly struct SmallTile : IGemmTile
{
    public const int Threads = 4;
    public int BM => 16;
    public int BN => 16;
    public int BK => 4;
}

/// <summary>Eight numbers in registers: the part of a column of A (or row of B) that one thread multiplies.</summary>
public struct Eight<T> where T : unmanaged
{
    public T V0, V1, V2, V3, V4, V5, V6, V7;

    /// <summary>s[at], s[at + step], ..., s[at + 7·step].</summary>
    public static Eight<T> Load(ArrayView<T> s, int at, int step) => new()
    {
        V0 = s[at],
        V1 = s[at + step],
        V2 = s[at + 2 * step],
        V3 = s[at + 3 * step],
        V4 = s[at + 4 * step],
        V5 = s[at + 5 * step],
        V6 = s[at + 6 * step],
        V7 = s[at + 7 * step],
    };

    public readonly T this[int i] => i switch { 0 => V0, 1 => V1, 2 => V2, 3 => V3, 4 => V4, 5 => V5, 6 => V6, _ => V7 };

    /// <summary>acc + a·this, elementwise: one row of an outer-product update.</summary>
    public readonly Eight<T> MulAdd<TMath>(T a, Eight<T> acc) where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        return new()
        {
            V0 = m.MulAdd(a, V0, acc.V0),
            V1 = m.MulAdd(a, V1, acc.V1),
            V2 = m.MulAdd(a, V2, acc.V2),
            V3 = m.MulAdd(a, V3, acc.V3),
            V4 = m.MulAdd(a, V4, acc.V4),
            V5 = m.MulAdd(a, V5, acc.V5),
            V6 = m.MulAdd(a, V6, acc.V6),
            V7 = m.MulAdd(a, V7, acc.V7),
        };
    }
}

/// <summary>
/// A thread's 8×8 share of C (rows and columns interleaved across the group), in 64 registers. Written as fields,
/// not an array: ILGPU keeps struct values in registers but puts indexed local arrays in (slow) local memory,
/// which the PTX tests check.
/// </summary>
public struct Block8x8<T> where T : unmanaged
{
    public Eight<T> R0, R1, R2, R3, R4, R5, R6, R7;

    /// <summary>this + a·bᵀ (the rank-1 update of one k step).</summary>
    public readonly Block8x8<T> AddOuterProduct<TMath>(Eight<T> a, Eight<T> b) where TMath : struct, IScalarMath<T> => new()
    {
        R0 = b.MulAdd<TMath>(a.V0, R0),
        R1 = b.MulAdd<TMath>(a.V1, R1),
        R2 = b.MulAdd<TMath>(a.V2, R2),
        R3 = b.MulAdd<TMath>(a.V3, R3),
        R4 = b.MulAdd<TMath>(a.V4, R4),
        R5 = b.MulAdd<TMath>(a.V5, R5),
        R6 = b.MulAdd<TMath>(a.V6, R6),
        R7 = b.MulAdd<TMath>(a.V7, R7),
    };

    public readonly Eight<T> Row(int r) => r switch { 0 => R0, 1 => R1, 2 => R2, 3 => R3, 4 => R4, 5 => R5, 6 => R6, _ => R7 };
}

/// <summary>c[z] = op(a[z])·op(b[z]); strides between batches are 0 for a broadcast operand. Flags are ints (1 = transpose): kernel arguments must be blittable, and bool is not.</summary>
public readonly record struct GemmArgs<T>(ArrayView<T> A, ArrayView<T> B, ArrayView<T> C, int Batch, int M, int N, int K,
    int BatchStrideA, int BatchStrideB, int TransA, int TransB) where T : unmanaged;

/// <summary>The tiled matrix-multiply kernel.</summary>
public static class GemmKernels
{
    /// <summary>One group per BM×BN block of C: grid (⌈N/BN⌉, ⌈M/BM⌉, batches), capped so the z axis fits a launch.</summary>
    public static KernelConfig Config<TTile>(int m, int n, int batch) where TTile : struct, IGemmTile
    {
        var t = default(TTile);
        return new KernelConfig(
            new Index3D((n + t.BN - 1) / t.BN, (m + t.BM - 1) / t.BM, Math.Min(batch, 65535)),
            new Index3D(t.BM / 8 * (t.BN / 8), 1, 1));
    }

    [Kernel]
    public static void Gemm<T, TMath, TTile>(GemmArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T> where TTile : struct, IGemmTile
    {
        var m = default(TMath);
        var tile = default(TTile);
        int bm = tile.BM, bn = tile.BN, bk = tile.BK;
        // slices of A and B, stored k-major (As[kk·lda + i], Bs[kk·ldb + j]): one k step reads a column of As and a
        // row of Bs. Rows are padded by 4 words: loading along a row of A (or of Bᵀ), a warp stores kk = 0..7 of
        // 4 consecutive rows, and a row stride ≡ 4 (mod 32 banks) puts those 32 float words in 32 different banks.
        var As = SharedMemory.Allocate<T>((tile.BM + 4) * tile.BK);
        var Bs = SharedMemory.Allocate<T>(tile.BK * (tile.BN + 4));
        int lda = bm + 4, ldb = bn + 4;

        // thread (ty, tx) owns rows ty + r·BM/8 and columns tx + c·BN/8 (r, c = 0..7): interleaved, not 8 adjacent,
        // so neighbouring threads read neighbouring shared-memory words (no bank conflicts) and write
        // neighbouring columns of C (coalesced stores)
        int threads = Group.DimX, tid = Group.IdxX;
        int ty = tid / (bn / 8), tx = tid % (bn / 8);
        int rowStep = bm / 8, colStep = bn / 8;
        int row0 = Grid.IdxY * bm, col0 = Grid.IdxX * bn;

        for (int z = Grid.IdxZ; z < p.Batch; z += Grid.DimZ)
        {
            int aBase = z * p.BatchStrideA, bBase = z * p.BatchStrideB, cBase = z * p.M * p.N;
            var acc = default(Block8x8<T>);

            for (int k0 = 0; k0 < p.K; k0 += bk)
            {
                // load the slices; consecutive threads read consecutive addresses of the stored layout (coalesced)
                for (int e = tid; e < bm * bk; e += threads)
                {
                    int i = p.TransA != 0 ? e % bm : e / bk, kk = p.TransA != 0 ? e / bm : e % bk;
                    int gi = row0 + i, gk = k0 + kk;
                    As[kk * lda + i] = gi < p.M && gk < p.K ? p.A[aBase + (p.TransA != 0 ? gk * p.M + gi : gi * p.K + gk)] : m.Zero;
                }
                for (int e = tid; e < bk * bn; e += threads)
                {
                    int j = p.TransB != 0 ? e / bk : e % bn, kk = p.TransB != 0 ? e % bk : e / bn;
                    int gj = col0 + j, gk = k0 + kk;
                    Bs[kk * ldb + j] = gj < p.N && gk < p.K ? p.B[bBase + (p.TransB != 0 ? gj * p.K + gk : gk * p.N + gj)] : m.Zero;
                }
                Group.Barrier();

                // C block += (column kk of the A slice) · (row kk of the B slice)ᵀ, for each kk: register blocking
                for (int kk = 0; kk < bk; kk++)
                    acc = acc.AddOuterProduct<TMath>(Eight<T>.Load(As, kk * lda + ty, rowStep), Eight<T>.Load(Bs, kk * ldb + tx, colStep));
                Group.Barrier(); // the next slice may overwrite the tiles only after everyone has used them
            }

            for (int r = 0; r < 8; r++)
            {
                int gi = row0 + ty + r * rowStep;
                if (gi >= p.M) break;
                var row = acc.Row(r);
                for (int c = 0; c < 8; c++)
                {
                    int gj = col0 + tx + c * colStep;
                    if (gj < p.N) p.C[cBase + gi * p.N + gj] = row[c];
                }
            }
        }
    }
}
