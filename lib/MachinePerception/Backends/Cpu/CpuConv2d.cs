using System.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

// Convolutions with one group (§11) as an implicit GEMM: the im2col matrix is never written out.
//
// Stride 1 first. Each image is copied into a zero-padded buffer whose rows are S apart, S a little more than W: the
// zeros after a row are at once its right padding and the next row's left padding. In that buffer the input under tap
// (c, kh, kw) of output (oh, ow) sits at a fixed offset from output position q = oh·S + ow,
//     xp[rows[c, kh, kw] + q],   rows[c, kh, kw] = c·P + (top + kh·dil − pad)·S + kw·dil − pad,
// so row (c, kh, kw) of the im2col matrix is a window of the buffer, shifted by rows[…]. The GEMM's micro-kernel reads
// B's rows through that table (GemmKernels.MicroKernelRows): no im2col, no packing of B. The output is computed at
// every q in [0, OH·S) — the columns ow ≥ OW are thrown away, a cost of about pad / W (3.6 % at 28×28) — into a
// scratch [Cout, OH·S] from which the bias is added on the way out.
//
// A stride s is undone by splitting the image into its s×s phases, plane (φ, ψ) holding x[i·s + φ, j·s + ψ]: tap kh
// reads row oh·s + e, e = kh·dil − pad, which is row oh + ⌊e/s⌋ of phase e mod s — a shift again.
//
// The gradient with respect to the input, gx[c, ih, iw] = Σ w[o, c, kh, kw]·gy[o, oh, ow] over the taps that reach
// (ih, iw), is computed phase by phase of gx: for ih = i·s + φ only the taps with e ≡ φ (mod s) contribute, from
// gy row i − ⌊e/s⌋, so each phase of gx is such a shifted-window GEMM over the (padded) output gradient, with the
// kernel's channels swapped. With stride 1 there is one phase: δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ * ROT180(w) (§11).
//
// The gradient with respect to the kernel, gw = Σ_n gy[n]·im2col(x[n])ᵀ, is a GEMM over k = q: the output gradient on
// the q grid (zeros in the thrown-away columns, so they add nothing) times B[q, (c, kh, kw)] = xp[rows[c, kh, kw] + q].
// With many channels B comes from the image planes transposed once into panels of NR channels, each tap reading the
// panel of its phase from its own shift; with few channels from the windows gathered column by column.
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
        // k-blocks of the implicit GEMM: a block of B rows (kc × NR) stays in L1 while every panel of A passes over it
        const int KcRows = 320;
        // k-blocks (positions q) of the kernel gradient
        const int KcPositions = 256;

        /// <summary>
        /// Zero-padded planes of H×W values, laid out so that every read at (i + dh, j + dw) with i &lt; OutH, j &lt; OutW and
        /// the shifts within the given ranges lands on the data or on a zero: rows S apart (S ≥ W − dwMin and
        /// ≥ OutW + dwMax, the zeros after a row serving as the next row's left padding), Top zero rows above row 0.
        /// Output positions are q = i·S + j (columns j ≥ OutW thrown away), Q of them, QPad rounded up to whole panels.
        /// </summary>
        sealed class Layout
        {
            public int Planes, H, W, S, P, Top, OutH, OutW, Q, QPad, Length;

            public static Layout Create(int planes, int h, int w, int outH, int outW, int dhMin, int dhMax, int dwMin, int dwMax)
            {
                int nr = GemmKernels.NR<T>();
                var l = new Layout { Planes = planes, H = h, W = w, OutH = outH, OutW = outW };
                l.S = Math.Max(w, Math.Max(w - dwMin, outW + dwMax));
                l.Top = Math.Max(0, -dhMin) + 1;
                l.P = (l.Top + Math.Max(h, outH + dhMax) + 1) * l.S;
                l.Q = outH * l.S;
                l.QPad = (l.Q + nr - 1) / nr * nr;
                l.Length = planes * l.P + l.QPad + nr; // reads of the last panels run past the last plane
                return l;
            }

            /// <summary>Where position (i, j) of plane p sits, i and j possibly outside the data (in the zeros).</summary>
            public int Offset(int plane, int i, int j) => plane * P + (Top + i) * S + j;
        }

        /// <summary>
        /// A convolution's input side: the layout of its input's s×s phases (planes c·s² + φ·sW + ψ) and the table of
        /// im2col rows r = (c·KH + kh)·KW + kw as offsets into that layout.
        /// </summary>
        sealed class InputSide
        {
            public required Layout Layout;
            public required int[] Rows;

            public static InputSide For(ConvGeometry g)
            {
                int phaseH = (g.H + g.StrideH - 1) / g.StrideH, phaseW = (g.W + g.StrideW - 1) / g.StrideW;
                int dhMin = int.MaxValue, dhMax = int.MinValue, dwMin = int.MaxValue, dwMax = int.MinValue;
                for (int k = 0; k < g.KH; k++) { int d = Shift(k, g.DilH, g.PadH, g.StrideH); dhMin = Math.Min(dhMin, d); dhMax = Math.Max(dhMax, d); }
                for (int k = 0; k < g.KW; k++) { int d = Shift(k, g.DilW, g.PadW, g.StrideW); dwMin = Math.Min(dwMin, d); dwMax = Math.Max(dwMax, d); }
                var layout = Layout.Create(g.C * g.StrideH * g.StrideW, phaseH, phaseW, g.OutH, g.OutW, dhMin, dhMax, dwMin, dwMax);
                var rows = new int[g.C * g.KH * g.KW];
                for (int c = 0, r = 0; c < g.C; c++)
                    for (int kh = 0; kh < g.KH; kh++)
                        for (int kw = 0; kw < g.KW; kw++)
                            rows[r++] = layout.Offset((c * g.StrideH + Phase(kh, g.DilH, g.PadH, g.StrideH)) * g.StrideW + Phase(kw, g.DilW, g.PadW, g.StrideW),
                                Shift(kh, g.DilH, g.PadH, g.StrideH), Shift(kw, g.DilW, g.PadW, g.StrideW));
                return new InputSide { Layout = layout, Rows = rows };
            }

            /// <summary>Copies image planes [C, H, W] at x[offset…] into their phase planes in xp (whose padding is zero).</summary>
            public void Fill(T[] x, int offset, T[] xp, ConvGeometry g)
            {
                int sh = g.StrideH, sw = g.StrideW;
                for (int c = 0; c < g.C; c++)
                    for (int ih = 0; ih < g.H; ih++)
                    {
                        var src = new ReadOnlySpan<T>(x, offset + (c * g.H + ih) * g.W, g.W);
                        int i = ih / sh, phi = ih % sh;
                        if (sw == 1) { src.CopyTo(xp.AsSpan(Layout.Offset(c * sh + phi, i, 0), g.W)); continue; }
                        for (int psi = 0; psi < sw; psi++)
                        {
                            int at = Layout.Offset((c * sh + phi) * sw + psi, i, 0);
                            for (int iw = psi, j = 0; iw < g.W; iw += sw, j++) xp[at + j] = src[iw];
                        }
                    }
            }
        }

        // tap k reads input row o·s + e, e = k·dil − pad: row o + ⌊e/s⌋ of phase e mod s
        static int Shift(int k, int dil, int pad, int stride) => (int)Math.Floor((k * dil - pad) / (double)stride);
        static int Phase(int k, int dil, int pad, int stride) => k * dil - pad - Shift(k, dil, pad, stride) * stride;

        /// <summary>Per-thread scratch arrays, kept between calls (the padded input, the output scratch, packed panels).</summary>
        sealed class Scratch
        {
            [ThreadStatic] static Scratch? current;
            public static Scratch ForThisThread => current ??= new Scratch();

            T[] padded = [], output = [], packedA = [], packedB = [], cols = [], weights = [], accumulator = [], staging = [];

            static T[] AtLeast(ref T[] a, int n) => a.Length >= n ? a : a = GC.AllocateUninitializedArray<T>(n, pinned: true);

            /// <summary>The padded buffer, zeroed (the data are overwritten image by image, the padding stays 0).</summary>
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

            // filled by the calling thread before a parallel loop and read by every thread of it
            public T[] Weights(int n) => AtLeast(ref weights, n);
            public T[] Accumulator(int n) => AtLeast(ref accumulator, n);
            public T[] Staging(int n) => AtLeast(ref staging, n);
        }

        static int Panels(int count, int width) => (count + width - 1) / width;

        /// <summary>
        /// One image's implicit GEMM: yp[i, q] = Σ_r A[i, r]·xp[rows[r] + q] for the m rows of A (packed into panels of MR,
        /// k = r) and every q &lt; qPad; yp has whole panels of rows, ldy apart.
        /// </summary>
        static void ImplicitGemm(T* xp, T* packedA, int* rows, int k, int m, int qPad, T* yp, int ldy)
        {
            int mr = GemmKernels.MR, nr = GemmKernels.NR<T>(), rowPanels = Panels(m, mr);
            for (int q0 = 0; q0 < qPad; q0 += nr)
                for (int p0 = 0; p0 < k; p0 += KcRows)
                {
                    int kc = Math.Min(KcRows, k - p0);
                    for (int i = 0; i < rowPanels; i++)
                        GemmKernels.MicroKernelRows(packedA + (long)i * mr * k + p0 * mr, xp + q0, rows + p0, kc,
                            yp + (long)i * mr * ldy + q0, ldy, first: p0 == 0);
                }
        }

        /// <summary>Elements of a [m, k] matrix packed into panels of MR rows.</summary>
        static int PackedSize(int m, int k) => Panels(m, GemmKernels.MR) * GemmKernels.MR * k;

        /// <summary>A [m, k] matrix (element (i, p) at a[i·rowStride + p·colStride]) packed into panels of MR rows, k-major, at packed[offset…].</summary>
        static void PackRows(T[] a, int m, int k, int rowStride, int colStride, T[] packed, int offset = 0)
        {
            fixed (T* src = a, dst = packed) Gemm.Pack(src, rowStride, colStride, m, k, GemmKernels.MR, dst + offset);
        }

        // ---------- forward ----------

        /// <summary>y [N, Cout, OH, OW] = conv(x, w) + bias.</summary>
        public static void Forward(T[] x, T[] w, T[]? bias, T[] y, int cout, ConvGeometry g)
        {
            if (!GemmKernels.IsAccelerated)
            {
                ExplicitForward(x, w, bias, y, cout, g);
                return;
            }
            int rows = g.C * g.KH * g.KW, mr = GemmKernels.MR;
            var input = InputSide.For(g);
            var layout = input.Layout;
            var packedW = Scratch.ForThisThread.Weights(PackedSize(cout, rows));
            PackRows(w, cout, rows, rowStride: rows, colStride: 1, packedW); // A = w [Cout, rows], packed once for every image
            int ldy = layout.QPad, inPlane = g.C * g.H * g.W, outPlane = cout * g.OutH * g.OutW;
            CpuParallel.For(g.N, 2L * cout * rows * layout.Q, (n0, n1) =>
            {
                var s = Scratch.ForThisThread;
                var xp = s.Padded(layout.Length);
                var yp = s.Output(Panels(cout, mr) * mr * ldy);
                fixed (T* xpp = xp, ypp = yp, ap = packedW)
                fixed (int* table = input.Rows)
                {
                    for (int n = n0; n < n1; n++)
                    {
                        input.Fill(x, n * inPlane, xp, g);
                        ImplicitGemm(xpp, ap, table, rows, cout, layout.QPad, ypp, ldy);
                        // y[n, o, oh, ow] = yp[o, oh·S + ow] + bias[o]
                        for (int o = 0; o < cout; o++)
                        {
                            T b = bias is null ? T.Zero : bias[o];
                            for (int i = 0; i < g.OutH; i++)
                            {
                                var src = new ReadOnlySpan<T>(yp, o * ldy + i * layout.S, g.OutW);
                                var dst = new Span<T>(y, n * outPlane + (o * g.OutH + i) * g.OutW, g.OutW);
                                if (bias is null) src.CopyTo(dst);
                                else System.Numerics.Tensors.TensorPrimitives.Add(src, b, dst);
                            }
                        }
                    }
                }
            });
        }

        // ---------- gradient with respect to the input ----------

        /// <summary>gx [N, C, H, W] = the transposed convolution of gy [N, Cout, OH, OW] with w [Cout, C, KH, KW].</summary>
        public static void InputGrad(T[] gy, T[] w, T[] gx, int cout, ConvGeometry g)
        {
            if (!GemmKernels.IsAccelerated)
            {
                ExplicitInputGrad(gy, w, gx, cout, g);
                return;
            }
            int sh = g.StrideH, sw = g.StrideW, taps = g.KH * g.KW, mr = GemmKernels.MR;
            int phaseH = (g.H + sh - 1) / sh, phaseW = (g.W + sw - 1) / sw;
            // phase (φ, ψ) of gx gets the taps with e ≡ φ (mod s), reading gy at (i − shift, j − shift)
            int dhMin = int.MaxValue, dhMax = int.MinValue, dwMin = int.MaxValue, dwMax = int.MinValue;
            for (int k = 0; k < g.KH; k++) { int d = -Shift(k, g.DilH, g.PadH, sh); dhMin = Math.Min(dhMin, d); dhMax = Math.Max(dhMax, d); }
            for (int k = 0; k < g.KW; k++) { int d = -Shift(k, g.DilW, g.PadW, sw); dwMin = Math.Min(dwMin, d); dwMax = Math.Max(dwMax, d); }
            var layout = Layout.Create(cout, g.OutH, g.OutW, phaseH, phaseW, dhMin, dhMax, dwMin, dwMax);
            var phases = new (int Phi, int Psi, int K, int[] Rows, int At)[sh * sw];
            var caller = Scratch.ForThisThread;
            var packedW = caller.Weights(PackedSize(g.C, cout * taps));   // every phase's A, one after another
            int packedAt = 0;
            for (int phi = 0; phi < sh; phi++)
                for (int psi = 0; psi < sw; psi++)
                {
                    // A[c, (o, kh, kw)] = w[o, c, kh, kw] over this phase's taps; rows: the matching windows of gy
                    var kh = Enumerable.Range(0, g.KH).Where(k => Phase(k, g.DilH, g.PadH, sh) == phi).ToArray();
                    var kw = Enumerable.Range(0, g.KW).Where(k => Phase(k, g.DilW, g.PadW, sw) == psi).ToArray();
                    int k = cout * kh.Length * kw.Length;
                    var a = caller.Staging(g.C * k);
                    var rows = new int[k];
                    int r = 0;
                    for (int o = 0; o < cout; o++)
                        foreach (var h in kh)
                            foreach (var v in kw)
                            {
                                rows[r] = layout.Offset(o, -Shift(h, g.DilH, g.PadH, sh), -Shift(v, g.DilW, g.PadW, sw));
                                for (int c = 0; c < g.C; c++) a[c * k + r] = w[(o * g.C + c) * taps + h * g.KW + v];
                                r++;
                            }
                    if (k > 0) PackRows(a, g.C, k, rowStride: k, colStride: 1, packedW, packedAt);
                    phases[phi * sw + psi] = (phi, psi, k, rows, packedAt);
                    packedAt += PackedSize(g.C, k);
                }
            int ldy = layout.QPad, inPlane = g.C * g.H * g.W, outPlane = cout * g.OutH * g.OutW;
            var unit = new ConvGeometry(1, cout, g.OutH, g.OutW, 1, 1);
            var gySide = new InputSide { Layout = layout, Rows = [] };
            CpuParallel.For(g.N, 2L * cout * g.C * taps * g.OutH * g.OutW, (n0, n1) =>
            {
                var s = Scratch.ForThisThread;
                var gyp = s.Padded(layout.Length);
                var yp = s.Output(Panels(g.C, mr) * mr * ldy);
                fixed (T* gypp = gyp, ypp = yp, ap = packedW)
                {
                    for (int n = n0; n < n1; n++)
                    {
                        gySide.Fill(gy, n * outPlane, gyp, unit);
                        foreach (var (phi, psi, k, rows, at) in phases)
                        {
                            if (k > 0)
                                fixed (int* table = rows)
                                    ImplicitGemm(gypp, ap + at, table, k, g.C, layout.QPad, ypp, ldy);
                            // gx[n, c, i·s + φ, j·s + ψ] = yp[c, i·S + j] (0 for a phase no tap reaches)
                            for (int c = 0; c < g.C; c++)
                                for (int ih = phi, i = 0; ih < g.H; ih += sh, i++)
                                {
                                    var dst = new Span<T>(gx, n * inPlane + (c * g.H + ih) * g.W, g.W);
                                    if (k == 0) { for (int iw = psi; iw < g.W; iw += sw) dst[iw] = T.Zero; continue; }
                                    var src = new ReadOnlySpan<T>(yp, c * ldy + i * layout.S, phaseW);
                                    if (sw == 1) src[..g.W].CopyTo(dst);
                                    else for (int iw = psi, j = 0; iw < g.W; iw += sw, j++) dst[iw] = src[j];
                                }
                        }
                    }
                }
            });
        }

        // ---------- gradient with respect to the kernel ----------

        /// <summary>gw [Cout, C, KH, KW] = Σ_n gy[n] · im2col(x[n])ᵀ, images summed in order.</summary>
        public static void WeightGrad(T[] x, T[] gy, T[] gw, int cout, ConvGeometry g)
        {
            if (!GemmKernels.IsAccelerated)
            {
                ExplicitWeightGrad(x, gy, gw, cout, g);
                return;
            }
            int nr = GemmKernels.NR<T>();
            var input = InputSide.For(g);
            // B's columns grouped by channel (each tap a shift of one packed panel) when that wastes few lanes, else by (channel, tap)
            bool byChannel = g.C >= nr && Panels(g.C, nr) * nr * 4 <= g.C * 5;
            if (byChannel) WeightGradByChannel(x, gy, gw, cout, g, input);
            else WeightGradByColumn(x, gy, gw, cout, g, input);
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
        /// The kernel gradient with B's columns = channels: each phase plane of the image transposed once into panels of
        /// NR channels, B for tap t being the panel of its phase read from its shift on (the windows of one channel differ
        /// only by where they start). Per tap an accumulator [Cout, C]; gw[o, c, t] gathered from them at the end.
        /// </summary>
        static void WeightGradByChannel(T[] x, T[] gy, T[] gw, int cout, ConvGeometry g, InputSide input)
        {
            var layout = input.Layout;
            int mr = GemmKernels.MR, nr = GemmKernels.NR<T>(), taps = g.KH * g.KW, phases = g.StrideH * g.StrideW;
            int rowPanels = Panels(cout, mr), colPanels = Panels(g.C, nr);
            int ldw = colPanels * nr, tapStride = rowPanels * mr * ldw, qk = layout.QPad;
            // tap t of channel 0: its phase plane and its shift within that plane
            var tapPhase = new int[taps];
            var tapShift = new int[taps];
            int span = 0;
            for (int t = 0; t < taps; t++)
            {
                tapPhase[t] = input.Rows[t] / layout.P;
                tapShift[t] = input.Rows[t] - tapPhase[t] * layout.P;
                span = Math.Max(span, tapShift[t]);
            }
            int u = span + qk;                                   // positions a channel panel must hold
            var acc = Scratch.ForThisThread.Accumulator(taps * tapStride);
            int inPlane = g.C * g.H * g.W, outPlane = cout * g.OutH * g.OutW;
            long work = 2L * g.N * cout * nr * taps * layout.Q;
            CpuParallel.For(colPanels, work, (j0, j1) =>
            {
                var s = Scratch.ForThisThread;
                var xp = s.Padded(layout.Length);
                var gyp = s.Output(cout * qk);
                var pa = s.PackedA(rowPanels * mr * qk);
                var pb = s.PackedB((j1 - j0) * phases * nr * u);
                fixed (T* xpp = xp, pap = pa, pbp = pb, accp = acc)
                {
                    for (int n = 0; n < g.N; n++)
                    {
                        input.Fill(x, n * inPlane, xp, g);
                        PackOutputGradient(gy, n * outPlane, gyp, pap, cout, g, layout);
                        // per phase, the channel panels j0 … j1 − 1: NR planes (s² planes apart) transposed, k = position
                        for (int ph = 0; ph < phases; ph++)
                            Gemm.Pack(xpp + ((long)j0 * nr * phases + ph) * layout.P, (long)phases * layout.P, 1,
                                Math.Min(g.C - j0 * nr, (j1 - j0) * nr), u, nr, pbp + (long)ph * (j1 - j0) * nr * u);
                        for (int q0 = 0; q0 < qk; q0 += KcPositions)
                        {
                            int kc = Math.Min(KcPositions, qk - q0);
                            bool first = n == 0 && q0 == 0;
                            for (int t = 0; t < taps; t++)
                                for (int j = j0; j < j1; j++)
                                {
                                    T* b = pbp + ((long)tapPhase[t] * (j1 - j0) + (j - j0)) * nr * u + (long)(tapShift[t] + q0) * nr;
                                    for (int i = 0; i < rowPanels; i++)
                                        GemmKernels.MicroKernel(pap + (long)i * mr * qk + q0 * mr, b, nr, kc,
                                            accp + (long)t * tapStride + (long)i * mr * ldw + j * nr, ldw, first);
                                }
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
        static void WeightGradByColumn(T[] x, T[] gy, T[] gw, int cout, ConvGeometry g, InputSide input)
        {
            var layout = input.Layout;
            int mr = GemmKernels.MR, nr = GemmKernels.NR<T>(), rows = g.C * g.KH * g.KW;
            int rowPanels = Panels(cout, mr), colPanels = Panels(rows, nr);
            int ldw = colPanels * nr, qk = layout.QPad;
            var acc = Scratch.ForThisThread.Accumulator(rowPanels * mr * ldw); // gw with whole tiles
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
                fixed (int* table = input.Rows)
                {
                    for (int n = 0; n < g.N; n++)
                    {
                        input.Fill(x, n * inPlane, xp, g);
                        PackOutputGradient(gy, n * outPlane, gyp, pap, cout, g, layout);
                        // B[q, r] = xp[rows[r] + q], NR consecutive r per panel
                        for (int j = j0; j < j1; j++)
                        {
                            T* dst = pbp + (long)(j - j0) * nr * qk;
                            int count = Math.Min(nr, rows - j * nr);
                            if (count == nr && PackKernels.Handles<T>(nr))
                                PackKernels.GatherWindows((float*)xpp, table + j * nr, nr, qk, (float*)dst);
                            else
                                for (int jj = 0; jj < count; jj++) GatherLane(xpp + input.Rows[j * nr + jj], qk, dst + jj);
                        }
                        for (int q0 = 0; q0 < qk; q0 += KcPositions)
                        {
                            int kc = Math.Min(KcPositions, qk - q0);
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

        // ---------- the explicit path (CPUs without SIMD): im2col per image, GEMM, col2im ----------

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
            int cells = g.OutH * g.OutW, taps = g.KH * g.KW, plane = g.H * g.W;
            for (int c = 0; c < g.C; c++)
                Col2ImPlane<T>(new ReadOnlySpan<T>(cols, c * taps * cells, taps * cells), new Span<T>(x, offset + c * plane, plane), g);
        }
    }
}
