using System.Numerics;
using System.Numerics.Tensors;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

// Sliding-window kernels (§11): im2col and its adjoint col2im, max and average pooling.
// Every kernel runs over the N·C planes of x with CpuParallel.For; a plane (n, c) is read and written by
// exactly one chunk, so col2im and the pooling backward never have two threads adding into one element,
// and every sum is taken in the same order on every run.
//
// Along one axis, output position o reads input position i = o·stride − pad + k·dil for tap k. The taps
// that fall inside [0, in) form one contiguous range of o (see ValidRange), so the inner loops carry no
// bounds tests and, for stride 1, become span copies and SIMD adds.
public sealed partial class CpuBackend
{
    public override void Im2Col(Tensor x, Tensor cols, ConvGeometry g)
    {
        if (x.DType == DType.Float32) Im2Col(Data<float>(x), Data<float>(cols), g);
        else Im2Col(Data<double>(x), Data<double>(cols), g);
    }

    public override void Col2Im(Tensor cols, Tensor x, ConvGeometry g)
    {
        if (x.DType == DType.Float32) Col2Im(Data<float>(cols), Data<float>(x), g);
        else Col2Im(Data<double>(cols), Data<double>(x), g);
    }

    public override void MaxPool2d(Tensor x, Tensor y, Tensor argmax, ConvGeometry g)
    {
        if (x.DType == DType.Float32) MaxPool2d(Data<float>(x), Data<float>(y), Data<float>(argmax), g);
        else MaxPool2d(Data<double>(x), Data<double>(y), Data<double>(argmax), g);
    }

    public override void AvgPool2d(Tensor x, Tensor y, ConvGeometry g)
    {
        if (x.DType == DType.Float32) AvgPool2d(Data<float>(x), Data<float>(y), g);
        else AvgPool2d(Data<double>(x), Data<double>(y), g);
    }

    public override void AvgPool2dBackward(Tensor gy, Tensor gx, ConvGeometry g)
    {
        if (gx.DType == DType.Float32) AvgPool2dBackward(Data<float>(gy), Data<float>(gx), g);
        else AvgPool2dBackward(Data<double>(gy), Data<double>(gx), g);
    }

    /// <summary>
    /// The output positions o in [lo, hi) whose input position o·stride − pad + offset lies in [0, size).
    /// <paramref name="offset"/> is the tap's shift k·dil. The range is empty (lo = hi) when the tap sees only padding;
    /// then o = lo does not map into the input, so callers skip it before indexing.
    /// </summary>
    internal static (int Lo, int Hi) ValidRange(int outSize, int size, int stride, int pad, int offset)
    {
        int first = pad - offset;                  // o·stride ≥ pad − offset
        int lo = first <= 0 ? 0 : (first + stride - 1) / stride;
        int last = size - 1 + pad - offset;        // o·stride ≤ size − 1 + pad − offset
        int hi = last < 0 ? 0 : last / stride + 1;
        lo = Math.Min(lo, outSize);
        hi = Math.Clamp(hi, lo, outSize);
        return (lo, hi);
    }

    // cols [N, C·KH·KW, OutH·OutW]: row c·KH·KW + kh·KW + kw of sample n holds tap (kh, kw) of channel c at every
    // output position. For plane p = n·C + c those rows are p·KH·KW + kh·KW + kw, so a plane owns a block of rows.
    static void Im2Col<T>(T[] x, T[] cols, ConvGeometry g) where T : unmanaged, INumberBase<T>
    {
        int outH = g.OutH, outW = g.OutW, cells = outH * outW, taps = g.KH * g.KW, plane = g.H * g.W;
        CpuParallel.For(g.N * g.C, (long)taps * cells, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                var xp = new ReadOnlySpan<T>(x, p * plane, plane);
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        var row = new Span<T>(cols, (p * taps + kh * g.KW + kw) * cells, cells);
                        var (lo, hi) = ValidRange(outW, g.W, g.StrideW, g.PadW, kw * g.DilW);
                        for (int i = 0; i < outH; i++)
                        {
                            var dst = row.Slice(i * outW, outW);
                            int ih = i * g.StrideH - g.PadH + kh * g.DilH;
                            if ((uint)ih >= (uint)g.H || hi == lo) { dst.Clear(); continue; }
                            dst[..lo].Clear();
                            dst[hi..].Clear();
                            var src = xp.Slice(ih * g.W, g.W);
                            int iw = lo * g.StrideW - g.PadW + kw * g.DilW;
                            if (g.StrideW == 1) src.Slice(iw, hi - lo).CopyTo(dst[lo..hi]);
                            else for (int j = lo; j < hi; j++, iw += g.StrideW) dst[j] = src[iw];
                        }
                    }
            }
        });
    }

    // The adjoint of Im2Col: every entry of cols is added back to the input position it was copied from
    // (padding positions are dropped). The rows of cols that feed plane p are exactly the block plane p owns in Im2Col.
    static void Col2Im<T>(T[] cols, T[] x, ConvGeometry g) where T : unmanaged, INumberBase<T>, IAdditionOperators<T, T, T>
    {
        int outH = g.OutH, outW = g.OutW, cells = outH * outW, taps = g.KH * g.KW, plane = g.H * g.W;
        CpuParallel.For(g.N * g.C, (long)taps * cells, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
                Col2ImPlane<T>(new ReadOnlySpan<T>(cols, p * taps * cells, taps * cells), new Span<T>(x, p * plane, plane), g);
        });
    }

    /// <summary>col2im of one plane: its KH·KW rows of cols [KH·KW, OH·OW] summed into xp [H, W] (overwritten).</summary>
    internal static void Col2ImPlane<T>(ReadOnlySpan<T> cols, Span<T> xp, ConvGeometry g) where T : unmanaged, INumberBase<T>, IAdditionOperators<T, T, T>
    {
        int outH = g.OutH, outW = g.OutW, cells = outH * outW;
        xp.Clear();
        for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                var row = cols.Slice((kh * g.KW + kw) * cells, cells);
                var (lo, hi) = ValidRange(outW, g.W, g.StrideW, g.PadW, kw * g.DilW);
                if (hi == lo) continue;
                for (int i = 0; i < outH; i++)
                {
                    int ih = i * g.StrideH - g.PadH + kh * g.DilH;
                    if ((uint)ih >= (uint)g.H) continue;
                    var src = row.Slice(i * outW + lo, hi - lo);
                    var dst = xp.Slice(ih * g.W, g.W);
                    int iw = lo * g.StrideW - g.PadW + kw * g.DilW;
                    if (g.StrideW == 1)
                    {
                        var d = dst.Slice(iw, hi - lo);
                        TensorPrimitives.Add<T>(d, src, d);
                    }
                    else for (int j = 0; j < src.Length; j++, iw += g.StrideW) dst[iw] += src[j];
                }
            }
    }

    // y[o] = max over the window's positions inside the plane (padding never wins: it is skipped, not read as 0).
    // argmax holds h·W + w of the first maximum in row-major window order, stored as a number. The taps are visited
    // in that order (kh, then kw), each over all outputs at once, so a strict ">" keeps the first maximum.
    static void MaxPool2d<T>(T[] x, T[] y, T[] argmax, ConvGeometry g) where T : unmanaged, INumberBase<T>, IComparisonOperators<T, T, bool>
    {
        if (g.StrideH == g.KH && g.StrideW == g.KW && g.PadH == 0 && g.PadW == 0 && g.DilH == 1 && g.DilW == 1)
        {
            MaxPoolTiled(x, y, argmax, g);
            return;
        }
        int outH = g.OutH, outW = g.OutW, cells = outH * outW, plane = g.H * g.W;
        CpuParallel.For(g.N * g.C, (long)g.KH * g.KW * cells, (p0, p1) =>
        {
            var best = new int[cells];   // per chunk: the winning position of each output so far, −1 for none yet
            for (int p = p0; p < p1; p++)
            {
                var xp = new ReadOnlySpan<T>(x, p * plane, plane);
                var yp = new Span<T>(y, p * cells, cells);
                Array.Fill(best, -1);
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        var (lo, hi) = ValidRange(outW, g.W, g.StrideW, g.PadW, kw * g.DilW);
                        for (int i = 0; i < outH; i++)
                        {
                            int ih = i * g.StrideH - g.PadH + kh * g.DilH;
                            if ((uint)ih >= (uint)g.H) continue;
                            int at = ih * g.W + lo * g.StrideW - g.PadW + kw * g.DilW;
                            for (int o = i * outW + lo, end = i * outW + hi; o < end; o++, at += g.StrideW)
                            {
                                T v = xp[at];
                                if (best[o] < 0 || v > yp[o]) { yp[o] = v; best[o] = at; }
                            }
                        }
                    }
                // a window wholly in the padding has no input: the ops rule such geometries out
                var ap = new Span<T>(argmax, p * cells, cells);
                for (int o = 0; o < cells; o++) ap[o] = T.CreateChecked(best[o]);
            }
        });
    }

    // The common case of windows that tile the plane (stride = kernel, no padding, no dilation, e.g. 2×2 pooling):
    // each output scans its own window in row-major order, so the first maximum wins exactly as in the general loop.
    static void MaxPoolTiled<T>(T[] x, T[] y, T[] argmax, ConvGeometry g) where T : unmanaged, INumberBase<T>, IComparisonOperators<T, T, bool>
    {
        int outH = g.OutH, outW = g.OutW, cells = outH * outW, plane = g.H * g.W;
        if (g.KH == 2 && g.KW == 2)
        {
            MaxPool2x2(x, y, argmax, g);
            return;
        }
        CpuParallel.For(g.N * g.C, (long)g.KH * g.KW * cells, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                var xp = new ReadOnlySpan<T>(x, p * plane, plane);
                for (int i = 0, o = p * cells; i < outH; i++)
                    for (int j = 0; j < outW; j++, o++)
                    {
                        int top = i * g.KH * g.W + j * g.KW, at = top;
                        T best = xp[at];
                        for (int kh = 0; kh < g.KH; kh++)
                            for (int kw = 0, pos = top + kh * g.W; kw < g.KW; kw++, pos++)
                                if (xp[pos] > best) { best = xp[pos]; at = pos; }
                        y[o] = best;
                        argmax[o] = T.CreateChecked(at);
                    }
            }
        });
    }

    // 2×2 windows, stride 2: the four values of a window compared in row-major order (a strict > keeps the first
    // maximum), through pointers, one output at a time.
    static unsafe void MaxPool2x2<T>(T[] x, T[] y, T[] argmax, ConvGeometry g) where T : unmanaged, INumberBase<T>, IComparisonOperators<T, T, bool>
    {
        int outH = g.OutH, outW = g.OutW, cells = outH * outW, plane = g.H * g.W, w = g.W;
        CpuParallel.For(g.N * g.C, 4L * cells, (p0, p1) =>
        {
            fixed (T* xs = x, ys = y, args = argmax)
                for (int p = p0; p < p1; p++)
                {
                    T* xp = xs + (long)p * plane;
                    T* yo = ys + (long)p * cells;
                    T* ao = args + (long)p * cells;
                    for (int i = 0; i < outH; i++)
                    {
                        T* r0 = xp + 2 * i * w, r1 = r0 + w;
                        for (int j = 0; j < outW; j++, yo++, ao++)
                        {
                            int at = 2 * i * w + 2 * j;
                            T best = r0[2 * j];
                            int pick = at;
                            if (r0[2 * j + 1] > best) { best = r0[2 * j + 1]; pick = at + 1; }
                            if (r1[2 * j] > best) { best = r1[2 * j]; pick = at + w; }
                            if (r1[2 * j + 1] > best) { best = r1[2 * j + 1]; pick = at + w + 1; }
                            *yo = best;
                            *ao = T.CreateTruncating(pick);
                        }
                    }
                }
        });
    }

    // y[o] = (1 / KH·KW) Σ over the window; padded positions add 0 but still count in the divisor.
    static void AvgPool2d<T>(T[] x, T[] y, ConvGeometry g) where T : unmanaged, INumberBase<T>
    {
        int outH = g.OutH, outW = g.OutW, cells = outH * outW, plane = g.H * g.W;
        T scale = T.One / T.CreateChecked(g.KH * g.KW);
        CpuParallel.For(g.N * g.C, (long)g.KH * g.KW * cells, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                var xp = new ReadOnlySpan<T>(x, p * plane, plane);
                var yp = new Span<T>(y, p * cells, cells);
                yp.Clear();
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        var (lo, hi) = ValidRange(outW, g.W, g.StrideW, g.PadW, kw * g.DilW);
                        for (int i = 0; i < outH; i++)
                        {
                            int ih = i * g.StrideH - g.PadH + kh * g.DilH;
                            if ((uint)ih >= (uint)g.H) continue;
                            int iw = ih * g.W + lo * g.StrideW - g.PadW + kw * g.DilW;
                            for (int j = lo; j < hi; j++, iw += g.StrideW) yp[i * outW + j] += xp[iw];
                        }
                    }
                TensorPrimitives.Multiply<T>(yp, scale, yp);
            }
        });
    }

    // The adjoint of AvgPool2d: each gy[o] / (KH·KW) is added to every input position of window o.
    static void AvgPool2dBackward<T>(T[] gy, T[] gx, ConvGeometry g) where T : unmanaged, INumberBase<T>
    {
        int outH = g.OutH, outW = g.OutW, cells = outH * outW, plane = g.H * g.W;
        T scale = T.One / T.CreateChecked(g.KH * g.KW);
        CpuParallel.For(g.N * g.C, (long)g.KH * g.KW * cells, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                var gp = new ReadOnlySpan<T>(gy, p * cells, cells);
                var xp = new Span<T>(gx, p * plane, plane);
                xp.Clear();
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        var (lo, hi) = ValidRange(outW, g.W, g.StrideW, g.PadW, kw * g.DilW);
                        for (int i = 0; i < outH; i++)
                        {
                            int ih = i * g.StrideH - g.PadH + kh * g.DilH;
                            if ((uint)ih >= (uint)g.H) continue;
                            int iw = ih * g.W + lo * g.StrideW - g.PadW + kw * g.DilW;
                            for (int j = lo; j < hi; j++, iw += g.StrideW) xp[iw] += gp[i * outW + j];
                        }
                    }
                TensorPrimitives.Multiply<T>(xp, scale, xp);
            }
        });
    }
}
