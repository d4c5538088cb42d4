using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

/// <summary>
/// A per-axis setting of a sliding window (stride, padding, dilation, kernel size) as (H, W). An int n means (n, n),
/// a pair (h, w) sets each axis: <c>stride: 2</c> or <c>stride: (2, 1)</c> (§11).
/// </summary>
public readonly record struct Size2d(int H, int W)
{
    public static implicit operator Size2d(int n) => new(n, n);
    public static implicit operator Size2d((int H, int W) p) => new(p.H, p.W);
    public override string ToString() => $"{H}×{W}";
}

// Convolution (§11) built from two linear primitives and the matrix product.
//
// Im2Col copies every receptive field of x [N, C, H, W] into a column: cols [N, C·KH·KW, OutH·OutW]. Then a
// convolution layer is one matrix product per sample,
//     y[n] = W · cols(x)[n] + b,     W = w reshaped to [Cout, C·KH·KW],
// i.e. y[n, o, i, j] = Σ_{c, m, k} w[o, c, m, k] · x[n, c, i·s − p + m·d, j·s − p + k·d] + b[o]. This is the
// course's "correlation" (the kernel is not flipped); deep-learning libraries call it convolution, and a true
// convolution is the same op applied to ROT180(w).
//
// Backward (§11), read off the matrix form with the MatMul rules:
//     ∂C/∂W = δ · cols(x)ᵀ                  = the correlation of the input x with the output error δ,
//     ∂C/∂x = Col2Im(Wᵀ · δ)                = the full correlation of δ with ROT180(w) (δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ * ROT180(w⁽ˡ⁾));
//                                             with stride s, δ is first spread out with s − 1 zeros between entries,
//     ∂C/∂b = Σ_{n,i,j} δ.
// Col2Im is the adjoint of Im2Col (it sums each column entry back where it was copied from) and each is the
// other's backward, so the whole graph is made of differentiable ops and can be differentiated again
// (gradient penalty of WGAN-GP, eikonal loss). A transposed convolution is the same pieces in the other order.
public static partial class Op
{
    /// <summary>
    /// im2col: x [N, C, H, W] → cols [N, C·KH·KW, OutH·OutW]; row c·KH·KW + m·KW + k holds tap (m, k) of channel c at every
    /// output position, padded positions read as 0. Linear; its backward is <see cref="Col2Im"/> (§11).
    /// </summary>
    public static Tensor Im2Col(Tensor x, ConvGeometry g)
    {
        CheckGeometry("im2col", g);
        if (x.Rank != 4 || x.Shape[0] != g.N || x.Shape[1] != g.C || x.Shape[2] != g.H || x.Shape[3] != g.W)
            throw new ArgumentException($"im2col: x {x.Shape} does not match the geometry's input [{g.N}, {g.C}, {g.H}, {g.W}]");
        var cols = Empty(x, new Shape(g.N, g.C * g.KH * g.KW, g.OutH * g.OutW));
        B(x).Im2Col(x, cols, g);
        return Autograd.Record(cols, "im2col", [x], gc => [Col2Im(gc, g)]);
    }

    /// <summary>
    /// col2im, the adjoint of <see cref="Im2Col"/>: cols [N, C·KH·KW, OutH·OutW] → x [N, C, H, W], each entry added to
    /// the input position it was read from (overlapping windows sum; padded positions are dropped).
    /// Linear; its backward is <see cref="Im2Col"/> (§11).
    /// </summary>
    public static Tensor Col2Im(Tensor cols, ConvGeometry g)
    {
        CheckGeometry("col2im", g);
        int rows = g.C * g.KH * g.KW, cells = g.OutH * g.OutW;
        if (cols.Rank != 3 || cols.Shape[0] != g.N || cols.Shape[1] != rows || cols.Shape[2] != cells)
            throw new ArgumentException($"col2im: cols {cols.Shape} does not match the geometry's columns [{g.N}, {rows}, {cells}]");
        var x = Empty(cols, new Shape(g.N, g.C, g.H, g.W));
        B(cols).Col2Im(cols, x, g);
        return Autograd.Record(x, "col2im", [cols], gx => [Im2Col(gx, g)]);
    }

    /// <summary>
    /// 2-D convolution layer (cross-correlation, as in every deep-learning library, §11):
    /// y[n, o, i, j] = b[o] + Σ_{c, m, k} w[o, c, m, k] · x[n, g·C/groups + c, i·s − p + m·d, j·s − p + k·d], g = o's group.
    /// x [N, C, H, W], w [Cout, C/groups, KH, KW], bias [Cout] → y [N, Cout, OutH, OutW] with
    /// Out = ⌊(in + 2·pad − dil·(k − 1) − 1) / stride⌋ + 1. Groups split the channels into independent convolutions
    /// (groups = C = Cout: depthwise). Differentiable to any order.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? bias = null, Size2d? stride = null, Size2d? padding = null,
        Size2d? dilation = null, int groups = 1)
    {
        const string op = "conv2d";
        Guard.Rank(op, x, 4);
        if (w.Rank != 4) throw new ArgumentException($"{op}: weight must be [Cout, C/groups, KH, KW], got {w.Shape} (x {x.Shape})");
        var g = ConvChecks(op, x, w, bias, groups, x.Shape[1], w.Shape[0], w.Shape[1], transposed: false);
        var geometry = Window(op, x.Shape, w.Shape, w.Shape[2], w.Shape[3], stride ?? 1, padding ?? 0, dilation ?? 1);
        return g == 1 ? Convolve(x, w, bias, geometry) : ConvolveIm2Col(x, w, bias, geometry, g);
    }

    /// <summary>
    /// 1-D convolution layer (§11; WaveNet's causal dilated convolutions, §3): x [N, C, L], w [Cout, C/groups, K],
    /// bias [Cout] → y [N, Cout, Lout], Lout = ⌊(L + 2·pad − dil·(K − 1) − 1) / stride⌋ + 1. The 2-D layer with H = KH = 1.
    /// </summary>
    public static Tensor Conv1d(Tensor x, Tensor w, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        const string op = "conv1d";
        Guard.Rank(op, x, 3);
        if (w.Rank != 3) throw new ArgumentException($"{op}: weight must be [Cout, C/groups, K], got {w.Shape} (x {x.Shape})");
        var g = ConvChecks(op, x, w, bias, groups, x.Shape[1], w.Shape[0], w.Shape[1], transposed: false);
        var x4 = new Shape(x.Shape[0], x.Shape[1], 1, x.Shape[2]);
        var geometry = Window(op, x.Shape, w.Shape, 1, w.Shape[2], (1, stride), (0, padding), (1, dilation));
        var (x2, w2) = (Reshape(x, x4.ToArray()), Reshape(w, w.Shape[0], w.Shape[1], 1, w.Shape[2]));
        var y = g == 1 ? Convolve(x2, w2, bias, geometry) : ConvolveIm2Col(x2, w2, bias, geometry, g);
        return Reshape(y, y.Shape[0], y.Shape[1], y.Shape[3]);
    }

    /// <summary>
    /// Transposed convolution (§11, "learnable upsampling"): the adjoint of <see cref="Conv2d"/> with the same weight,
    /// so ⟨conv2d(z, w), x⟩ = ⟨z, convtranspose2d(x, w)⟩. Each input pixel adds a copy of the kernel, weighted by its
    /// value, into the output; copies overlap and sum. x [N, Cin, H, W], w [Cin, Cout/groups, KH, KW], bias [Cout] →
    /// y [N, Cout, Hout, Wout] with Hout = (H − 1)·stride − 2·pad + dil·(KH − 1) + outputPadding + 1
    /// (<see cref="ConvGeometry.TransposedOutputSize"/>).
    /// outputPadding (&lt; stride) picks among the output sizes that a stride-s convolution maps to the same H.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor w, Tensor? bias = null, Size2d? stride = null, Size2d? padding = null,
        Size2d? outputPadding = null, Size2d? dilation = null, int groups = 1)
    {
        const string op = "conv_transpose2d";
        Guard.Rank(op, x, 4);
        if (w.Rank != 4) throw new ArgumentException($"{op}: weight must be [Cin, Cout/groups, KH, KW], got {w.Shape} (x {x.Shape})");
        int cout = w.Shape[1] * groups;
        var grp = ConvChecks(op, x, w, bias, groups, x.Shape[1], cout, w.Shape[1], transposed: true);
        var geometry = TransposedWindow(op, x.Shape, w.Shape, w.Shape[2], w.Shape[3], cout,
            stride ?? 1, padding ?? 0, outputPadding ?? 0, dilation ?? 1);
        return grp == 1 ? ConvolveTransposed(x, w, bias, geometry) : TransposedIm2Col(x, w, bias, geometry, grp);
    }

    /// <summary>
    /// 1-D transposed convolution, the adjoint of <see cref="Conv1d"/>: x [N, Cin, L], w [Cin, Cout/groups, K] →
    /// y [N, Cout, (L − 1)·stride − 2·pad + dil·(K − 1) + outputPadding + 1] (§11).
    /// </summary>
    public static Tensor ConvTranspose1d(Tensor x, Tensor w, Tensor? bias = null, int stride = 1, int padding = 0,
        int outputPadding = 0, int dilation = 1, int groups = 1)
    {
        const string op = "conv_transpose1d";
        Guard.Rank(op, x, 3);
        if (w.Rank != 3) throw new ArgumentException($"{op}: weight must be [Cin, Cout/groups, K], got {w.Shape} (x {x.Shape})");
        int cout = w.Shape[1] * groups;
        var grp = ConvChecks(op, x, w, bias, groups, x.Shape[1], cout, w.Shape[1], transposed: true);
        var geometry = TransposedWindow(op, x.Shape, w.Shape, 1, w.Shape[2], cout, (1, stride), (0, padding), (0, outputPadding), (1, dilation));
        var (x2, w2) = (Reshape(x, x.Shape[0], x.Shape[1], 1, x.Shape[2]), Reshape(w, w.Shape[0], w.Shape[1], 1, w.Shape[2]));
        var y = grp == 1 ? ConvolveTransposed(x2, w2, bias, geometry) : TransposedIm2Col(x2, w2, bias, geometry, grp);
        return Reshape(y, y.Shape[0], y.Shape[1], y.Shape[3]);
    }

    // ---------- one group: three ops closed under differentiation ----------
    //
    // With one group the convolution is a backend primitive (the CPU computes it as an implicit GEMM, without writing
    // the im2col matrix). Its two gradients are primitives too, and the three form a family closed under
    // differentiation, so gradients of gradients stay in it (g is the geometry of the forward convolution):
    //     y  = conv(x, w):       ∂/∂x ← convᵀ(gy, w),    ∂/∂w ← conv_w(x, gy)
    //     gx = convᵀ(gy, w):     ∂/∂gy ← conv(ggx, w),   ∂/∂w ← conv_w(ggx, gy)     (⟨convᵀ(gy, w), v⟩ = ⟨gy, conv(v, w)⟩)
    //     gw = conv_w(x, gy):    ∂/∂x ← convᵀ(gy, ggw),  ∂/∂gy ← conv(x, ggw)      (⟨conv_w(x, gy), v⟩ = ⟨gy, conv(x, v)⟩)
    // A transposed convolution layer is convᵀ with the geometry of the convolution it is the adjoint of.

    /// <summary>conv(x, w) + bias with one group: y [N, Cout, OutH, OutW].</summary>
    static Tensor Convolve(Tensor x, Tensor w, Tensor? bias, ConvGeometry geo)
    {
        var y = Empty(x, new Shape(geo.N, w.Shape[0], geo.OutH, geo.OutW));
        B(x).Conv2d(x, w, bias, y, geo);
        if (bias is null)
            return Autograd.Record(y, "conv2d", [x, w], g => [
                x.RequiresGrad ? ConvInputGrad(g, w, geo) : null,
                w.RequiresGrad ? ConvWeightGrad(x, g, geo) : null]);
        return Autograd.Record(y, "conv2d", [x, w, bias], g => [
            x.RequiresGrad ? ConvInputGrad(g, w, geo) : null,
            w.RequiresGrad ? ConvWeightGrad(x, g, geo) : null,
            bias.RequiresGrad ? Sum(g, [0, 2, 3]) : null]);
    }

    /// <summary>convᵀ(gy, w): the adjoint of conv(·, w) in its input, gx [N, C, H, W] from gy [N, Cout, OutH, OutW].</summary>
    static Tensor ConvInputGrad(Tensor gy, Tensor w, ConvGeometry geo)
    {
        var gx = Empty(gy, new Shape(geo.N, geo.C, geo.H, geo.W));
        B(gy).Conv2dInputGrad(gy, w, gx, geo);
        return Autograd.Record(gx, "conv2d_input_grad", [gy, w], g => [
            gy.RequiresGrad ? Convolve(g, w, null, geo) : null,
            w.RequiresGrad ? ConvWeightGrad(g, gy, geo) : null]);
    }

    /// <summary>conv_w(x, gy) = Σ_n gy[n] · im2col(x[n])ᵀ: the adjoint of conv(x, ·) in the kernel, gw [Cout, C, KH, KW].</summary>
    static Tensor ConvWeightGrad(Tensor x, Tensor gy, ConvGeometry geo)
    {
        var gw = Empty(x, new Shape(gy.Shape[1], geo.C, geo.KH, geo.KW));
        B(x).Conv2dWeightGrad(x, gy, gw, geo);
        return Autograd.Record(gw, "conv2d_weight_grad", [x, gy], g => [
            x.RequiresGrad ? ConvInputGrad(gy, g, geo) : null,
            gy.RequiresGrad ? Convolve(x, g, null, geo) : null]);
    }

    /// <summary>A transposed convolution with one group: convᵀ(x, w) + bias, geo being the convolution from y's shape to x's.</summary>
    static Tensor ConvolveTransposed(Tensor x, Tensor w, Tensor? bias, ConvGeometry geo)
    {
        var y = ConvInputGrad(x, w, geo);
        return bias is null ? y : y + Reshape(bias, 1, geo.C, 1, 1);
    }

    // ---------- the two matrix forms ----------

    // y = W · Im2Col(x) per sample (and per group). With one group the weight [Cout, C·KH·KW] is shared by the batch of
    // column matrices [N, C·KH·KW, L], one small GEMM per sample; with G groups the columns are regrouped to
    // [G, Cg·KH·KW, N·L] so that one batched product runs over the groups.
    static Tensor ConvolveIm2Col(Tensor x, Tensor w, Tensor? bias, ConvGeometry geo, int groups)
    {
        int n = geo.N, cout = w.Shape[0], rows = w.Shape[1] * geo.KH * geo.KW, cells = geo.OutH * geo.OutW;
        var cols = Im2Col(x, geo);                                           // [N, C·KH·KW, L]
        Tensor y;
        if (groups == 1)
            y = MatMul(Reshape(w, cout, rows), cols);                        // [N, Cout, L]
        else
        {
            var cg = Permute(Reshape(cols, n, groups, rows, cells), 1, 2, 0, 3); // [G, Cg·KH·KW, N, L]
            var wg = Reshape(w, groups, cout / groups, rows);                     // [G, Cout/G, Cg·KH·KW]
            var yg = MatMul(wg, Reshape(cg, groups, rows, n * cells));           // [G, Cout/G, N·L]
            y = Reshape(Permute(Reshape(yg, groups, cout / groups, n, cells), 2, 0, 1, 3), n, cout, cells);
        }
        y = Reshape(y, n, cout, geo.OutH, geo.OutW);
        return bias is null ? y : y + Reshape(bias, 1, cout, 1, 1);
    }

    // The adjoint of ConvolveIm2Col in x: y = Col2Im(Wᵀ · x) with W the same [Cin, Cout·KH·KW] matrix read transposed;
    // geo describes the convolution that maps y's shape back to x's.
    static Tensor TransposedIm2Col(Tensor x, Tensor w, Tensor? bias, ConvGeometry geo, int groups)
    {
        int n = x.Shape[0], cin = x.Shape[1], cells = x.Shape[2] * x.Shape[3], cout = geo.C;
        int rows = w.Shape[1] * geo.KH * geo.KW;                              // Cout/G · KH·KW
        Tensor cols;
        if (groups == 1)
            cols = MatMul(Reshape(w, cin, rows), Reshape(x, n, cin, cells), transA: true); // [N, Cout·KH·KW, H·W]
        else
        {
            int cg = cin / groups;
            var xg = Permute(Reshape(x, n, groups, cg, cells), 1, 2, 0, 3);      // [G, Cin/G, N, H·W]
            var wg = Reshape(w, groups, cg, rows);                                // [G, Cin/G, Cout/G·KH·KW]
            var cgs = MatMul(wg, Reshape(xg, groups, cg, n * cells), transA: true); // [G, Cout/G·KH·KW, N·H·W]
            cols = Reshape(Permute(Reshape(cgs, groups, rows, n, cells), 2, 0, 1, 3), n, groups * rows, cells);
        }
        var y = Col2Im(cols, geo);                                            // [N, Cout, Hout, Wout]
        return bias is null ? y : y + Reshape(bias, 1, cout, 1, 1);
    }

    // ---------- checks ----------

    /// <summary>Channel and bias checks shared by the convolutions; returns the group count.</summary>
    static int ConvChecks(string op, Tensor x, Tensor w, Tensor? bias, int groups, int cin, int cout, int perGroup, bool transposed)
    {
        Guard.SameDTypeAndDevice(op, x, w);
        if (groups < 1) throw new ArgumentException($"{op}: groups must be ≥ 1, got {groups} (x {x.Shape}, weight {w.Shape})");
        if (cin % groups != 0)
            throw new ArgumentException($"{op}: groups = {groups} does not divide the {cin} input channels of x {x.Shape} (weight {w.Shape})");
        if (transposed)
        {
            if (w.Shape[0] != cin)
                throw new ArgumentException($"{op}: weight {w.Shape} has {w.Shape[0]} input channels but x {x.Shape} has {cin}");
        }
        else
        {
            if (cout % groups != 0)
                throw new ArgumentException($"{op}: groups = {groups} does not divide the {cout} output channels of weight {w.Shape} (x {x.Shape})");
            if (perGroup * groups != cin)
                throw new ArgumentException($"{op}: weight {w.Shape} expects {perGroup} input channels per group × {groups} group(s) = {perGroup * groups}, but x {x.Shape} has {cin}");
        }
        if (bias is not null)
        {
            Guard.SameDTypeAndDevice(op, x, bias);
            if (bias.Rank != 1 || bias.Shape[0] != cout)
                throw new ArgumentException($"{op}: bias must be [{cout}] (one per output channel), got {bias.Shape} (weight {w.Shape})");
        }
        return groups;
    }

    /// <summary>The geometry of a convolution over x [N, C, (H,) W], checking stride, padding, dilation and that the kernel fits.</summary>
    static ConvGeometry Window(string op, Shape x, Shape w, int kh, int kw, Size2d stride, Size2d padding, Size2d dilation)
    {
        bool oneD = x.Rank == 3;
        int h = oneD ? 1 : x[2], wd = x[-1];
        CheckSettings(op, x, w, stride, padding, dilation);
        int effH = dilation.H * (kh - 1) + 1, effW = dilation.W * (kw - 1) + 1;
        if (effH > h + 2 * padding.H || effW > wd + 2 * padding.W)
            throw new ArgumentException(
                $"{op}: kernel {Dims(kh, kw, oneD)} (dilation {Dims(dilation.H, dilation.W, oneD)}, spans {Dims(effH, effW, oneD)}) is larger than " +
                $"the padded input {Dims(h + 2 * padding.H, wd + 2 * padding.W, oneD)} (x {x}, weight {w}, padding {Dims(padding.H, padding.W, oneD)})");
        return new ConvGeometry(x[0], x[1], h, wd, kh, kw, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W);
    }

    /// <summary>
    /// The geometry of the convolution whose adjoint a transposed convolution is: its input is the transposed
    /// convolution's output [N, Cout, Hout, Wout], and its output size must come back to x's H × W.
    /// </summary>
    static ConvGeometry TransposedWindow(string op, Shape x, Shape w, int kh, int kw, int cout, Size2d stride, Size2d padding,
        Size2d outputPadding, Size2d dilation)
    {
        bool oneD = x.Rank == 3;
        int h = oneD ? 1 : x[2], wd = x[-1];
        CheckSettings(op, x, w, stride, padding, dilation);
        if (outputPadding.H < 0 || outputPadding.W < 0 || outputPadding.H >= stride.H || outputPadding.W >= stride.W)
            throw new ArgumentException($"{op}: output padding {Dims(outputPadding.H, outputPadding.W, oneD)} must be ≥ 0 and smaller than the stride {Dims(stride.H, stride.W, oneD)} (x {x}, weight {w})");
        int outH = ConvGeometry.TransposedOutputSize(h, kh, stride.H, padding.H, outputPadding.H, dilation.H);
        int outW = ConvGeometry.TransposedOutputSize(wd, kw, stride.W, padding.W, outputPadding.W, dilation.W);
        if (outH < 1 || outW < 1)
            throw new ArgumentException($"{op}: the output would be {Dims(outH, outW, oneD)}: padding {Dims(padding.H, padding.W, oneD)} is too large for x {x} and weight {w}");
        var g = new ConvGeometry(x[0], cout, outH, outW, kh, kw, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W);
        // with 0 ≤ outputPadding < stride the forward convolution of the output has exactly x's size (checked, not assumed)
        if (g.OutH != h || g.OutW != wd)
            throw new InvalidOperationException($"{op}: internal size mismatch, output {Dims(outH, outW, oneD)} convolves back to {Dims(g.OutH, g.OutW, oneD)}, not {Dims(h, wd, oneD)}");
        return g;
    }

    static void CheckSettings(string op, Shape x, Shape w, Size2d stride, Size2d padding, Size2d dilation)
    {
        bool oneD = x.Rank == 3;
        if (x.Size == 0) throw new ArgumentException($"{op}: empty input x {x} (weight {w})");
        if (stride.H < 1 || stride.W < 1)
            throw new ArgumentException($"{op}: stride must be ≥ 1, got {Dims(stride.H, stride.W, oneD)} (x {x}, weight {w})");
        if (dilation.H < 1 || dilation.W < 1)
            throw new ArgumentException($"{op}: dilation must be ≥ 1, got {Dims(dilation.H, dilation.W, oneD)} (x {x}, weight {w})");
        if (padding.H < 0 || padding.W < 0)
            throw new ArgumentException($"{op}: padding must be ≥ 0, got {Dims(padding.H, padding.W, oneD)} (x {x}, weight {w})");
        if (w[-1] < 1 || (!oneD && w[-2] < 1))
            throw new ArgumentException($"{op}: empty kernel in weight {w} (x {x})");
    }

    /// <summary>Checks a geometry handed to Im2Col/Col2Im directly.</summary>
    static void CheckGeometry(string op, ConvGeometry g)
    {
        if (g.N < 1 || g.C < 1 || g.H < 1 || g.W < 1 || g.KH < 1 || g.KW < 1 || g.StrideH < 1 || g.StrideW < 1
            || g.DilH < 1 || g.DilW < 1 || g.PadH < 0 || g.PadW < 0
            || g.DilH * (g.KH - 1) + 1 > g.H + 2 * g.PadH || g.DilW * (g.KW - 1) + 1 > g.W + 2 * g.PadW)
            throw new ArgumentException($"{op}: invalid geometry {g} (sizes, strides and dilations ≥ 1, padding ≥ 0, and the dilated kernel must fit in the padded input)");
    }

    static string Dims(int h, int w, bool oneD) => oneD ? $"{w}" : $"{h}×{w}";
}
