using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;

using static MachinePerception.Tests.TestSupport.DenseReference;

namespace MachinePerception.Tests.Ops;

public class PoolingTests
{
    /// <summary>
    /// Loop reference of max and average pooling over the padded window positions:
    /// max skips padding, the average counts it as zeros and divides by kh·kw.
    /// </summary>
    static (double[] Max, int[] ArgMax, double[] Avg, int Oh, int Ow) RefPool(double[] x, int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
        var max = new double[planes * oh * ow];
        var arg = new int[max.Length];
        var avg = new double[max.Length];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int at = -1;
                    for (int m = 0; m < kh; m++)
                        for (int k = 0; k < kw; k++)
                        {
                            int ih = i * sh - ph + m, iw = j * sw - pw + k;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                            double v = x[p * h * w + ih * w + iw];
                            sum += v;
                            if (v > best) { best = v; at = ih * w + iw; }
                        }
                    int o = (p * oh + i) * ow + j;
                    (max[o], arg[o], avg[o]) = (best, at, sum / (kh * kw));
                }
        return (max, arg, avg, oh, ow);
    }

    /// <summary>Distinct values at least 0.05 apart in random order, so a gradient check's step never flips an argmax.</summary>
    static Tensor Distinct(Rng rng, params int[] shape)
    {
        var s = new Shape(shape);
        var perm = rng.Permutation(s.Size);
        return Tensor.FromArray(perm.Select(i => (i - s.Size / 2) * 0.05).ToArray(), shape);
    }

    [Theory]
    // n, c, h, w, kh, kw, sh, sw, ph, pw
    [InlineData(1, 1, 4, 4, 2, 2, 2, 2, 0, 0)]
    [InlineData(2, 3, 7, 5, 3, 3, 2, 2, 1, 1)]
    [InlineData(1, 2, 9, 6, 3, 2, 1, 2, 1, 0)]
    [InlineData(2, 1, 5, 8, 2, 3, 3, 1, 0, 1)]
    // windows that tile the plane (the backend's fast path), with a ragged edge left out
    [InlineData(2, 2, 5, 7, 2, 2, 2, 2, 0, 0)]
    [InlineData(1, 3, 6, 6, 3, 2, 3, 2, 0, 0)]
    public void Pooling_matches_the_loop_definition(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        var xv = new Rng(h * 10 + w).Normal([n, c, h, w], dtype: DType.Float64).ToDoubleArray();
        var (max, arg, avg, oh, ow) = RefPool(xv, n * c, h, w, kh, kw, sh, sw, ph, pw);
        foreach (var (dtype, tol) in new[] { (DType.Float64, 1e-12), (DType.Float32, 1e-6) })
        {
            var x = T(xv, dtype, n, c, h, w);
            var r = Op.MaxPool2dWithIndices(x, (kh, kw), (sh, sw), (ph, pw));
            Assert.Equal(new Shape(n, c, oh, ow), r.Values.Shape);
            Close(max, r.Values, tol);
            Assert.Equal(arg.Select(i => (double)i).ToArray(), r.Indices.ToDoubleArray());
            Close(max, Op.MaxPool2d(x, (kh, kw), (sh, sw), (ph, pw)), tol);
            var a = Op.AvgPool2d(x, (kh, kw), (sh, sw), (ph, pw));
            Assert.Equal(new Shape(n, c, oh, ow), a.Shape);
            Close(avg, a, tol);
        }
    }

    [Fact]
    public void Random_geometries_match_the_loop_definition()
    {
        var rng = new Rng(12);
        int tested = 0;
        while (tested < 40)
        {
            int h = rng.NextInt(1, 8), w = rng.NextInt(1, 8), kh = rng.NextInt(1, 5), kw = rng.NextInt(1, 5);
            int sh = rng.NextInt(1, 4), sw = rng.NextInt(1, 4), ph = rng.NextInt(0, kh / 2 + 1), pw = rng.NextInt(0, kw / 2 + 1);
            if (kh > h + 2 * ph || kw > w + 2 * pw) continue;
            var xv = rng.Normal([2, 1, h, w], dtype: DType.Float64).ToDoubleArray();
            var (max, arg, avg, oh, ow) = RefPool(xv, 2, h, w, kh, kw, sh, sw, ph, pw);
            var x = Tensor.FromArray(xv, 2, 1, h, w);
            var r = Op.MaxPool2dWithIndices(x, (kh, kw), (sh, sw), (ph, pw));
            Assert.Equal(new Shape(2, 1, oh, ow), r.Values.Shape);
            Close(max, r.Values, 0);
            Assert.Equal(arg.Select(i => (double)i).ToArray(), r.Indices.ToDoubleArray());
            Close(avg, Op.AvgPool2d(x, (kh, kw), (sh, sw), (ph, pw)), 1e-12);
            tested++;
        }
    }

    [Fact]
    public void Ties_go_to_the_first_position_and_padding_never_wins()
    {
        // a constant −1 image: with padding read as 0 the maximum would be 0; every position ties, so the argmax is
        // each window's first (top-left) position inside the image
        int h = 4, w = 5;
        var x = Tensor.Full([1, 1, h, w], -1, DType.Float64);
        var r = Op.MaxPool2dWithIndices(x, 3, 2, 1);
        Assert.All(r.Values.ToDoubleArray(), v => Assert.Equal(-1, v));
        var expected = new List<double>();
        for (int i = 0; i < r.Values.Shape[2]; i++)
            for (int j = 0; j < r.Values.Shape[3]; j++)
                expected.Add(Math.Max(0, 2 * i - 1) * w + Math.Max(0, 2 * j - 1));
        Assert.Equal(expected, r.Indices.ToDoubleArray());
    }

    [Fact]
    public void Ties_in_tiling_windows_go_to_the_first_position()
    {
        // 2×2 windows with stride 2 and no padding: every window of a constant image ties; the first (top-left) wins
        var x = Tensor.Full([1, 1, 4, 6], 3, DType.Float32);
        var r = Op.MaxPool2dWithIndices(x, 2);
        Assert.Equal(new double[] { 0, 2, 4, 12, 14, 16 }, r.Indices.ToDoubleArray());
    }

    [Fact]
    public void Stride_defaults_to_the_kernel()
    {
        var x = new Rng(1).Normal([1, 2, 6, 7]);
        Assert.Equal(new Shape(1, 2, 3, 3), Op.MaxPool2d(x, 2).Shape);
        Assert.Equal(Op.AvgPool2d(x, 2, 2).ToDoubleArray(), Op.AvgPool2d(x, 2).ToDoubleArray());
    }

    [Fact]
    public void Pooling_1d_matches_the_loop_definition()
    {
        int n = 2, c = 3, l = 11, k = 3, s = 2, p = 1;
        var xv = new Rng(2).Normal([n, c, l], dtype: DType.Float64).ToDoubleArray();
        var (max, _, avg, _, ol) = RefPool(xv, n * c, 1, l, 1, k, 1, s, 0, p);
        var x = Tensor.FromArray(xv, n, c, l);
        var y = Op.MaxPool1d(x, k, s, p);
        Assert.Equal(new Shape(n, c, ol), y.Shape);
        Close(max, y, 1e-12);
        Close(avg, Op.AvgPool1d(x, k, s, p), 1e-12);
    }

    [Fact]
    public void Max_pool_gradient_lands_on_the_argmax()
    {
        // ∂z/∂x_i = [i = i*] (§11): δ goes to each window's maximum only; overlapping windows (stride 1) add
        int h = 6, w = 5;
        var x = Distinct(new Rng(3), 1, 2, h, w).RequireGrad();
        var y = Op.MaxPool2d(x, 3, 1, 1);
        var delta = new Rng(4).Normal(y.Shape, dtype: DType.Float64);
        var gx = Autograd.Grad([y], [x], [delta])[0]!.ToDoubleArray();
        var (_, arg, _, oh, ow) = RefPool(x.ToDoubleArray(), 2, h, w, 3, 3, 1, 1, 1, 1);
        var expected = new double[2 * h * w];
        var d = delta.ToDoubleArray();
        for (int p = 0; p < 2; p++)
            for (int o = 0; o < oh * ow; o++)
                expected[p * h * w + arg[p * oh * ow + o]] += d[p * oh * ow + o];
        Assert.Equal(expected.Length, gx.Length);
        for (int i = 0; i < gx.Length; i++) Assert.Equal(expected[i], gx[i], 1e-12);
        Assert.Contains(gx, v => v == 0);   // positions that never win get nothing
    }

    // Pooling is linear wherever no window changes its argmax, and Distinct spaces values 0.05 apart, so a step of
    // 1e-3 keeps centered differences free of truncation error while cutting their rounding error (≈ ε·|L| / h) 1000×.
    const double LinearStep = 1e-3;

    [Fact]
    public void Pooling_gradients_match_finite_differences()
    {
        var rng = new Rng(5);
        var x = Distinct(rng, 2, 2, 5, 6);
        var r = GradCheck.Run(t => Op.MaxPool2d(t[0], (2, 3), (2, 1), (1, 1)), [x], step: LinearStep);
        Assert.True(r.Passed, r.Summary);
        r = GradCheck.Run(t => Op.AvgPool2d(t[0], 3, 2, 1), [x], step: LinearStep);
        Assert.True(r.Passed, r.Summary);
        var x1 = Distinct(rng, 2, 2, 9);
        r = GradCheck.Run(t => Op.MaxPool1d(t[0], 3, 2, 1), [x1], step: LinearStep);
        Assert.True(r.Passed, r.Summary);
        r = GradCheck.Run(t => Op.AvgPool1d(t[0], 2), [x1], step: LinearStep);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Pooling_second_derivatives_match_finite_differences()
    {
        // pooling is piecewise linear; the tanh after it makes the second derivatives non-zero
        var x = Distinct(new Rng(6), 1, 2, 4, 5);
        var r = GradCheck.RunSecondOrder(t => Op.Tanh(Op.MaxPool2d(t[0], 2, 1)), [x]);
        Assert.True(r.Passed, r.Summary);
        r = GradCheck.RunSecondOrder(t => Op.Tanh(Op.AvgPool2d(t[0], 3, 1, 1)), [x]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Max_unpool_puts_each_value_back_where_its_maximum_came_from()
    {
        int h = 5, w = 6;
        var x = Distinct(new Rng(7), 2, 1, h, w);
        var r = Op.MaxPool2dWithIndices(x, 2);
        var up = Op.MaxUnpool2d(r.Values, r.Indices, (h, w));
        Assert.Equal(x.Shape, up.Shape);
        var xv = x.ToDoubleArray();
        var expected = new double[xv.Length];
        var (_, arg, _, oh, ow) = RefPool(xv, 2, h, w, 2, 2, 2, 2, 0, 0);
        for (int p = 0; p < 2; p++)
            for (int o = 0; o < oh * ow; o++)
                expected[p * h * w + arg[p * oh * ow + o]] = xv[p * h * w + arg[p * oh * ow + o]];
        Assert.Equal(expected, up.ToDoubleArray());
        // the last row of the 5-row image belongs to no window and stays 0
        for (int p = 0; p < 2; p++)
            for (int j = 0; j < w; j++) Assert.Equal(0, up[p, 0, h - 1, j]);

        var y = new Rng(8).Normal(r.Values.Shape, dtype: DType.Float64);
        var g = GradCheck.Run(t => Op.MaxUnpool2d(t[0], r.Indices, (h, w)), [y]);
        Assert.True(g.Passed, g.Summary);
        g = GradCheck.RunSecondOrder(t => Op.Tanh(Op.MaxUnpool2d(t[0], r.Indices, (h, w))), [y]);
        Assert.True(g.Passed, g.Summary);
    }

    [Fact]
    public void Upsample_duplicates_or_places_a_bed_of_nails()
    {
        int h = 2, w = 3, sh = 2, sw = 3;
        var x = new Rng(9).Normal([2, 2, h, w], dtype: DType.Float64);
        var xv = x.ToDoubleArray();
        var nearest = Op.Upsample(x, (sh, sw));
        var nails = Op.Upsample(x, (sh, sw), UpsampleMode.BedOfNails);
        Assert.Equal(new Shape(2, 2, h * sh, w * sw), nearest.Shape);
        for (int p = 0; p < 4; p++)
            for (int i = 0; i < h * sh; i++)
                for (int j = 0; j < w * sw; j++)
                {
                    double v = xv[p * h * w + i / sh * w + j / sw];
                    Assert.Equal(v, nearest[p / 2, p % 2, i, j]);
                    Assert.Equal(i % sh == 0 && j % sw == 0 ? v : 0, nails[p / 2, p % 2, i, j]);
                }
        var r = GradCheck.Run(t => Op.Upsample(t[0], 2), [x]);
        Assert.True(r.Passed, r.Summary);
        r = GradCheck.Run(t => Op.Upsample(t[0], (1, 2), UpsampleMode.BedOfNails), [x]);
        Assert.True(r.Passed, r.Summary);
        Assert.Equal(DType.Float32, Op.Upsample(x.To(DType.Float32), 2, UpsampleMode.BedOfNails).DType);
    }

    [Fact]
    public void Average_pooling_backward_is_its_adjoint()
    {
        // ⟨avgpool(x), y⟩ = ⟨x, avgpool_backward(y)⟩, the backward read off through autodiff
        var rng = new Rng(10);
        var x = rng.Normal([2, 2, 7, 6], dtype: DType.Float64).RequireGrad();
        var pooled = Op.AvgPool2d(x, 3, 2, 1);
        var y = rng.Normal(pooled.Shape, dtype: DType.Float64);
        var back = Autograd.Grad([pooled], [x], [y])[0]!;
        Assert.Equal(Op.Sum(pooled * y).Item(), Op.Sum(x * back).Item(), 1e-10);
    }

    static void Throws(string op, Action call, params string[] mentions)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.StartsWith(op + ":", e.Message);
        foreach (var m in mentions) Assert.Contains(m, e.Message);
    }

    [Fact]
    public void Bad_input_gives_messages_naming_the_op_and_the_shapes()
    {
        var x = Tensor.Zeros([1, 2, 4, 5]);
        Throws("max_pool2d", () => Op.MaxPool2d(Tensor.Zeros([2, 4, 5]), 2), "rank 4", "[2, 4, 5]");
        Throws("max_pool2d", () => Op.MaxPool2d(x, 3, 1, 2), "padding", "[1, 2, 4, 5]");
        Throws("avg_pool2d", () => Op.AvgPool2d(x, (5, 2)), "larger than the padded input", "[1, 2, 4, 5]");
        Throws("avg_pool2d", () => Op.AvgPool2d(x, 2, 0), "stride");
        Throws("max_pool1d", () => Op.MaxPool1d(Tensor.Zeros([1, 2, 3]), 4), "larger than the padded input", "[1, 2, 3]");
        var r = Op.MaxPool2dWithIndices(x, 2);
        Throws("max_unpool2d", () => Op.MaxUnpool2d(r.Values, Tensor.Zeros([1, 2, 2, 3]), (4, 5)), "[1, 2, 2, 3]", "[1, 2, 2, 2]");
        Throws("max_unpool2d", () => Op.MaxUnpool2d(r.Values, r.Indices, (2, 2)), "[1, 2, 2, 2]");
        Throws("avg_pool2d", () => Op.AvgPool2d(Tensor.Zeros([1, 0, 4, 4]), 2), "empty", "[1, 0, 4, 4]");
        Throws("upsample", () => Op.Upsample(x, 0), "scale");
    }
}
