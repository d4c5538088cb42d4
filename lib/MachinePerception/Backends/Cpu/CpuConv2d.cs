using System.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

// Convolutions with one group (§11) as an implicit GEMM: the im2col matrix is never written out.
//
// Each image is copied into a zero-padded buffer whose rows are S = W + PadW apart: the PadW zeros after a row are at
// once its right padding and the next row's left padding. In that buffer the input under tap (c, kh, kw) of output
// (oh, ow) sits at a fixed offset from output position q = oh·S + ow:
//     xp[rows[c, kh, kw] + q],   rows[c, kh, kw] = c·P + (top + kh·dil − PadH)·S + kw·dil − PadW,
// so row (c, kh, kw) of the im2col matrix is a window of the buffer, shifted by rows[…]. The GEMM's micro-kernel
// reads B's rows through that table (GemmKernels.MicroKernelRows): no im2col, no packing of B. The output is
// computed at every q in [0, OH·S) — the columns ow ≥ OW are thrown away, a cost of PadW / W (3.6 % at 28×28) — into a
// scratch [Cout, OH·S] from which the bias is added on the way out.
//
// With stride 1 the gradient with respect to the input is itself such a convolution: the output gradient, padded by
// dil·(K − 1) − pad, correlated with the kernel flipped in space and with input and output channels swapped
// (δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ * ROT180(w), §11). The gradient with respect to the kernel, gw = Σ_n gy[n] · im2col(x[n])ᵀ, is a GEMM
// over k = q whose B panels are gathered from the same shifted windows; the output gradient is laid out on the same
// q grid with zeros in the thrown-away columns, so those columns add nothing.
//
// Other geometries (stride > 1, padding beyond dil·(K − 1)) take the explicit path: im2col of one image into a scratch
// matrix, then a GEMM (and col2im for the input gradient).
//
// Determinism: every output element is the same chain of fused multiply-adds whatever the thread count. Threads split
// the images (forward, input gradient) or the columns of gw (kernel gradient: each thread sums all images, in order,
// for its own columns).
public sealed partial class CpuBackend
{
    public override void Conv2d(Tensor x, Tensor w, Tensor? bias, Tensor y, ConvGeometry g)
    {
        if (x.DType == DType.Float32) Convolution<float>.Forward(Data<float>(x), Data<float>(w), bias is null ? null : Data<float>(bias), Data<float>(y), w.Shape[0], g);
        else Convolution<double>.Forward(Data<double>(x), Data<double>(w), bias is null ? null : Data<double>(bias), Data<double>(y), w.Shape[0], g);
    }

    public override void Conv2dInputGrad(Tensor gy, Tensor w, Tensor gx, ConvGeometry g)
    {
        if (gy.DType == DType.Float32) Convolution<float>.InputGrad(Data<float>(gy), Data<float>(w), Data<float>(gx), w.Shape[0], g);
        else Convolution<double>.InputGrad(Data<double>(gy), Data<double>(w), Data<double>(gx), w.Shape[0], g);
    }

    public override void Conv2dWeightGrad(Tensor x, Tensor gy, Tensor gw, ConvGeometry g)
    {
        if (x.DType == DType.Float32) Convolution<float>.WeightGrad(Data<float>(x), Data<float>(gy), Data<float>(gw), gw.Shape[0], g);
        else Convolution<double>.WeightGrad(Data<double>(x), Data<double>(gy), Data<double>(gw), gw.Shape[0], g);
    }

    /// <summary>The convolution kernels for one element type.</summary>
    static unsafe class Convolution<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        // k-blocks of the forward GEMM: a block of B rows (kc × NR) stays in L1 while every panel of A passes over it
        const int KcForward = 320;
        // k-blocks (positions q) of the kernel gradient
        const int KcWeight = 256;

        /// <summary>
        /// The padded-buffer layout of one image for a stride-1 geometry, or null when the geometry needs the
        /// explicit path. P: elements per channel plane; Top: zero rows above row 0; Q: output positions oh·S + ow.
        /// </summary>
        sealed class Layout
        {
            public int S, P, Top, Q, QPad, Length;
            public int[] Rows = [];

            public static Layout? For(ConvGeometry g)
            {
                if (g.StrideH != 1 || g.StrideW != 1 || g.PadH > g.DilH * (g.KH - 1) || g.PadW > g.DilW * (g.KW - 1)) return null;
                int nr = GemmKernels.NR<T>();
                var l = new Layout { S = g.W + g.PadW, Top = g.PadH + 1 };
                l.P = (l.Top + g.H + g.PadH) * l.S;
                l.Q = g.OutH * l.S;
                l.QPad = (l.Q + nr - 1) / nr * nr;
                l.Rows = new int[g.C * g.KH * g.KW];
                int r = 0;
                for (int c = 0; c < g.C; c++)
                    for (int kh = 0; kh < g.KH; kh++)
                        for (int kw = 0; kw < g.KW; kw++)
                            l.Rows[r++] = c * l.P + (l.Top + kh * g.DilH - g.PadH) * l.S + kw * g.DilW - g.PadW;
                // the highest window start plus every q the kernel reads (the last panel runs past Q)
                l.Length = Math.Max(l.Rows.Max() + l.QPad, g.C * l.P);
                return l;
            }

            /// <summary>Copies image planes [C, H, W] at x[offset…] into the interior of xp (whose padding is zero).</summary>
            public void Fill(T[] x, int offset, T[] xp, ConvGeometry g)
            {
                for (int c = 0; c < g.C; c++)
                    for (int i = 0; i < g.H; i++)
                        Array.Copy(x, offset + (c * g.H + i) * g.W, xp, c * P + (Top + i) * S, g.W);
            }
        }

        /// <summary>Per-thread scratch arrays, kept between calls (the padded image, the output scratch, packed panels).</summary>
        sealed class Scratch
        {
            [ThreadStatic] static Scratch? current;
            public static Scratch ForThisThread => current ??= new Scratch();

            T[] padded = [], output = [], packedA = [], packedB = [], cols = [];

            static T[] AtLeast(ref T[] a, int n) => a.Length >= n ? a : a = GC.AllocateUninitializedArray<T>(n, pinned: true);

            /// <summary>The padded buffer, zeroed (the interiors are overwritten image by image, the padding stays 0).</summary>
            public T[] Padded(int n)
            {
                var a = AtLeast(ref padded, n);
                Array.Clear(a, 0, n);
                return a;
            }

            public T[] Output(int n) => AtLeast(ref output, n);
            public T[] PackedA(int n) => AtLeast(ref packedA, n);
            public T[] PackedB(int n) => AtLeast(ref packedB, n);
            public T[] Cols(int n) => AtLeast(ref cols, n);
        }

        static int Panels(int count, int width) => (count + width - 1) / width;

        // ---------- forward ----------

        /// <summary>y [N, Cout, OH, OW] = conv(x, w) + bias.</summary>
        public static void Forward(T[] x, T[] w, T[]? bias, T[] y, int cout, ConvGeometry g)
        {
            if (Layout.For(g) is not { } layout || !GemmKernels.IsAccelerated)
            {
                ExplicitForward(x, w, bias, y, cout, g);
                return;
            }
            int rows = g.C * g.KH * g.KW;
            // A = w [Cout, rows], packed once for every image into panels of MR output channels
            var packedW = PackRows(w, cout, rows, rowStride: rows, colStride: 1);
            Implicit(x, packedW, bias, y, cout, g, layout);
        }

        /// <summary>
        /// The implicit GEMM over all images: out [N, Cout, OH, OW] = A · im2col(x) (+ bias), A packed by
        /// <see cref="PackRows"/> from a [Cout, C·KH·KW] matrix.
        /// </summary>
        static void Implicit(T[] x, T[] packedA, T[]? bias, T[] output, int cout, ConvGeometry g, Layout layout)
        {
            int mr = GemmKernels.MR, nr = GemmKernels.NR<T>(), rows = g.C * g.KH * g.KW;
            int rowPanels = Panels(cout, mr), ldy = layout.QPad;
            int inPlane = g.C * g.H * g.W, outPlane = cout * g.OutH * g.OutW;
            long work = 2L * cout * rows * layout.Q;
            CpuParallel.For(g.N, work, (n0, n1) =>
            {
                var s = Scratch.ForThisThread;
                var xp = s.Padded(layout.Length);
                var yp = s.Output(rowPanels * mr * ldy);
                fixed (T* xpp = xp, ypp = yp, ap = packedA)
                fixed (int* table = layout.Rows)
                {
                    for (int n = n0; n < n1; n++)
                    {
                        layout.Fill(x, n * inPlane, xp, g);
                        for (int q0 = 0; q0 < layout.QPad; q0 += nr)
                            for (int p0 = 0; p0 < rows; p0 += KcForward)
                            {
                                int kc = Math.Min(KcForward, rows - p0);
                                for (int i = 0; i < rowPanels; i++)
                                    GemmKernels.MicroKernelRows(ap + (long)i * mr * rows + p0 * mr, xpp + q0, table + p0, kc,
                                        ypp + (long)i * mr * ldy + q0, ldy, first: p0 == 0);
                            }
                        Unpad(yp, ldy, layout.S, output, n * outPlane, cout, g.OutH, g.OutW, bias);
                    }
                }
            });
        }

        /// <summary>out[offset + (o·OH + oh)·OW + ow] = yp[o·ld + oh·S + ow] (+ bias[o]).</summary>
        static void Unpad(T[] yp, int ld, int s, T[] output, int offset, int channels, int outH, int outW, T[]? bias)
        {
            for (int o = 0; o < channels; o++)
            {
                T b = bias is null ? T.Zero : bias[o];
                for (int i = 0; i < outH; i++)
                {
                    var src = new ReadOnlySpan<T>(yp, o * ld + i * s, outW);
                    var dst = new Span<T>(output, offset + (o * outH + i) * outW, outW);
                    if (bias is null) src.CopyTo(dst);
                    else System.Numerics.Tensors.TensorPrimitives.Add(src, b, dst);
                }
            }
        }

        /// <summary>A [m, k] matrix (element (i, p) at a[i·rowStride + p·colStride]) packed into panels of MR rows, k-major.</summary>
        static T[] PackRows(T[] a, int m, int k, int rowStride, int colStride)
        {
            int mr = GemmKernels.MR;
            var packed = GC.AllocateUninitializedArray<T>(Panels(m, mr) * mr * k, pinned: true);
            fixed (T* src = a, dst = packed) Gemm.Pack(src, rowStride, colStride, m, k, mr, dst);
            return packed;
        }

        // ---------- gradient with respect to the input ----------

        /// <summary>gx [N, C, H, W] = the transposed convolution of gy [N, Cout, OH, OW] with w [Cout, C, KH, KW].</summary>
        public static void InputGrad(T[] gy, T[] w, T[] gx, int cout, ConvGeometry g)
        {
            // stride 1: the convolution of gy, padded by dil·(K − 1) − pad, with the flipped kernel, channels swapped
            var flipped = new ConvGeometry(g.N, cout, g.OutH, g.OutW, g.KH, g.KW, 1, 1,
                g.DilH * (g.KH - 1) - g.PadH, g.DilW * (g.KW - 1) - g.PadW, g.DilH, g.DilW);
            if (g.StrideH == 1 && g.StrideW == 1 && flipped.OutH == g.H && flipped.OutW == g.W && GemmKernels.IsAccelerated
                && Layout.For(flipped) is { } layout)
            {
                // A[c, (o, kh, kw)] = w[o, c, KH − 1 − kh, KW − 1 − kw]
                int taps = g.KH * g.KW, rows = cout * taps;
                var a = GC.AllocateUninitializedArray<T>(g.C * rows);
                for (int o = 0; o < cout; o++)
                    for (int c = 0; c < g.C; c++)
                        for (int t = 0; t < taps; t++)
                            a[c * rows + o * taps + t] = w[(o * g.C + c) * taps + taps - 1 - t];
                Implicit(gy, PackRows(a, g.C, rows, rowStride: rows, colStride: 1), null, gx, g.C, flipped, layout);
                return;
            }
            ExplicitInputGrad(gy, w, gx, cout, g);
        }

        // ---------- gradient with respect to the kernel ----------

        /// <summary>gw [Cout, C, KH, KW] = Σ_n gy[n] · im2col(x[n])ᵀ, images summed in order.</summary>
        public static void WeightGrad(T[] x, T[] gy, T[] gw, int cout, ConvGeometry g)
        {
            if (Layout.For(g) is not { } layout || !GemmKernels.IsAccelerated)
            {
                ExplicitWeightGrad(x, gy, gw, cout, g);
                return;
            }
            int nr = GemmKernels.NR<T>(), taps = g.KH * g.KW, rows = g.C * taps;
            // B's columns grouped by channel (each tap a shift of one packed panel) when that wastes few lanes, else by (channel, tap)
            bool byChannel = g.C >= nr && Panels(g.C, nr) * nr * 4 <= g.C * 5;
            if (byChannel) WeightGradByChannel(x, gy, gw, cout, g, layout);
            else WeightGradByColumn(x, gy, gw, cout, g, layout);
        }

        /// <summary>
        /// gy[n] on the q grid of the layout (zero in the thrown-away columns and past Q), packed as the A operand of
        /// the kernel gradient: panels of MR output channels, k = q.
        /// </summary>
        static void PackOutputGradient(T[] gy, int offset, T[] gyp, T* packed, int cout, ConvGeometry g, Layout layout)
        {
            int qk = layout.QPad;
            Array.Clear(gyp, 0, cout * qk);
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < g.OutH; i++)
                    Array.Copy(gy, offset + (o * g.OutH + i) * g.OutW, gyp, o * qk + i * layout.S, g.OutW);
            fixed (T* src = gyp) Gemm.Pack(src, qk, 1, cout, qk, GemmKernels.MR, packed);
        }

        /// <summary>
        /// The kernel gradient with B's columns = channels: the padded image transposed once into panels of NR channels,
        /// B for tap t being that panel read from position rows[t] on (the windows of one channel differ only by their shift).
        /// Per tap an accumulator [Cout, C]; gw[o, c, t] gathered from them at the end.
        /// </summary>
        static void WeightGradByChannel(T[] x, T[] gy, T[] gw, int cout, ConvGeometry g, Layout layout)
        {
            int mr = GemmKernels.MR, nr = GemmKernels.NR<T>(), taps = g.KH * g.KW;
            int rowPanels = Panels(cout, mr), colPanels = Panels(g.C, nr);
            int ldw = colPanels * nr, tapStride = rowPanels * mr * ldw, qk = layout.QPad;
            int span = 0;
            for (int t = 0; t < taps; t++) span = Math.Max(span, layout.Rows[t]);
            int u = span + qk;                                   // positions a channel panel must hold
            var acc = GC.AllocateUninitializedArray<T>(taps * tapStride, pinned: true);
            int inPlane = g.C * g.H * g.W, outPlane = cout * g.OutH * g.OutW;
            long work = 2L * g.N * cout * nr * taps * layout.Q;
            CpuParallel.For(colPanels, work, (j0, j1) =>
            {
                var s = Scratch.ForThisThread;
                var xp = s.Padded(layout.Length);
                var gyp = s.Output(cout * qk);
                var pa = s.PackedA(rowPanels * mr * qk);
                var pb = s.PackedB((j1 - j0) * nr * u);
                fixed (T* xpp = xp, pap = pa, pbp = pb, accp = acc)
                fixed (int* shift = layout.Rows)
                {
                    for (int n = 0; n < g.N; n++)
                    {
                        layout.Fill(x, n * inPlane, xp, g);
                        PackOutputGradient(gy, n * outPlane, gyp, pap, cout, g, layout);
                        // the channel panels j0 … j1 − 1, each NR planes transposed (k = position)
                        Gemm.Pack(xpp + (long)j0 * nr * layout.P, layout.P, 1, Math.Min(g.C - j0 * nr, (j1 - j0) * nr), u, nr, pbp);
                        for (int q0 = 0; q0 < qk; q0 += KcWeight)
                        {
                            int kc = Math.Min(KcWeight, qk - q0);
                            bool first = n == 0 && q0 == 0;
                            for (int t = 0; t < taps; t++)
                                for (int j = j0; j < j1; j++)
                                    for (int i = 0; i < rowPanels; i++)
                                        GemmKernels.MicroKernel(pap + (long)i * mr * qk + q0 * mr, pbp + (long)(j - j0) * nr * u + (long)(shift[t] + q0) * nr, nr, kc,
                                            accp + (long)t * tapStride + (long)i * mr * ldw + j * nr, ldw, first);
                        }
                    }
                }
            });
            for (int o = 0; o < cout; o++)
                for (int c = 0; c < g.C; c++)
                    for (int t = 0; t < taps; t++)
                        gw[(o * g.C + c) * taps + t] = acc[t * tapStride + o * ldw + c];
        }

        /// <summary>dst[p·NR] = src[p] for p &lt; length: one row of B into its lane of a panel.</summary>
        static void GatherLane(T* src, int length, T* dst)
        {
            int nr = GemmKernels.NR<T>();
            for (int p = 0; p < length; p++) dst[p * nr] = src[p];
        }

        /// <summary>The kernel gradient with B's columns = (channel, tap) pairs, gathered from the shifted windows (few channels).</summary>
        static void WeightGradByColumn(T[] x, T[] gy, T[] gw, int cout, ConvGeometry g, Layout layout)
        {
            int mr = GemmKernels.MR, nr = GemmKernels.NR<T>(), rows = g.C * g.KH * g.KW;
            int rowPanels = Panels(cout, mr), colPanels = Panels(rows, nr);
            int ldw = colPanels * nr, qk = layout.QPad;
            var acc = GC.AllocateUninitializedArray<T>(rowPanels * mr * ldw, pinned: true); // gw with whole tiles
            int inPlane = g.C * g.H * g.W, outPlane = cout * g.OutH * g.OutW;
            long work = 2L * g.N * cout * nr * layout.Q;
            // threads split the column panels of gw; each sums every image, in order, into its own columns
            CpuParallel.For(colPanels, work, (j0, j1) =>
            {
                var s = Scratch.ForThisThread;
                var xp = s.Padded(layout.Length);
                var gyp = s.Output(cout * qk);
                var pa = s.PackedA(rowPanels * mr * qk);
                var pb = s.PackedB((j1 - j0) * nr * qk);
                fixed (T* xpp = xp, pap = pa, pbp = pb, accp = acc)
                {
                    for (int n = 0; n < g.N; n++)
                    {
                        layout.Fill(x, n * inPlane, xp, g);
                        PackOutputGradient(gy, n * outPlane, gyp, pap, cout, g, layout);
                        // B[q, r] = xp[rows[r] + q], NR consecutive r per panel
                        for (int j = j0; j < j1; j++)
                        {
                            T* dst = pbp + (long)(j - j0) * nr * qk;
                            for (int jj = 0; jj < Math.Min(nr, rows - j * nr); jj++)
                                GatherLane(xpp + layout.Rows[j * nr + jj], qk, dst + jj);
                        }
                        for (int q0 = 0; q0 < qk; q0 += KcWeight)
                        {
                            int kc = Math.Min(KcWeight, qk - q0);
                            bool first = n == 0 && q0 == 0;
                            for (int j = j0; j < j1; j++)
                                for (int i = 0; i < rowPanels; i++)
                                    GemmKernels.MicroKernel(pap + (long)i * mr * qk + q0 * mr, pbp + (long)(j - j0) * nr * qk + q0 * nr, nr, kc,
                                        accp + (long)i * mr * ldw + j * nr, ldw, first);
                        }
                    }
                }
            });
            for (int o = 0; o < cout; o++) Array.Copy(acc, o * ldw, gw, o * rows, rows);
        }

        // ---------- the explicit path: im2col per image, GEMM, col2im ----------

        static void ExplicitForward(T[] x, T[] w, T[]? bias, T[] y, int cout, ConvGeometry g)
        {
            int rows = g.C * g.KH * g.KW, cells = g.OutH * g.OutW, inPlane = g.C * g.H * g.W;
            bool parallelImages = g.N > 1;
            CpuParallel.For(g.N, 2L * cout * rows * cells, (n0, n1) =>
            {
                var cols = Scratch.ForThisThread.Cols(rows * cells);
                for (int n = n0; n < n1; n++)
                {
                    Im2ColImage(x, n * inPlane, cols, g);
                    var yn = y.AsMemory(n * cout * cells, cout * cells);
                    Gemm.Multiply<T>(w, cols, yn, cout, cells, rows, false, false, parallel: !parallelImages);
                    if (bias is not null)
                        for (int o = 0; o < cout; o++)
                        {
                            var row = yn.Span.Slice(o * cells, cells);
                            System.Numerics.Tensors.TensorPrimitives.Add(row, bias[o], row);
                        }
                }
            });
        }

        static void ExplicitInputGrad(T[] gy, T[] w, T[] gx, int cout, ConvGeometry g)
        {
            int rows = g.C * g.KH * g.KW, cells = g.OutH * g.OutW, inPlane = g.C * g.H * g.W;
            bool parallelImages = g.N > 1;
            CpuParallel.For(g.N, 2L * cout * rows * cells, (n0, n1) =>
            {
                var cols = Scratch.ForThisThread.Cols(rows * cells);
                for (int n = n0; n < n1; n++)
                {
                    Gemm.Multiply<T>(w, gy.AsMemory(n * cout * cells, cout * cells), cols, rows, cells, cout, true, false, parallel: !parallelImages);
                    Col2ImImage(cols, gx, n * inPlane, g);
                }
            });
        }

        static void ExplicitWeightGrad(T[] x, T[] gy, T[] gw, int cout, ConvGeometry g)
        {
            int rows = g.C * g.KH * g.KW, cells = g.OutH * g.OutW, inPlane = g.C * g.H * g.W;
            var s = Scratch.ForThisThread;
            var cols = s.Cols(rows * cells);
            var product = s.Output(cout * rows);
            Array.Clear(gw, 0, cout * rows);
            for (int n = 0; n < g.N; n++)
            {
                Im2ColImage(x, n * inPlane, cols, g);
                Gemm.Multiply<T>(gy.AsMemory(n * cout * cells, cout * cells), cols, product, cout, rows, cells, false, true);
                var sum = gw.AsSpan(0, cout * rows);
                System.Numerics.Tensors.TensorPrimitives.Add(sum, product.AsSpan(0, cout * rows), sum);
            }
        }

        /// <summary>im2col of one image: cols [C·KH·KW, OH·OW] from x[offset…] [C, H, W].</summary>
        static void Im2ColImage(T[] x, int offset, T[] cols, ConvGeometry g)
        {
            int outH = g.OutH, outW = g.OutW, cells = outH * outW, taps = g.KH * g.KW, plane = g.H * g.W;
            for (int c = 0; c < g.C; c++)
            {
                var xp = new ReadOnlySpan<T>(x, offset + c * plane, plane);
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        var row = new Span<T>(cols, (c * taps + kh * g.KW + kw) * cells, cells);
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
        }

        /// <summary>col2im of one image: cols [C·KH·KW, OH·OW] summed into x[offset…] [C, H, W] (overwritten).</summary>
        static void Col2ImImage(T[] cols, T[] x, int offset, ConvGeometry g)
        {
            int outH = g.OutH, outW = g.OutW, cells = outH * outW, taps = g.KH * g.KW, plane = g.H * g.W;
            for (int c = 0; c < g.C; c++)
            {
                var xp = new Span<T>(x, offset + c * plane, plane);
                xp.Clear();
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        var row = new ReadOnlySpan<T>(cols, (c * taps + kh * g.KW + kw) * cells, cells);
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
                                System.Numerics.Tensors.TensorPrimitives.Add<T>(d, src, d);
                            }
                            else for (int j = 0; j < src.Length; j++, iw += g.StrideW) dst[iw] += src[j];
                        }
                    }
            }
        }
    }
}
