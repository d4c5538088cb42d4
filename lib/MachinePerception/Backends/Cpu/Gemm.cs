using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MachinePerception.Backends;

/// <summary>
/// General matrix multiply C = op(A)·op(B) on the CPU, row-major, float or double: the kernel under every
/// matrix product, linear layer and (through im2col) convolution of the book.
/// <para>
/// Large products follow the Goto/BLIS scheme: B is copied ("packed") block by block into panels NR columns
/// wide, A into micro-panels MR rows tall, and a register-blocked micro-kernel (<see cref="GemmKernels"/>)
/// keeps an MR×NR tile of C in vector registers while it streams both panels. Packing is where the transposes
/// are handled, so no transposed copy of a whole matrix is ever made. Small products stay cheap: below
/// 2^20 multiply-adds no thread is woken, a small plain B is read in place instead of packed, the packing
/// buffers are reused (no allocation per call), and the tiniest products (≤ 2048 multiply-adds, or a CPU
/// without SIMD) take a direct loop.
/// </para>
/// <para>
/// Deterministic: every entry of C is summed over k in the same order (fixed KC blocks, in order, each summed
/// p = 0, 1, … by fused multiply-adds) whatever the number of threads, because threads only split C into
/// disjoint blocks of rows or columns.
/// </para>
/// </summary>
public static class Gemm
{
    // Below this many multiply-adds the direct loop wins: packing costs more than it saves. Measured on one core:
    // 2·3·4 takes 0.07 µs direct vs 0.15 µs packed, 8·8·8 0.17 vs 0.29, but 16·16·16 0.98 vs 0.70 and
    // 32·64·64 9.5 vs 5.0: the packed kernel wins as soon as there is a tile's worth of work.
    const long DirectMaxMultiplyAdds = 2048;

    // Above this many multiply-adds (≈ 20 µs on one core) the product is split over cores; below it, waking a
    // second core costs about as much as it saves.
    const long ParallelMinMultiplyAdds = 1 << 20;

    /// <summary>
    /// c ← op(a)·op(b) with op(a) m×k and op(b) k×n. a holds A as [m, k] (or [k, m] when <paramref name="transA"/>),
    /// b holds B as [k, n] (or [n, k] when <paramref name="transB"/>), c receives [m, n]; all row-major and contiguous.
    /// Large products run on up to <see cref="CpuParallel.MaxThreads"/> cores unless <paramref name="parallel"/> is false.
    /// </summary>
    public static void Multiply<T>(Memory<T> a, Memory<T> b, Memory<T> c, int m, int n, int k, bool transA, bool transB, bool parallel = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"Gemm: element type {typeof(T).Name}; only float and double are supported");
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"Gemm: negative size m={m}, n={n}, k={k}");
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException(
                $"Gemm: buffers too short for m={m}, n={n}, k={k}: a has {a.Length} (needs {(long)m * k}), " +
                $"b has {b.Length} (needs {(long)k * n}), c has {c.Length} (needs {(long)m * n})");
        if (m == 0 || n == 0) return;
        if (k == 0) { c.Span[..(m * n)].Clear(); return; }

        // where element (i, p) of op(A) and (p, j) of op(B) sit: row stride and column stride of each
        var A = new Strided<T>(a, transA ? 1 : k, transA ? m : 1);
        var B = new Strided<T>(b, transB ? 1 : n, transB ? k : 1);
        long work = (long)m * n * k;
        if (work <= DirectMaxMultiplyAdds || !GemmKernels.IsAccelerated)
        {
            DirectMultiply(A, B, c.Span, m, n, k);
            return;
        }

        bool split = parallel && work >= ParallelMinMultiplyAdds && CpuParallel.MaxThreads > 1;
        var C = new Strided<T>(c, n, 1);
        if (n < GemmKernels.NR<T>() / 2 && m > n)
        {
            // A narrow C (a layer with a few outputs) would fill a fraction of each NR-wide tile. Compute
            // Cᵀ = op(B)ᵀ·op(A)ᵀ instead: only the views swap (no copy), and each entry is still the same
            // chain of fused multiply-adds over p, so the bits are those of the direct orientation.
            BlockedMultiply(B.Transposed, A.Transposed, C.Transposed, n, m, k, split);
            return;
        }
        BlockedMultiply(A, B, C, m, n, k, split);
    }

    /// <summary>The blocked path, on this thread or split over cores.</summary>
    static void BlockedMultiply<T>(Strided<T> A, Strided<T> B, Strided<T> C, int m, int n, int k, bool parallel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (parallel) SplitOverCores(A, B, C, m, n, k);
        else BlockedMultiply(A, B, C, 0, m, 0, n, k);
    }

    /// <summary>C split into bands of whole micro-tiles, one band per core: columns when C is wide, rows when it is tall.</summary>
    static void SplitOverCores<T>(Strided<T> A, Strided<T> B, Strided<T> C, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = GemmKernels.MR, nr = GemmKernels.NR<T>();
        bool byColumns = n >= m;
        int unit = byColumns ? nr : mr;
        int units = ((byColumns ? n : m) + unit - 1) / unit;
        void Band(int u0, int u1)
        {
            int lo = u0 * unit, hi = Math.Min(u1 * unit, byColumns ? n : m);
            if (byColumns) BlockedMultiply(A, B, C, 0, m, lo, hi, k);
            else BlockedMultiply(A, B, C, lo, hi, 0, n, k);
        }
        CpuParallel.For(units, 1, Band, threshold: 0);
    }

    /// <summary>A matrix view: element (i, j) is Data[i·RowStride + j·ColStride].</summary>
    readonly record struct Strided<T>(Memory<T> Data, int RowStride, int ColStride)
    {
        /// <summary>The transposed matrix, same memory.</summary>
        public Strided<T> Transposed => new(Data, ColStride, RowStride);
    }

    // ---------- the direct path (small products) ----------

    /// <summary>
    /// c[i, :] = Σ_p A[i, p] · B[p, :] row by row with SIMD along the row: no packing, no threads. A transposed B
    /// is first copied to its plain layout (it is small here) so that rows of B are contiguous.
    /// </summary>
    static void DirectMultiply<T>(Strided<T> A, Strided<T> B, Span<T> c, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> a = A.Data.Span, b = B.Data.Span;
        if (B.ColStride != 1)
        {
            var plain = PackingBuffers<T>.Direct(k * n);
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++)
                    plain[p * n + j] = b[p * B.RowStride + j * B.ColStride];
            b = plain[..(k * n)];
        }
        int V = Vector<T>.Count;
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            int j = 0;
            // four vectors of the row at once: four independent FMA chains hide the FMA latency
            for (; j + 4 * V <= n; j += 4 * V)
            {
                Vector<T> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = 0; p < k; p++)
                {
                    var aip = new Vector<T>(a[i * A.RowStride + p * A.ColStride]);
                    var bp = b.Slice(p * n + j);
                    s0 = GemmKernels.Fma(aip, new Vector<T>(bp), s0);
                    s1 = GemmKernels.Fma(aip, new Vector<T>(bp[V..]), s1);
                    s2 = GemmKernels.Fma(aip, new Vector<T>(bp[(2 * V)..]), s2);
                    s3 = GemmKernels.Fma(aip, new Vector<T>(bp[(3 * V)..]), s3);
                }
                s0.CopyTo(row[j..]); s1.CopyTo(row[(j + V)..]); s2.CopyTo(row[(j + 2 * V)..]); s3.CopyTo(row[(j + 3 * V)..]);
            }
            for (; j + V <= n; j += V)
            {
                Vector<T> s = default;
                for (int p = 0; p < k; p++)
                    s = GemmKernels.Fma(new Vector<T>(a[i * A.RowStride + p * A.ColStride]), new Vector<T>(b.Slice(p * n + j)), s);
                s.CopyTo(row[j..]);
            }
            for (; j < n; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++) s = T.FusedMultiplyAdd(a[i * A.RowStride + p * A.ColStride], b[p * n + j], s);
                row[j] = s;
            }
        }
    }

    // ---------- the blocked path (large products) ----------

    // Block sizes (in elements), tuned on this book's reference CPU (AMD EPYC with AVX-512: 32 KB L1d and 1 MB L2
    // per core, 32 MB shared L3). The micro-kernel streams a KC×NR panel of B (64 KB at KC = 512 floats, NR = 32)
    // from L2 against an MR×KC panel of A; the MC×KC block of A (192 KB) stays in L2, the KC×NC block of B (4 MB)
    // in L3. A long KC matters most: each k-block reads and writes all of C once more. Measured single-threaded
    // at n = 1024: KC = 128 → 73 GFLOP/s, 256 → 84, 512 → 101 (OpenBLAS: 99); MC from 48 to 144 changed < 5%.
    const int KC = 512, MC = 96, NC = 2048;

    // A plain B (rows contiguous) whose KC×NC block has at most this many elements is not packed: the kernel reads
    // its full panels in place (they fit in L2, so the strided rows cost little) and only the last, partial panel is
    // copied. Packing costs a few cycles per element and dominates products with a short k (im2col convolutions:
    // 8×9·9×784 per image); larger blocks are packed so the kernel streams contiguous memory.
    const long InPlaceMaxB = 64 * 1024;

    /// <summary>C[i0:i1, j0:j1] = op(A)[i0:i1, :] · op(B)[:, j0:j1], one thread, the five loops of Goto's algorithm.</summary>
    static unsafe void BlockedMultiply<T>(Strided<T> A, Strided<T> B, Strided<T> C, int i0, int i1, int j0, int j1, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = GemmKernels.MR, nr = GemmKernels.NR<T>();
        var buffers = PackingBuffers<T>.ForThisThread(Math.Min(NC, j1 - j0), nr, MC, mr, Math.Min(KC, k));
        T* tile = stackalloc T[mr * nr];
        long ldc = C.RowStride, cs = C.ColStride;
        bool rowsContiguous = cs == 1; // else (a transposed C) every tile goes through the scratch tile
        fixed (T* a = A.Data.Span, b = B.Data.Span, c = C.Data.Span)
        {
            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    bool first = pc == 0; // the first k-block writes C, later ones add to it: the sum runs over k in order
                    // B's panels run along its columns j (stride ColStride), k along its rows
                    T* bBlock = b + pc * (long)B.RowStride + jc * (long)B.ColStride;
                    int fullPanels = nc / nr * nr;
                    bool inPlace = B.ColStride == 1 && (long)kc * nc <= InPlaceMaxB;
                    if (!inPlace) Pack(bBlock, B.ColStride, B.RowStride, nc, kc, nr, buffers.B);
                    else if (fullPanels < nc) Pack(bBlock + fullPanels, 1, B.RowStride, nc - fullPanels, kc, nr, buffers.B);
                    for (int ic = i0; ic < i1; ic += MC)
                    {
                        int mc = Math.Min(MC, i1 - ic);
                        // A's panels run along its rows i, k along its columns
                        Pack(a + ic * (long)A.RowStride + pc * (long)A.ColStride, A.RowStride, A.ColStride, mc, kc, mr, buffers.A);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int nValid = Math.Min(nr, nc - jr);
                            // a full panel of a small plain B is read where it lies; others come from the packed copy
                            bool direct = inPlace && jr < fullPanels;
                            T* bPanel = direct ? bBlock + jr : buffers.B + (inPlace ? 0 : jr * kc);
                            int ldb = direct ? B.RowStride : nr;
                            for (int ir = 0; ir < mc; ir += mr)
                            {
                                int mValid = Math.Min(mr, mc - ir);
                                T* aPanel = buffers.A + ir * kc;
                                T* cTile = c + (ic + ir) * ldc + (jc + jr) * cs;
                                if (mValid == mr && nValid == nr && rowsContiguous)
                                    GemmKernels.MicroKernel(aPanel, bPanel, ldb, kc, cTile, (int)ldc, first);
                                else
                                {
                                    // an edge tile: the same kernel into a scratch tile, then its valid part is
                                    // added with the same rounding as a full tile
                                    GemmKernels.MicroKernel(aPanel, bPanel, ldb, kc, tile, nr, first: true);
                                    for (int r = 0; r < mValid; r++)
                                        for (int j = 0; j < nValid; j++)
                                        {
                                            ref T cij = ref cTile[r * ldc + j * cs];
                                            cij = first ? tile[r * nr + j] : cij + tile[r * nr + j];
                                        }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs a count×kc block into panels of <paramref name="width"/> (MR rows of A or NR columns of B): panel q
    /// holds entries q·width… of the count axis, stored p after p (width consecutive values per p). Source entry
    /// (r, p) is at src[r·rStride + p·pStride]; the loop order follows whichever stride is 1, so the source is read
    /// in order. A last, partial panel is not padded: its unused slots keep stale values, which only ever reach the
    /// rows or columns of an edge tile that are thrown away (each lane of a vector FMA is independent). For a
    /// narrow B (9 columns in a 32-wide panel) padding would triple the writes.
    /// </summary>
    internal static unsafe void Pack<T>(T* src, long rStride, long pStride, int count, int kc, int width, T* dst) where T : unmanaged
    {
        for (int r0 = 0; r0 < count; r0 += width, dst += width * kc)
        {
            int valid = Math.Min(width, count - r0);
            T* s = src + r0 * rStride;
            if (valid == width && PackKernels.Handles<T>(width) && (rStride == 1 || pStride == 1))
            {
                if (rStride == 1) PackKernels.CopyRuns((float*)s, pStride, width, kc, (float*)dst);
                else PackKernels.GatherRows((float*)s, rStride, width, kc, (float*)dst);
            }
            else if (rStride == 1)
            {
                // runs along the panel are contiguous: copy `valid` values per p
                for (int p = 0; p < kc; p++)
                {
                    new Span<T>(s + p * pStride, valid).CopyTo(new Span<T>(dst + p * width, valid));
                }
            }
            else
            {
                // each r is contiguous along p: read four of them in order and write four adjacent values per p
                int r = 0;
                for (; r + 4 <= valid; r += 4)
                {
                    T* f0 = s + r * rStride, f1 = f0 + rStride, f2 = f1 + rStride, f3 = f2 + rStride;
                    for (int p = 0; p < kc; p++)
                    {
                        T* to = dst + p * width + r;
                        long at = p * pStride;
                        to[0] = f0[at]; to[1] = f1[at]; to[2] = f2[at]; to[3] = f3[at];
                    }
                }
                for (; r < valid; r++)
                {
                    T* from = s + r * rStride, to = dst + r;
                    for (int p = 0; p < kc; p++) to[p * width] = from[p * pStride];
                }
            }
        }
    }
}

/// <summary>
/// Per-thread packing buffers, kept between calls so a product allocates nothing once warm. They are pinned
/// and 64-byte aligned (one cache line, one 512-bit vector) so no vector load of a packed panel splits a cache line.
/// </summary>
static unsafe class PackingBuffers<T> where T : unmanaged
{
    [ThreadStatic] static Buffer? a, b;
    [ThreadStatic] static T[]? direct;

    public readonly struct Pair(T* a, T* b)
    {
        public readonly T* A = a, B = b;
    }

    public static Pair ForThisThread(int nc, int nr, int mc, int mr, int kc)
    {
        int nB = (nc + nr - 1) / nr * nr * kc, nA = (mc + mr - 1) / mr * mr * kc;
        return new Pair(Buffer.AtLeast(ref a, nA), Buffer.AtLeast(ref b, nB));
    }

    public static Span<T> Direct(int length)
    {
        if (direct is null || direct.Length < length) direct = new T[length];
        return direct;
    }

    sealed class Buffer(int length)
    {
        // zeroed at first (later, a slot past a partial panel holds an earlier product's value; see Pack)
        readonly T[] array = GC.AllocateArray<T>(length + 64 / sizeof(T), pinned: true);
        public int Length => length;

        public T* Aligned
        {
            get
            {
                T* p = (T*)Unsafe.AsPointer(ref array[0]);
                return (T*)(((nint)p + 63) & ~(nint)63);
            }
        }

        public static T* AtLeast(ref Buffer? buffer, int length)
        {
            if (buffer is null || buffer.Length < length) buffer = new Buffer(length);
            return buffer.Aligned;
        }
    }
}
