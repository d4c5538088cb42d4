using System.Runtime.InteropServices;

namespace MachinePerception.Benchmarks;

/// <summary>
/// The reference: OpenBLAS's single-precision GEMM through its C interface (Debian's libopenblas0-pthread).
/// <para>
/// OpenBLAS 0.3.21 picks its kernels by CPU model when it loads, and does not know this AMD CPU's AVX-512, so it
/// falls back to AVX2 kernels (≈30% slower). <c>OPENBLAS_CORETYPE=SkylakeX</c> makes it use its AVX-512 kernels;
/// we set it (unless the user set it, and only on a CPU with AVX-512: elsewhere those kernels die of an illegal
/// instruction) before the library loads. .NET keeps its own copy of the environment, so the
/// variable is set with libc's setenv, which is what OpenBLAS reads.
/// </para>
/// </summary>
static class OpenBlas
{
    const string Library = "libopenblas.so.0";
    static readonly string[] Paths =
        ["/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", Library];

    public static readonly string? MissingReason = Load();

    public static string Description => MissingReason is null
        ? $"OpenBLAS {Marshal.PtrToStringAnsi(openblas_get_config())} (OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE")}, core {Marshal.PtrToStringAnsi(openblas_get_corename())}, {openblas_get_num_threads()} threads)"
        : $"none ({MissingReason})";

    static string? Load()
    {
        if (Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is null && System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
            Environment.SetEnvironmentVariable("OPENBLAS_CORETYPE", "SkylakeX");
        }
        foreach (var path in Paths)
            if (NativeLibrary.TryLoad(path, out var handle))
            {
                NativeLibrary.SetDllImportResolver(typeof(OpenBlas).Assembly,
                    (name, _, _) => name == Library ? handle : IntPtr.Zero);
                return null;
            }
        return $"{Library} not found (install libopenblas0-pthread)";
    }

    public enum Layout { RowMajor = 101 }
    public enum Transpose { No = 111, Yes = 112 }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    static extern int setenv(string name, string value, int overwrite);

    [DllImport(Library)] static extern IntPtr openblas_get_config();
    [DllImport(Library)] static extern IntPtr openblas_get_corename();
    [DllImport(Library)] static extern int openblas_get_num_threads();
    [DllImport(Library)] static extern void openblas_set_num_threads(int threads);

    public static void SetThreads(int threads)
    {
        if (MissingReason is null) openblas_set_num_threads(threads);
    }

    [DllImport(Library)]
    static extern unsafe void cblas_sgemm(Layout layout, Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    /// <summary>c ← alpha·op(a)·op(b) + beta·c, row-major with packed leading dimensions (as <see cref="Backends.Gemm"/>).</summary>
    public static unsafe void Sgemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transA = false, bool transB = false, float beta = 0)
    {
        fixed (float* pa = a, pb = b, pc = c)
            cblas_sgemm(Layout.RowMajor, transA ? Transpose.Yes : Transpose.No, transB ? Transpose.Yes : Transpose.No,
                m, n, k, 1f, pa, transA ? m : k, pb, transB ? k : n, beta, pc, n);
    }
}
