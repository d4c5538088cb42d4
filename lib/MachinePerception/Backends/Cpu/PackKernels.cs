using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MachinePerception.Backends;

/// <summary>
/// The float32 fast paths of <see cref="Gemm.Pack{T}"/> for whole panels (AVX). Packing runs once per panel of A or
/// block of B, and with a short k it costs as much as the product: for the MLP's 4096×128·128×128 products the scalar
/// loops took a third of the time. Gathering rows (each row contiguous along k) is done as 8×8 transposes in
/// registers; copying runs (each panel row contiguous) as vector moves without a call per run.
/// </summary>
static unsafe class PackKernels
{
    /// <summary>True when a whole panel of this width can take a fast path.</summary>
    public static bool Handles<T>(int width) =>
        typeof(T) == typeof(float) && Avx.IsSupported && (width == GemmKernels.MR || width % 8 == 0);

    /// <summary>dst[p·width + r] = src[r·rStride + p] for r &lt; width, p &lt; kc (rows contiguous along p).</summary>
    public static void GatherRows(float* src, long rStride, int width, int kc, float* dst)
    {
        int p = 0;
        var zero = Vector256<float>.Zero;
        for (; p + 8 <= kc; p += 8)
            for (int g = 0; g < width; g += 8)
            {
                float* s = src + g * rStride + p;
                int rows = Math.Min(8, width - g);
                var r0 = Avx.LoadVector256(s);
                var r1 = rows > 1 ? Avx.LoadVector256(s + rStride) : zero;
                var r2 = rows > 2 ? Avx.LoadVector256(s + 2 * rStride) : zero;
                var r3 = rows > 3 ? Avx.LoadVector256(s + 3 * rStride) : zero;
                var r4 = rows > 4 ? Avx.LoadVector256(s + 4 * rStride) : zero;
                var r5 = rows > 5 ? Avx.LoadVector256(s + 5 * rStride) : zero;
                var r6 = rows > 6 ? Avx.LoadVector256(s + 6 * rStride) : zero;
                var r7 = rows > 7 ? Avx.LoadVector256(s + 7 * rStride) : zero;
                Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                float* d = dst + p * width + g;
                if (rows == 8)
                {
                    Avx.Store(d, r0); Avx.Store(d + width, r1); Avx.Store(d + 2 * width, r2); Avx.Store(d + 3 * width, r3);
                    Avx.Store(d + 4 * width, r4); Avx.Store(d + 5 * width, r5); Avx.Store(d + 6 * width, r6); Avx.Store(d + 7 * width, r7);
                }
                else
                {
                    // a panel of six rows (MR): the first six lanes of each column
                    Store6(d, r0); Store6(d + width, r1); Store6(d + 2 * width, r2); Store6(d + 3 * width, r3);
                    Store6(d + 4 * width, r4); Store6(d + 5 * width, r5); Store6(d + 6 * width, r6); Store6(d + 7 * width, r7);
                }
            }
        for (; p < kc; p++)
            for (int r = 0; r < width; r++) dst[p * width + r] = src[r * rStride + p];
    }

    /// <summary>
    /// dst[p·width + r] = src[offsets[r] + p] for r &lt; width (a multiple of 8), p &lt; kc: rows that start anywhere (the
    /// shifted windows of a convolution's kernel gradient), transposed eight at a time.
    /// </summary>
    public static void GatherWindows(float* src, int* offsets, int width, int kc, float* dst)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
            for (int g = 0; g < width; g += 8)
            {
                int* o = offsets + g;
                var r0 = Avx.LoadVector256(src + o[0] + p); var r1 = Avx.LoadVector256(src + o[1] + p);
                var r2 = Avx.LoadVector256(src + o[2] + p); var r3 = Avx.LoadVector256(src + o[3] + p);
                var r4 = Avx.LoadVector256(src + o[4] + p); var r5 = Avx.LoadVector256(src + o[5] + p);
                var r6 = Avx.LoadVector256(src + o[6] + p); var r7 = Avx.LoadVector256(src + o[7] + p);
                Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                float* d = dst + p * width + g;
                Avx.Store(d, r0); Avx.Store(d + width, r1); Avx.Store(d + 2 * width, r2); Avx.Store(d + 3 * width, r3);
                Avx.Store(d + 4 * width, r4); Avx.Store(d + 5 * width, r5); Avx.Store(d + 6 * width, r6); Avx.Store(d + 7 * width, r7);
            }
        for (; p < kc; p++)
            for (int r = 0; r < width; r++) dst[p * width + r] = src[offsets[r] + p];
    }

    /// <summary>dst[p·width + r] = src[p·pStride + r] for r &lt; width, p &lt; kc (each panel row a contiguous run).</summary>
    public static void CopyRuns(float* src, long pStride, int width, int kc, float* dst)
    {
        if (width == 6)
        {
            // two overlapping 4-wide moves cover the six values
            for (int p = 0; p < kc; p++, src += pStride, dst += 6)
            {
                Sse.Store(dst, Sse.LoadVector128(src));
                Sse.Store(dst + 2, Sse.LoadVector128(src + 2));
            }
            return;
        }
        for (int p = 0; p < kc; p++, src += pStride, dst += width)
            for (int r = 0; r < width; r += 8) Avx.Store(dst + r, Avx.LoadVector256(src + r));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store6(float* d, Vector256<float> v)
    {
        Sse.Store(d, v.GetLower());
        Sse.StoreLow(d + 4, v.GetUpper()); // lanes 4 and 5
    }

    /// <summary>In-register transpose: afterwards r_q holds lane q of the eight inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(s0, s4, 0x20); r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20); r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31); r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31); r7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
