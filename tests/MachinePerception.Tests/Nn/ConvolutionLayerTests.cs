using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class ConvolutionLayerTests
{
    const DType F64 = DType.Float64;

    // y[n, o, i, j] = b[o] + Σ_{c, m, k} w[o, c, m, k] · x[n, g·Cg + c, i·s − p + m·d, j·s − p + k·d] (zero outside)
    static double[] Conv2dLoop(double[] x, int n, int cin, int h, int w, double[] k, int cout, int kh, int kw, double[]? b,
        int s, int p, int d, int groups, out int oh, out int ow)
    {
        oh = (h + 2 * p - d * (kh - 1) - 1) / s + 1;
        ow = (w + 2 * p - d * (kw - 1) - 1) / s + 1;
        int cg = cin / groups, og = cout / groups;
        var y = new double[n * cout * oh * ow];
        for (int b0 = 0; b0 < n; b0++)
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double acc = b?[o] ?? 0;
                        int g = o / og;
                        for (int c = 0; c < cg; c++)
                            for (int m = 0; m < kh; m++)
                                for (int q = 0; q < kw; q++)
                                {
                                    int r = i * s - p + m * d, col = j * s - p + q * d;
                                    if (r < 0 || r >= h || col < 0 || col >= w) continue;
                                    acc += k[((o * cg + c) * kh + m) * kw + q] * x[((b0 * cin + g * cg + c) * h + r) * w + col];
                                }
                        y[((b0 * cout + o) * oh + i) * ow + j] = acc;
                    }
        return y;
    }

    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 2, 2, 1)]
    [InlineData(1, 1, 1, 2)]
    public void Conv2d_forward_matches_a_plain_loop_and_its_gradients_match(int stride, int padding, int dilation, int groups)
    {
        var rng = new Rng(1);
        var conv = new Conv2d(2, 4, (3, 2), rng, stride, padding, dilation, groups, dtype: F64);
        var x = rng.Normal([2, 2, 6, 5], dtype: F64);
        var y = conv.Forward(x);
        var expected = Conv2dLoop(x.ToDoubleArray(), 2, 2, 6, 5, conv.Weight.ToDoubleArray(), 4, 3, 2, conv.Bias!.ToDoubleArray(),
            stride, padding, dilation, groups, out int oh, out int ow);
        Assert.Equal(new Shape(2, 4, oh, ow), y.Shape);
        var actual = y.ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
        LayerTests.CheckGradients(conv, conv.Forward, rng.Normal([1, 2, 5, 4], dtype: F64));
    }

    [Fact]
    public void Conv1d_forward_matches_a_plain_loop_and_its_gradients_match()
    {
        var rng = new Rng(2);
        var conv = new Conv1d(3, 2, 3, rng, stride: 1, padding: 2, dilation: 2, dtype: F64);
        var x = rng.Normal([2, 3, 7], dtype: F64);
        var y = conv.Forward(x);
        var expected = Conv1dLoop(x.ToDoubleArray(), conv.Weight.ToDoubleArray(), conv.Bias!.ToDoubleArray());
        Assert.Equal(new Shape(2, 2, 7), y.Shape); // 7 + 4 − 2·2 − 1 + 1 = 7
        var actual = y.ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
        LayerTests.CheckGradients(conv, conv.Forward, rng.Normal([1, 3, 6], dtype: F64));
    }

    // y[n, o, t] = b[o] + Σ_{c, k} w[o, c, k] · x[n, c, t − 2 + 2k] (padding 2, dilation 2)
    static double[] Conv1dLoop(double[] x, double[] w, double[] b)
    {
        var y = new double[2 * 2 * 7];
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 2; o++)
                for (int t = 0; t < 7; t++)
                {
                    double acc = b[o];
                    for (int c = 0; c < 3; c++)
                        for (int k = 0; k < 3; k++)
                        {
                            int at = t - 2 + 2 * k;
                            if (at >= 0 && at < 7) acc += w[(o * 3 + c) * 3 + k] * x[(n * 3 + c) * 7 + at];
                        }
                    y[(n * 2 + o) * 7 + t] = acc;
                }
        return y;
    }

    [Fact]
    public void ConvTranspose2d_scatters_kernel_copies_like_a_plain_loop_and_its_gradients_match()
    {
        var rng = new Rng(3);
        int cin = 2, cout = 3, h = 3, w = 4, kh = 3, kw = 2, s = 2, p = 1, op = 1;
        var conv = new ConvTranspose2d(cin, cout, (kh, kw), rng, stride: s, padding: p, outputPadding: op, dtype: F64);
        var x = rng.Normal([2, cin, h, w], dtype: F64);
        var y = conv.Forward(x);
        int oh = (h - 1) * s - 2 * p + (kh - 1) + op + 1, ow = (w - 1) * s - 2 * p + (kw - 1) + op + 1;
        Assert.Equal(new Shape(2, cout, oh, ow), y.Shape);
        var (xv, kv, bv) = (x.ToDoubleArray(), conv.Weight.ToDoubleArray(), conv.Bias!.ToDoubleArray());
        var expected = new double[2 * cout * oh * ow];
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) expected[((n * cout + o) * oh + i) * ow + j] = bv[o];
        // each input pixel adds x · kernel at (i·s − p + m, j·s − p + k)
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < cin; c++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        for (int o = 0; o < cout; o++)
                            for (int m = 0; m < kh; m++)
                                for (int k = 0; k < kw; k++)
                                {
                                    int r = i * s - p + m, col = j * s - p + k;
                                    if (r < 0 || r >= oh || col < 0 || col >= ow) continue;
                                    expected[((n * cout + o) * oh + r) * ow + col] += xv[((n * cin + c) * h + i) * w + j] * kv[((c * cout + o) * kh + m) * kw + k];
                                }
        var actual = y.ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
        LayerTests.CheckGradients(conv, conv.Forward, rng.Normal([1, cin, 2, 3], dtype: F64));
    }

    [Fact]
    public void Convolution_layers_are_seeded_and_reject_bad_channel_counts()
    {
        Assert.Equal(new Conv2d(2, 3, 3, new Rng(4)).Weight.ToFloatArray(), new Conv2d(2, 3, 3, new Rng(4)).Weight.ToFloatArray());
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, new Rng(1), groups: 2));
        Assert.StartsWith("Conv2d:", e.Message);
        var bound = 1 / Math.Sqrt(2 * 9);
        Assert.All(new Conv2d(2, 5, 3, new Rng(5)).Weight.ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
        var x = Assert.Throws<ArgumentException>(() => new Conv2d(2, 3, 3, new Rng(1)).Forward(Tensor.Zeros([1, 4, 5, 5])));
        Assert.StartsWith("conv2d:", x.Message);
    }

    [Fact]
    public void Pooling_layers_take_window_maxima_and_means()
    {
        var x = Tensor.FromArray([.. Enumerable.Range(0, 16).Select(i => (double)((i * 7) % 16))], 1, 1, 4, 4);
        var xv = x.ToDoubleArray();
        var max = new MaxPool2d(2).Forward(x).ToDoubleArray();
        var avg = new AvgPool2d(2).Forward(x).ToDoubleArray();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                double[] window = [xv[(2 * i) * 4 + 2 * j], xv[(2 * i) * 4 + 2 * j + 1], xv[(2 * i + 1) * 4 + 2 * j], xv[(2 * i + 1) * 4 + 2 * j + 1]];
                Assert.Equal(window.Max(), max[i * 2 + j]);
                Assert.Equal(window.Average(), avg[i * 2 + j], 14);
            }
        // a small CNN as one Sequential, with its gradients checked end to end
        var rng = new Rng(6);
        var cnn = new Sequential(new Conv2d(1, 2, 3, rng, padding: 1, dtype: F64), new Tanh(), new AvgPool2d(2), new Flatten(), new Linear(8, 3, rng, dtype: F64));
        LayerTests.CheckGradients(cnn, cnn.Forward, rng.Normal([2, 1, 4, 4], dtype: F64));
        Assert.Equal(new Shape(2, 3), cnn.Forward(rng.Normal([2, 1, 4, 4], dtype: F64)).Shape);
        // max pooling: random normal inputs have no ties within the finite-difference step
        var pool = new MaxPool2d(2, stride: 1);
        LayerTests.CheckGradients(pool, pool.Forward, rng.Normal([1, 2, 3, 3], dtype: F64));
    }
}
