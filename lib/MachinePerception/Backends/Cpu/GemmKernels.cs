using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MachinePerception.Backends;

/// <summary>
/// The register-blocked micro-kernel of <see cref="Gemm"/>: an MR×NR tile of C, MR = 6 rows by NR = two SIMD
/// vectors, is held in 12 vector registers while k runs; each step loads two vectors of the packed B panel,
/// broadcasts six values of the packed A panel and issues 12 fused multiply-adds (12·2·NR flops per 8 loads).
/// One version for 512-bit vectors (AVX-512: NR = 32 floats or 16 doubles) and one for 256-bit (AVX2: NR = 16
/// or 8); CPUs with neither take <see cref="Gemm"/>'s direct loop.
/// </summary>
static unsafe class GemmKernels
{
    public const int MR = 6;

    public static bool IsAccelerated => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    /// <summary>Width of a B panel: two of the widest hardware vectors.</summary>
    public static int NR<T>() => 2 * (Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256<T>.Count);

    /// <summary>
    /// tile(MR×NR, row stride ldc) ← [tile +] Σ_{p&lt;kc} a[p]ᵀ b[p], where a[p] is the MR-vector at a + p·MR and
    /// b[p] the NR-vector at b + p·ldb (ldb = NR for a packed panel, B's row length when B is read in place).
    /// With <paramref name="first"/> the tile is overwritten, otherwise added to.
    /// </summary>
    public static void MicroKernel<T>(T* a, T* b, int ldb, int kc, T* c, int ldc, bool first) where T : unmanaged
    {
        if (Vector512.IsHardwareAccelerated) MicroKernel512(a, b, ldb, kc, c, ldc, first);
        else MicroKernel256(a, b, ldb, kc, c, ldc, first);
    }

    static void MicroKernel512<T>(T* a, T* b, int ldb, int kc, T* c, int ldc, bool first) where T : unmanaged
    {
        int V = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
                     c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + V);
            var ai = Vector512.Create(a[0]); c00 = Fma(ai, b0, c00); c01 = Fma(ai, b1, c01);
            ai = Vector512.Create(a[1]); c10 = Fma(ai, b0, c10); c11 = Fma(ai, b1, c11);
            ai = Vector512.Create(a[2]); c20 = Fma(ai, b0, c20); c21 = Fma(ai, b1, c21);
            ai = Vector512.Create(a[3]); c30 = Fma(ai, b0, c30); c31 = Fma(ai, b1, c31);
            ai = Vector512.Create(a[4]); c40 = Fma(ai, b0, c40); c41 = Fma(ai, b1, c41);
            ai = Vector512.Create(a[5]); c50 = Fma(ai, b0, c50); c51 = Fma(ai, b1, c51);
        }
        Store(c, V, c00, c01, first); c += ldc;
        Store(c, V, c10, c11, first); c += ldc;
        Store(c, V, c20, c21, first); c += ldc;
        Store(c, V, c30, c31, first); c += ldc;
        Store(c, V, c40, c41, first); c += ldc;
        Store(c, V, c50, c51, first);
    }

    static void MicroKernel256<T>(T* a, T* b, int ldb, int kc, T* c, int ldc, bool first) where T : unmanaged
    {
        int V = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
                     c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += ldb)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + V);
            var ai = Vector256.Create(a[0]); c00 = Fma(ai, b0, c00); c01 = Fma(ai, b1, c01);
            ai = Vector256.Create(a[1]); c10 = Fma(ai, b0, c10); c11 = Fma(ai, b1, c11);
            ai = Vector256.Create(a[2]); c20 = Fma(ai, b0, c20); c21 = Fma(ai, b1, c21);
            ai = Vector256.Create(a[3]); c30 = Fma(ai, b0, c30); c31 = Fma(ai, b1, c31);
            ai = Vector256.Create(a[4]); c40 = Fma(ai, b0, c40); c41 = Fma(ai, b1, c41);
            ai = Vector256.Create(a[5]); c50 = Fma(ai, b0, c50); c51 = Fma(ai, b1, c51);
        }
        Store(c, V, c00, c01, first); c += ldc;
        Store(c, V, c10, c11, first); c += ldc;
        Store(c, V, c20, c21, first); c += ldc;
        Store(c, V, c30, c31, first); c += ldc;
        Store(c, V, c40, c41, first); c += ldc;
        Store(c, V, c50, c51, first);
    }

    /// <summary>
    /// The same tile product with B's rows found through a table: b[p] is the NR-vector at b + rows[p]. The
    /// convolutions (<see cref="CpuBackend"/>) read their input this way, each row of the implicit im2col matrix
    /// being a shifted window of the padded image, so B is neither copied nor packed.
    /// </summary>
    public static void MicroKernelRows<T>(T* a, T* b, int* rows, int kc, T* c, int ldc, bool first) where T : unmanaged
    {
        if (Vector512.IsHardwareAccelerated) MicroKernelRows512(a, b, rows, kc, c, ldc, first);
        else MicroKernelRows256(a, b, rows, kc, c, ldc, first);
    }

    static void MicroKernelRows512<T>(T* a, T* b, int* rows, int kc, T* c, int ldc, bool first) where T : unmanaged
    {
        int V = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
                     c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR)
        {
            T* bp = b + rows[p];
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + V);
            var ai = Vector512.Create(a[0]); c00 = Fma(ai, b0, c00); c01 = Fma(ai, b1, c01);
            ai = Vector512.Create(a[1]); c10 = Fma(ai, b0, c10); c11 = Fma(ai, b1, c11);
            ai = Vector512.Create(a[2]); c20 = Fma(ai, b0, c20); c21 = Fma(ai, b1, c21);
            ai = Vector512.Create(a[3]); c30 = Fma(ai, b0, c30); c31 = Fma(ai, b1, c31);
            ai = Vector512.Create(a[4]); c40 = Fma(ai, b0, c40); c41 = Fma(ai, b1, c41);
            ai = Vector512.Create(a[5]); c50 = Fma(ai, b0, c50); c51 = Fma(ai, b1, c51);
        }
        Store(c, V, c00, c01, first); c += ldc;
        Store(c, V, c10, c11, first); c += ldc;
        Store(c, V, c20, c21, first); c += ldc;
        Store(c, V, c30, c31, first); c += ldc;
        Store(c, V, c40, c41, first); c += ldc;
        Store(c, V, c50, c51, first);
    }

    static void MicroKernelRows256<T>(T* a, T* b, int* rows, int kc, T* c, int ldc, bool first) where T : unmanaged
    {
        int V = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
                     c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR)
        {
            T* bp = b + rows[p];
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + V);
            var ai = Vector256.Create(a[0]); c00 = Fma(ai, b0, c00); c01 = Fma(ai, b1, c01);
            ai = Vector256.Create(a[1]); c10 = Fma(ai, b0, c10); c11 = Fma(ai, b1, c11);
            ai = Vector256.Create(a[2]); c20 = Fma(ai, b0, c20); c21 = Fma(ai, b1, c21);
            ai = Vector256.Create(a[3]); c30 = Fma(ai, b0, c30); c31 = Fma(ai, b1, c31);
            ai = Vector256.Create(a[4]); c40 = Fma(ai, b0, c40); c41 = Fma(ai, b1, c41);
            ai = Vector256.Create(a[5]); c50 = Fma(ai, b0, c50); c51 = Fma(ai, b1, c51);
        }
        Store(c, V, c00, c01, first); c += ldc;
        Store(c, V, c10, c11, first); c += ldc;
        Store(c, V, c20, c21, first); c += ldc;
        Store(c, V, c30, c31, first); c += ldc;
        Store(c, V, c40, c41, first); c += ldc;
        Store(c, V, c50, c51, first);
    }

    // a row of the tile: overwrite on the first k-block, add on later ones (C rows need not be aligned)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store<T>(T* c, int V, Vector512<T> s0, Vector512<T> s1, bool first) where T : unmanaged
    {
        if (!first) { s0 += Vector512.Load(c); s1 += Vector512.Load(c + V); }
        s0.Store(c); s1.Store(c + V);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store<T>(T* c, int V, Vector256<T> s0, Vector256<T> s1, bool first) where T : unmanaged
    {
        if (!first) { s0 += Vector256.Load(c); s1 += Vector256.Load(c + V); }
        s0.Store(c); s1.Store(c + V);
    }

    // Fused multiply-add x·y + z with one rounding. The vector APIs have float and double overloads only;
    // the typeof tests are constants for the JIT, so each instantiation compiles to a single instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z) where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> z) where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fma<T>(Vector<T> x, Vector<T> y, Vector<T> z) where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Vector.FusedMultiplyAdd(Vector.AsVectorSingle(x), Vector.AsVectorSingle(y), Vector.AsVectorSingle(z)).As<float, T>()
            : Vector.FusedMultiplyAdd(Vector.AsVectorDouble(x), Vector.AsVectorDouble(y), Vector.AsVectorDouble(z)).As<double, T>();
}
