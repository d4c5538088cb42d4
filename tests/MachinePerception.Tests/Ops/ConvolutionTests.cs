using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;

using static MachinePerception.Tests.TestSupport.DenseReference;

namespace MachinePerception.Tests.Ops;

public class ConvolutionTests
{
    // ---------- independent references: nested loops over the definitions ----------

    /// <summary>y[n, o, i, j] = b[o] + Σ_{c, m, k} w[o, c, m, k] · x[n, g·Cg + c, i·s − p + m·d, j·s − p + k·d] (0 outside x).</summary>
    static double[] RefConv2d(double[] x, int n, int c, int h, int w, double[] wt, int cout, int kh, int kw, double[]? bias,
        int sh, int sw, int ph, int pw, int dh, int dw, int groups, out int oh, out int ow)
    {
        oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
        ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        int cg = c / groups, og = cout / groups;
        var y = new double[n * cout * oh * ow];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double s = bias?[o] ?? 0;
                        int grp = o / og;
                        for (int ci = 0; ci < cg; ci++)
                            for (int m = 0; m < kh; m++)
                                for (int k = 0; k < kw; k++)
                                {
                                    int ih = i * sh - ph + m * dh, iw = j * sw - pw + k * dw;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    s += wt[((o * cg + ci) * kh + m) * kw + k] * x[((b * c + grp * cg + ci) * h + ih) * w + iw];
                                }
                        y[((b * cout + o) * oh + i) * ow + j] = s;
                    }
        return y;
    }

    /// <summary>
    /// The transposed convolution by its scatter definition (§11: copies of the filter weighted by each input, summed
    /// on overlaps): y[n, g·Og + o, i·s − p + m·d, j·s − p + k·d] += x[n, c, i, j] · w[c, o, m, k] for c in group g.
    /// </summary>
    static double[] RefConvTranspose2d(double[] x, int n, int cin, int h, int w, double[] wt, int og, int kh, int kw, double[]? bias,
        int sh, int sw, int ph, int pw, int oph, int opw, int dh, int dw, int groups, out int oh, out int ow)
    {
        oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
        ow = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
        int cout = og * groups, cg = cin / groups;
        var y = new double[n * cout * oh * ow];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < cout; o++)
                for (int q = 0; q < oh * ow; q++)
                    y[(b * cout + o) * oh * ow + q] = bias?[o] ?? 0;
        for (int b = 0; b < n; b++)
            for (int ci = 0; ci < cin; ci++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        for (int o = 0; o < og; o++)
                            for (int m = 0; m < kh; m++)
                                for (int k = 0; k < kw; k++)
                                {
                                    int yi = i * sh - ph + m * dh, yj = j * sw - pw + k * dw;
                                    if (yi < 0 || yi >= oh || yj < 0 || yj >= ow) continue;
                                    int oc = ci / cg * og + o;
                                    y[((b * cout + oc) * oh + yi) * ow + yj] += x[((b * cin + ci) * h + i) * w + j] * wt[((ci * og + o) * kh + m) * kw + k];
                                }
        return y;
    }

    static double Dot(Tensor a, Tensor b) => Op.Sum(a * b).Item();

    // ---------- forward against the references ----------

    [Theory]
    // n, c, h, w, cout, kh, kw, sh, sw, ph, pw, dh, dw, groups
    [InlineData(1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1)]
    [InlineData(2, 3, 7, 5, 4, 3, 2, 2, 1, 1, 0, 1, 1, 1)]
    [InlineData(2, 2, 9, 8, 3, 3, 3, 2, 3, 2, 1, 2, 1, 1)]
    [InlineData(1, 4, 6, 7, 6, 2, 3, 1, 2, 1, 1, 1, 2, 2)]
    [InlineData(2, 3, 5, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3)]  // depthwise
    [InlineData(1, 4, 5, 5, 8, 1, 1, 1, 1, 0, 0, 1, 1, 4)]  // depthwise with a channel multiplier, 1×1 kernel
    [InlineData(2, 2, 1, 1, 3, 5, 5, 1, 1, 2, 2, 1, 1, 1)]  // padding wider than the input: whole taps fall in it
    [InlineData(1, 1, 2, 1, 2, 3, 3, 2, 1, 3, 3, 1, 2, 1)]
    public void Conv2d_matches_the_loop_definition(int n, int c, int h, int w, int cout, int kh, int kw,
        int sh, int sw, int ph, int pw, int dh, int dw, int groups)
    {
        var rng = new Rng(n * 1000 + c * 100 + h * 10 + w);
        var xv = rng.Normal([n, c, h, w], dtype: DType.Float64).ToDoubleArray();
        var wv = rng.Normal([cout, c / groups, kh, kw], dtype: DType.Float64).ToDoubleArray();
        var bv = rng.Normal([cout], dtype: DType.Float64).ToDoubleArray();
        var expected = RefConv2d(xv, n, c, h, w, wv, cout, kh, kw, bv, sh, sw, ph, pw, dh, dw, groups, out int oh, out int ow);
        foreach (var (dtype, tol) in new[] { (DType.Float64, 1e-12), (DType.Float32, 1e-5) })
        {
            var y = Op.Conv2d(T(xv, dtype, n, c, h, w), T(wv, dtype, cout, c / groups, kh, kw), T(bv, dtype, cout),
                stride: (sh, sw), padding: (ph, pw), dilation: (dh, dw), groups: groups);
            Assert.Equal(new Shape(n, cout, oh, ow), y.Shape);
            Assert.Equal(dtype, y.DType);
            Close(expected, y, tol);
        }
    }

    [Fact]
    public void Random_geometries_match_the_loop_definitions()
    {
        // sizes, strides, paddings (up to wider than the input), dilations and groups drawn at random
        var rng = new Rng(130);
        int tested = 0;
        while (tested < 40)
        {
            int groups = rng.NextInt(1, 4), c = groups * rng.NextInt(1, 3), cout = groups * rng.NextInt(1, 3);
            int n = rng.NextInt(1, 3), h = rng.NextInt(1, 7), w = rng.NextInt(1, 7), kh = rng.NextInt(1, 4), kw = rng.NextInt(1, 4);
            int sh = rng.NextInt(1, 4), sw = rng.NextInt(1, 4), ph = rng.NextInt(0, 4), pw = rng.NextInt(0, 4), dh = rng.NextInt(1, 3), dw = rng.NextInt(1, 3);
            if (dh * (kh - 1) + 1 > h + 2 * ph || dw * (kw - 1) + 1 > w + 2 * pw) continue;
            var xv = rng.Normal([n, c, h, w], dtype: DType.Float64).ToDoubleArray();
            var wv = rng.Normal([cout, c / groups, kh, kw], dtype: DType.Float64).ToDoubleArray();
            var expected = RefConv2d(xv, n, c, h, w, wv, cout, kh, kw, null, sh, sw, ph, pw, dh, dw, groups, out int oh, out int ow);
            var y = Op.Conv2d(Tensor.FromArray(xv, n, c, h, w), Tensor.FromArray(wv, cout, c / groups, kh, kw),
                stride: (sh, sw), padding: (ph, pw), dilation: (dh, dw), groups: groups);
            Assert.Equal(new Shape(n, cout, oh, ow), y.Shape);
            Close(expected, y, 1e-12);

            // the transposed convolution of the same draw, read as [Cin = c, Cout/G, kh, kw] weights on an h × w input
            int og = rng.NextInt(1, 3), oph = rng.NextInt(0, sh), opw = rng.NextInt(0, sw);
            int th = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1, tw = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
            if (th >= 1 && tw >= 1)
            {
                var wt = rng.Normal([c, og, kh, kw], dtype: DType.Float64).ToDoubleArray();
                var et = RefConvTranspose2d(xv, n, c, h, w, wt, og, kh, kw, null, sh, sw, ph, pw, oph, opw, dh, dw, groups, out _, out _);
                var yt = Op.ConvTranspose2d(Tensor.FromArray(xv, n, c, h, w), Tensor.FromArray(wt, c, og, kh, kw),
                    stride: (sh, sw), padding: (ph, pw), outputPadding: (oph, opw), dilation: (dh, dw), groups: groups);
                Assert.Equal(new Shape(n, og * groups, th, tw), yt.Shape);
                Close(et, yt, 1e-12);
            }
            tested++;
        }
    }

    [Theory]
    // n, c, l, cout, k, stride, pad, dil, groups
    [InlineData(2, 3, 11, 4, 3, 1, 1, 1, 1)]
    [InlineData(1, 2, 13, 2, 2, 2, 0, 3, 2)]
    [InlineData(3, 4, 9, 4, 3, 3, 2, 1, 4)]
    public void Conv1d_matches_the_loop_definition(int n, int c, int l, int cout, int k, int s, int p, int d, int groups)
    {
        var rng = new Rng(7 + l);
        var xv = rng.Normal([n, c, l], dtype: DType.Float64).ToDoubleArray();
        var wv = rng.Normal([cout, c / groups, k], dtype: DType.Float64).ToDoubleArray();
        // a 1-D signal is the 2-D case with H = KH = 1
        var expected = RefConv2d(xv, n, c, 1, l, wv, cout, 1, k, null, 1, s, 0, p, 1, d, groups, out _, out int lo);
        foreach (var (dtype, tol) in new[] { (DType.Float64, 1e-12), (DType.Float32, 1e-5) })
        {
            var y = Op.Conv1d(T(xv, dtype, n, c, l), T(wv, dtype, cout, c / groups, k), stride: s, padding: p, dilation: d, groups: groups);
            Assert.Equal(new Shape(n, cout, lo), y.Shape);
            Close(expected, y, tol);
        }
    }

    [Theory]
    // n, cin, h, w, coutPerGroup, kh, kw, sh, sw, ph, pw, oph, opw, dh, dw, groups
    [InlineData(1, 1, 3, 3, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1)]
    [InlineData(2, 3, 4, 5, 2, 3, 3, 2, 2, 1, 0, 1, 0, 1, 1, 1)]
    [InlineData(1, 4, 3, 4, 3, 2, 3, 3, 2, 0, 1, 2, 1, 2, 1, 2)]
    [InlineData(2, 3, 5, 4, 1, 3, 3, 2, 1, 1, 1, 1, 0, 1, 1, 3)]  // depthwise
    public void ConvTranspose2d_matches_the_scatter_definition(int n, int cin, int h, int w, int og, int kh, int kw,
        int sh, int sw, int ph, int pw, int oph, int opw, int dh, int dw, int groups)
    {
        var rng = new Rng(31 + h * w);
        var xv = rng.Normal([n, cin, h, w], dtype: DType.Float64).ToDoubleArray();
        var wv = rng.Normal([cin, og, kh, kw], dtype: DType.Float64).ToDoubleArray();
        var bv = rng.Normal([og * groups], dtype: DType.Float64).ToDoubleArray();
        var expected = RefConvTranspose2d(xv, n, cin, h, w, wv, og, kh, kw, bv, sh, sw, ph, pw, oph, opw, dh, dw, groups, out int oh, out int ow);
        foreach (var (dtype, tol) in new[] { (DType.Float64, 1e-12), (DType.Float32, 1e-5) })
        {
            var y = Op.ConvTranspose2d(T(xv, dtype, n, cin, h, w), T(wv, dtype, cin, og, kh, kw), T(bv, dtype, og * groups),
                stride: (sh, sw), padding: (ph, pw), outputPadding: (oph, opw), dilation: (dh, dw), groups: groups);
            Assert.Equal(new Shape(n, og * groups, oh, ow), y.Shape);
            Close(expected, y, tol);
        }
    }

    [Fact]
    public void ConvTranspose1d_matches_the_scatter_definition()
    {
        var rng = new Rng(5);
        int n = 2, cin = 4, l = 7, og = 3, k = 3, s = 2, p = 1, op = 1, d = 2, groups = 2;
        var xv = rng.Normal([n, cin, l], dtype: DType.Float64).ToDoubleArray();
        var wv = rng.Normal([cin, og, k], dtype: DType.Float64).ToDoubleArray();
        var expected = RefConvTranspose2d(xv, n, cin, 1, l, wv, og, 1, k, null, 1, s, 0, p, 0, op, 1, d, groups, out _, out int lo);
        var y = Op.ConvTranspose1d(T(xv, DType.Float64, n, cin, l), T(wv, DType.Float64, cin, og, k),
            stride: s, padding: p, outputPadding: op, dilation: d, groups: groups);
        Assert.Equal(new Shape(n, og * groups, lo), y.Shape);
        Close(expected, y, 1e-12);
    }

    [Fact]
    public void Im2Col_copies_each_receptive_field_into_a_column()
    {
        var g = new ConvGeometry(2, 3, 5, 6, 3, 2, StrideH: 2, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 2);
        var x = new Rng(3).Normal([2, 3, 5, 6], dtype: DType.Float64);
        var xv = x.ToDoubleArray();
        var cols = Op.Im2Col(x, g);
        Assert.Equal(new Shape(2, 3 * 3 * 2, g.OutH * g.OutW), cols.Shape);
        var expected = new double[cols.Size];
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int m = 0; m < 3; m++)
                    for (int k = 0; k < 2; k++)
                        for (int i = 0; i < g.OutH; i++)
                            for (int j = 0; j < g.OutW; j++)
                            {
                                int ih = i * 2 - 1 + m, iw = j - 1 + 2 * k;
                                int row = (c * 3 + m) * 2 + k;
                                expected[(n * 18 + row) * g.OutH * g.OutW + i * g.OutW + j] =
                                    ih < 0 || ih >= 5 || iw < 0 || iw >= 6 ? 0 : xv[((n * 3 + c) * 5 + ih) * 6 + iw];
                            }
        Close(expected, cols, 0);
    }

    [Fact]
    public void Parallel_kernels_agree_with_the_reference_and_repeat_bit_for_bit()
    {
        // 4·8 planes × 9 taps × 22² cells is above CpuParallel's threshold, so the chunked path runs
        int n = 4, c = 8, h = 24, w = 24, cout = 5;
        var rng = new Rng(99);
        var x = rng.Normal([n, c, h, w], dtype: DType.Float64);
        var wt = rng.Normal([cout, c, 3, 3], dtype: DType.Float64);
        var expected = RefConv2d(x.ToDoubleArray(), n, c, h, w, wt.ToDoubleArray(), cout, 3, 3, null, 1, 1, 0, 0, 1, 1, 1, out _, out _);
        var y1 = Op.Conv2d(x, wt);
        Close(expected, y1, 1e-12);
        Assert.Equal(y1.ToDoubleArray(), Op.Conv2d(x, wt).ToDoubleArray());
        var g = new ConvGeometry(n, c, h, w, 3, 3, PadH: 1, PadW: 1);
        var cols = rng.Normal([n, c * 9, g.OutH * g.OutW], dtype: DType.Float64);
        Assert.Equal(Op.Col2Im(cols, g).ToDoubleArray(), Op.Col2Im(cols, g).ToDoubleArray());
    }

    // ---------- adjoints ----------

    [Fact]
    public void Col2Im_is_the_adjoint_of_Im2Col()
    {
        // ⟨Im2Col(x), c⟩ = ⟨x, Col2Im(c)⟩ for every x and c: overlapping windows (stride < kernel), padding, dilation
        var g = new ConvGeometry(2, 2, 7, 6, 3, 3, StrideH: 2, StrideW: 1, PadH: 2, PadW: 1, DilH: 1, DilW: 2);
        var rng = new Rng(11);
        var x = rng.Normal([2, 2, 7, 6], dtype: DType.Float64);
        var c = rng.Normal([2, 18, g.OutH * g.OutW], dtype: DType.Float64);
        double lhs = Dot(Op.Im2Col(x, g), c), rhs = Dot(x, Op.Col2Im(c, g));
        Assert.Equal(lhs, rhs, 1e-10);
        // padding wider than the input, so some taps see only padding
        var wide = new ConvGeometry(1, 2, 1, 2, 5, 4, StrideH: 1, StrideW: 2, PadH: 2, PadW: 3);
        var xw = rng.Normal([1, 2, 1, 2], dtype: DType.Float64);
        var cw = rng.Normal([1, 40, wide.OutH * wide.OutW], dtype: DType.Float64);
        Assert.Equal(Dot(Op.Im2Col(xw, wide), cw), Dot(xw, Op.Col2Im(cw, wide)), 1e-10);
    }

    [Theory]
    // cin(of conv) , cout, groups, stride, pad, dil, k
    [InlineData(3, 4, 1, 2, 1, 1, 3)]
    [InlineData(4, 6, 2, 3, 0, 2, 2)]
    [InlineData(3, 3, 3, 1, 1, 1, 3)]
    public void ConvTranspose2d_is_the_adjoint_of_Conv2d(int c, int cout, int groups, int s, int p, int d, int k)
    {
        // ⟨conv(x, w), y⟩ = ⟨x, convᵀ(y, w)⟩ (§11): the transposed convolution takes the conv's weight [Cout, C/G, k, k]
        // as its own [Cin', Cout'/G, k, k] with Cin' = Cout, and the output padding restores x's size
        var rng = new Rng(21 + c * cout);
        int h = 8, w = 7;
        var x = rng.Normal([2, c, h, w], dtype: DType.Float64);
        var wt = rng.Normal([cout, c / groups, k, k], dtype: DType.Float64);
        var conv = Op.Conv2d(x, wt, stride: s, padding: p, dilation: d, groups: groups);
        var y = rng.Normal(conv.Shape, dtype: DType.Float64);
        int opH = h - ((conv.Shape[2] - 1) * s - 2 * p + d * (k - 1) + 1);
        int opW = w - ((conv.Shape[3] - 1) * s - 2 * p + d * (k - 1) + 1);
        var back = Op.ConvTranspose2d(y, wt, stride: s, padding: p, outputPadding: (opH, opW), dilation: d, groups: groups);
        Assert.Equal(x.Shape, back.Shape);
        Assert.Equal(Dot(conv, y), Dot(x, back), 1e-10);
    }

    // ---------- gradients ----------

    // A convolution is linear in each single entry of x, w and b, so a centered difference has no truncation error
    // at any step; all its error is rounding, ≈ ε·|L| / h. A step of 1e-3 instead of 1e-6 makes that 1000× smaller,
    // which matters for the entries whose gradient happens to be small (sums of terms that cancel).
    const double LinearStep = 1e-3;

    [Theory]
    [InlineData(1, 1, 1, 1, 1)]
    [InlineData(2, 1, 1, 2, 2)]
    [InlineData(1, 2, 2, 1, 2)]
    [InlineData(2, 0, 1, 1, 4)]   // depthwise
    public void Conv2d_gradients_match_finite_differences(int s, int p, int d, int groups, int cout)
    {
        var rng = new Rng(40 + s * 7 + p * 3 + groups);
        var x = rng.Normal([2, 4, 6, 5], dtype: DType.Float64);
        var w = rng.Normal([cout, 4 / groups, 3, 2], dtype: DType.Float64);
        var b = rng.Normal([cout], dtype: DType.Float64);
        var r = GradCheck.Run(t => Op.Conv2d(t[0], t[1], t[2], stride: s, padding: (p, 1), dilation: d, groups: groups), [x, w, b], step: LinearStep);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Conv1d_and_ConvTranspose1d_gradients_match_finite_differences()
    {
        var rng = new Rng(50);
        var x = rng.Normal([2, 2, 9], dtype: DType.Float64);
        var w = rng.Normal([4, 1, 3], dtype: DType.Float64);
        var b = rng.Normal([4], dtype: DType.Float64);
        var r = GradCheck.Run(t => Op.Conv1d(t[0], t[1], t[2], stride: 2, padding: 1, dilation: 2, groups: 2), [x, w, b], step: LinearStep);
        Assert.True(r.Passed, r.Summary);
        var wt = rng.Normal([2, 3, 3], dtype: DType.Float64);
        r = GradCheck.Run(t => Op.ConvTranspose1d(t[0], t[1], stride: 2, padding: 1, outputPadding: 1), [x, wt], step: LinearStep);
        Assert.True(r.Passed, r.Summary);
    }

    [Theory]
    [InlineData(1, 0, 0, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(2, 1, 0, 2)]
    public void ConvTranspose2d_gradients_match_finite_differences(int s, int p, int op, int groups)
    {
        var rng = new Rng(60 + s + groups);
        var x = rng.Normal([2, 4, 3, 4], dtype: DType.Float64);
        var w = rng.Normal([4, 3, 3, 2], dtype: DType.Float64);
        var b = rng.Normal([3 * groups], dtype: DType.Float64);
        var r = GradCheck.Run(t => Op.ConvTranspose2d(t[0], t[1], t[2], stride: s, padding: p, outputPadding: op, groups: groups), [x, w, b], step: LinearStep);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Im2Col_and_Col2Im_gradients_match_finite_differences()
    {
        var g = new ConvGeometry(1, 2, 5, 4, 2, 3, StrideH: 2, StrideW: 1, PadH: 1, PadW: 1, DilH: 2, DilW: 1);
        var rng = new Rng(70);
        var r = GradCheck.Run(t => Op.Im2Col(t[0], g), [rng.Normal([1, 2, 5, 4], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
        r = GradCheck.Run(t => Op.Col2Im(t[0], g), [rng.Normal([1, 12, g.OutH * g.OutW], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Conv2d_second_derivatives_match_finite_differences()
    {
        var rng = new Rng(80);
        var x = rng.Normal([1, 2, 5, 4], dtype: DType.Float64);
        var w = rng.Normal([4, 1, 2, 3], dtype: DType.Float64);
        var b = rng.Normal([4], dtype: DType.Float64);
        var r = GradCheck.RunSecondOrder(t => Op.Tanh(Op.Conv2d(t[0], t[1], t[2], stride: (2, 1), padding: 1, groups: 2)), [x, w, b]);
        Assert.True(r.Passed, r.Summary);
    }

    [Theory]
    [InlineData(1, 1, 1)]   // one group, stride 1: the implicit-GEMM primitives and their gradients
    [InlineData(2, 1, 1)]   // stride 2: the explicit path
    [InlineData(1, 2, 2)]   // dilated
    public void Conv2d_second_derivatives_with_one_group_match_finite_differences(int s, int p, int d)
    {
        var rng = new Rng(83 + s + d);
        var x = rng.Normal([2, 2, 5, 4], dtype: DType.Float64);
        var w = rng.Normal([3, 2, 3, 2], dtype: DType.Float64);
        var b = rng.Normal([3], dtype: DType.Float64);
        var r = GradCheck.RunSecondOrder(t => Op.Tanh(Op.Conv2d(t[0], t[1], t[2], stride: s, padding: (p, 1), dilation: d)), [x, w, b]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void ConvTranspose2d_second_derivatives_match_finite_differences()
    {
        var rng = new Rng(81);
        var x = rng.Normal([1, 2, 3, 3], dtype: DType.Float64);
        var w = rng.Normal([2, 2, 3, 2], dtype: DType.Float64);
        var r = GradCheck.RunSecondOrder(t => Op.Tanh(Op.ConvTranspose2d(t[0], t[1], stride: 2, padding: 1, outputPadding: 1)), [x, w]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Gradient_penalty_through_a_convolution_matches_finite_differences()
    {
        // WGAN-GP style: ‖∇ₓ Σ tanh(conv(x, w))‖² differentiated w.r.t. w and x
        var rng = new Rng(82);
        var x = rng.Normal([1, 1, 4, 4], dtype: DType.Float64);
        var w = rng.Normal([2, 1, 3, 3], dtype: DType.Float64);
        var r = GradCheck.Run(t =>
        {
            var gx = Autograd.Grad([Op.Sum(Op.Tanh(Op.Conv2d(t[0], t[1], padding: 1)))], [t[0]], createGraph: true)[0]!;
            return Op.Sum(gx * gx);
        }, [x, w]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Backward_is_full_correlation_with_the_rotated_kernel_and_correlation_of_input_with_delta()
    {
        // §11: δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ * ROT180(w) (full, i.e. δ zero-padded by k−1) and ∂C/∂w[m, k] = Σ_ij δ[i, j] · x[i + m, j + k]
        int h = 6, w = 5, kh = 3, kw = 2;
        var rng = new Rng(90);
        var x = rng.Normal([1, 1, h, w], dtype: DType.Float64).RequireGrad();
        var wt = rng.Normal([1, 1, kh, kw], dtype: DType.Float64).RequireGrad();
        var y = Op.Conv2d(x, wt);
        int oh = y.Shape[2], ow = y.Shape[3];
        var delta = rng.Normal(y.Shape, dtype: DType.Float64);
        var grads = Autograd.Grad([y], [x, wt], [delta]);
        double[] d = delta.ToDoubleArray(), xv = x.ToDoubleArray(), wv = wt.ToDoubleArray();
        var gx = new double[h * w];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
                for (int m = 0; m < kh; m++)
                    for (int k = 0; k < kw; k++)
                    {
                        // rot[m, k] = w[kh−1−m, kw−1−k]; δ padded by (kh−1, kw−1) read at (i + m, j + k)
                        int di = i + m - (kh - 1), dj = j + k - (kw - 1);
                        if (di < 0 || di >= oh || dj < 0 || dj >= ow) continue;
                        gx[i * w + j] += d[di * ow + dj] * wv[(kh - 1 - m) * kw + (kw - 1 - k)];
                    }
        Close(gx, grads[0]!, 1e-12);
        var gw = new double[kh * kw];
        for (int m = 0; m < kh; m++)
            for (int k = 0; k < kw; k++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                        gw[m * kw + k] += d[i * ow + j] * xv[(i + m) * w + j + k];
        Close(gw, grads[1]!, 1e-12);
    }

    // ---------- properties ----------

    [Fact]
    public void Convolution_is_shift_equivariant_away_from_the_borders()
    {
        // conv(shift(x)) = shift(conv(x)) on every output whose window stays inside both images
        int h = 9, w = 8, a = 2, b = 1;
        var rng = new Rng(100);
        var xv = rng.Normal([1, 2, h, w], dtype: DType.Float64).ToDoubleArray();
        var shifted = new double[xv.Length];
        for (int c = 0; c < 2; c++)
            for (int i = a; i < h; i++)
                for (int j = b; j < w; j++)
                    shifted[(c * h + i) * w + j] = xv[(c * h + i - a) * w + j - b];
        var wt = rng.Normal([3, 2, 3, 3], dtype: DType.Float64);
        var y = Op.Conv2d(Tensor.FromArray(xv, 1, 2, h, w), wt);
        var ys = Op.Conv2d(Tensor.FromArray(shifted, 1, 2, h, w), wt);
        int oh = y.Shape[2], ow = y.Shape[3];
        int compared = 0;
        for (int o = 0; o < 3; o++)
            for (int i = a; i < oh; i++)
                for (int j = b; j < ow; j++, compared++)
                    Assert.Equal(y[0, o, i - a, j - b], ys[0, o, i, j], 1e-12);
        Assert.True(compared > 20);
    }

    [Fact]
    public void Output_size_formula_matches_the_counted_windows_and_the_actual_shapes()
    {
        var rng = new Rng(110);
        int tested = 0;
        for (int trial = 0; trial < 60; trial++)
        {
            int input = rng.NextInt(1, 12), pad = rng.NextInt(0, 3), dil = rng.NextInt(1, 4), k = rng.NextInt(1, 5), stride = rng.NextInt(1, 4);
            int span = dil * (k - 1) + 1;
            if (span > input + 2 * pad) continue;
            // count the window starts o·stride (in padded coordinates) whose last tap stays inside the padded input
            int count = 0;
            for (int start = 0; start + span <= input + 2 * pad; start += stride) count++;
            int formula = (int)Math.Floor((input + 2.0 * pad - dil * (k - 1) - 1) / stride) + 1;
            Assert.Equal(count, formula);
            var x = Tensor.Zeros([1, 1, input, input + 1]);
            var y = Op.Conv2d(x, Tensor.Zeros([1, 1, k, k]), stride: stride, padding: pad, dilation: dil);
            int countW = 0;
            for (int start = 0; start + span <= input + 1 + 2 * pad; start += stride) countW++;
            Assert.Equal(new Shape(1, 1, count, countW), y.Shape);
            Assert.Equal(count, Op.Conv1d(Tensor.Zeros([1, 1, input]), Tensor.Zeros([1, 1, k]), stride: stride, padding: pad, dilation: dil).Shape[2]);
            tested++;
        }
        Assert.True(tested > 20, $"only {tested} geometries fit");
    }

    [Fact]
    public void Valid_output_range_of_a_tap_matches_brute_force()
    {
        // the kernels' inner loops rely on: o in [lo, hi) ⇔ 0 ≤ o·stride − pad + offset < size
        var rng = new Rng(120);
        for (int trial = 0; trial < 300; trial++)
        {
            int size = rng.NextInt(1, 8), stride = rng.NextInt(1, 4), pad = rng.NextInt(0, 5), offset = rng.NextInt(0, 9), outSize = rng.NextInt(1, 8);
            var (lo, hi) = CpuBackend.ValidRange(outSize, size, stride, pad, offset);
            Assert.InRange(lo, 0, outSize);
            Assert.InRange(hi, lo, outSize);
            for (int o = 0; o < outSize; o++)
            {
                int i = o * stride - pad + offset;
                Assert.True((i >= 0 && i < size) == (o >= lo && o < hi), $"size {size}, stride {stride}, pad {pad}, offset {offset}, o {o}: [{lo}, {hi})");
            }
        }
    }

    // ---------- bad input ----------

    static void Throws(string op, Action call, params string[] mentions)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.StartsWith(op + ":", e.Message);
        foreach (var m in mentions) Assert.Contains(m, e.Message);
    }

    [Fact]
    public void Bad_input_gives_messages_naming_the_op_and_the_shapes()
    {
        var x = Tensor.Zeros([2, 4, 5, 5]);
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 3, 3, 3])), "[2, 4, 5, 5]", "[3, 3, 3, 3]");
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 2, 3, 3]), groups: 3), "groups = 3", "[2, 4, 5, 5]");
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 2, 3, 3]), groups: 2), "groups = 2", "[3, 2, 3, 3]");
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 4, 7, 3])), "larger than the padded input", "[2, 4, 5, 5]", "[3, 4, 7, 3]");
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 4, 3, 3]), dilation: 3), "larger than the padded input");
        Throws("conv2d", () => Op.Conv2d(Tensor.Zeros([4, 5, 5]), Tensor.Zeros([3, 4, 3, 3])), "rank 4", "[4, 5, 5]");
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 4, 3])), "[3, 4, 3]");
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 4, 3, 3]), Tensor.Zeros([4])), "bias", "[4]");
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 4, 3, 3]), stride: 0), "stride");
        Throws("conv2d", () => Op.Conv2d(x, Tensor.Zeros([3, 4, 3, 3], DType.Float64)), "dtypes");
        Throws("conv2d", () => Op.Conv2d(Tensor.Zeros([0, 4, 5, 5]), Tensor.Zeros([3, 4, 3, 3])), "empty", "[0, 4, 5, 5]");
        Throws("conv1d", () => Op.Conv1d(Tensor.Zeros([1, 2, 4]), Tensor.Zeros([1, 2, 6])), "larger than the padded input", "[1, 2, 4]");
        Throws("conv_transpose2d", () => Op.ConvTranspose2d(x, Tensor.Zeros([3, 2, 3, 3])), "[3, 2, 3, 3]", "[2, 4, 5, 5]");
        Throws("conv_transpose2d", () => Op.ConvTranspose2d(x, Tensor.Zeros([4, 2, 3, 3]), stride: 2, outputPadding: 2), "output padding");
        Throws("conv_transpose2d", () => Op.ConvTranspose2d(Tensor.Zeros([1, 1, 1, 1]), Tensor.Zeros([1, 1, 1, 1]), padding: 1), "padding");
        Throws("im2col", () => Op.Im2Col(x, new ConvGeometry(2, 4, 5, 6, 3, 3)), "[2, 4, 5, 5]");
        Throws("col2im", () => Op.Col2Im(Tensor.Zeros([2, 36, 8]), new ConvGeometry(2, 4, 5, 5, 3, 3)), "[2, 36, 8]");
        Throws("im2col", () => Op.Im2Col(x, new ConvGeometry(2, 4, 5, 5, 3, 3, StrideH: 3, DilH: 3)), "geometry");
    }
}
