using MachinePerception.Backends;
using MachinePerception.Data;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Ops;

/// <summary>
/// Float32 sums keep about seven digits however many numbers they add: long rows are summed in blocks whose partial
/// sums are added in float64, a long reduced axis in blocks of rows likewise. The references are plain float64 loops.
/// </summary>
public class SumAccuracyTests
{
    static Tensor Uniform(int n, int seed, params int[] shape)
    {
        var rng = new Rng(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)rng.NextDouble();
        return new Tensor(shape.Length == 0 ? new Shape(n) : new Shape(shape), new CpuStorage<float>(data));
    }

    [Fact]
    public void A_float32_sum_of_a_hundred_million_uniform_values_is_within_1e_minus_6_of_the_float64_sum()
    {
        const int n = 100_000_000;
        var x = Uniform(n, 1);
        double exact = 0;
        foreach (var v in x.AsSpan<float>()) exact += v;
        double sum = Op.Sum(x).Item(), mean = Op.Mean(x).Item();
        Assert.True(Math.Abs(sum - exact) <= 1e-6 * exact, $"sum {sum:R} vs float64 {exact:R}: relative {Math.Abs(sum - exact) / exact:E2}");
        Assert.True(Math.Abs(mean - exact / n) <= 1e-6 * exact / n, $"mean {mean:R} vs {exact / n:R}");
        // the same bits on one core as on two (the chunks are fixed, not per thread)
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = 1;
            Assert.Equal(sum, Op.Sum(x).Item());
        }
        finally { CpuParallel.MaxThreads = saved; }
    }

    [Fact]
    public void All_axes_of_an_image_batch_and_a_long_reduced_axis_keep_seven_digits()
    {
        // [6000, 1, 28, 28]: 4.7 million pixels (a tenth of Fashion-MNIST)
        var x = Uniform(6000 * 784, 2, 6000, 1, 28, 28);
        var xs = x.AsSpan<float>().ToArray();
        double exact = 0;
        foreach (var v in xs) exact += v;
        Assert.True(Math.Abs(Op.Sum(x).Item() - exact) <= 1e-6 * exact);
        Assert.True(Math.Abs(Op.Mean(x).Item() - exact / xs.Length) <= 1e-6 * exact / xs.Length);

        // the batch axis (6000 rows of 784): per pixel sums, and the per-channel sum over [0, 2, 3]
        var perPixel = Op.Sum(x, [0]).ToDoubleArray();
        for (int p = 0; p < 784; p += 97)
        {
            double e = 0;
            for (int i = 0; i < 6000; i++) e += xs[i * 784 + p];
            Assert.True(Math.Abs(perPixel[p] - e) <= 1e-6 * e, $"pixel {p}: {perPixel[p]:R} vs {e:R}");
        }
        Assert.True(Math.Abs(Op.Sum(x, [0, 2, 3]).Item() - exact) <= 1e-6 * exact);
        // the columns are split into blocks over the cores: the same bits on one core
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = 1;
            Assert.Equal(perPixel, Op.Sum(x, [0]).ToDoubleArray());
        }
        finally { CpuParallel.MaxThreads = saved; }
    }

    [Fact]
    public void Mean_and_std_of_every_fashion_mnist_pixel_match_float64()
    {
        // The example: 47 million pixels of the full copy (the shipped subset when it is missing). One running
        // float32 sum gave the mean 0.28605 and the std 0.35306 instead of 0.28604 and 0.35302.
        var x = FashionMnist.Load(Split.Train).Images; // [N, 1, 28, 28]
        var px = x.AsSpan<float>();
        double sum = 0;
        foreach (var v in px) sum += v;
        double mean = sum / px.Length, squares = 0;
        foreach (var v in px) squares += (v - mean) * (v - mean);
        double std = Math.Sqrt(squares / px.Length);
        double gotMean = Op.Mean(x).Item(), gotStd = Op.Std(x).Item();
        Assert.True(Math.Abs(gotMean - mean) <= 1e-6 * mean, $"mean {gotMean:R} vs float64 {mean:R}");
        Assert.True(Math.Abs(gotStd - std) <= 1e-6 * std, $"std {gotStd:R} vs float64 {std:R}");
    }

    [Fact]
    public void Sums_over_runs_of_axes_match_the_loops_in_float64()
    {
        var rng = new Rng(3);
        var x = rng.Normal([3, 4, 5, 6], dtype: DType.Float64);
        var v = x.ToDoubleArray();
        foreach (var axes in new[] { new[] { 0, 2, 3 }, new[] { 1, 2 }, new[] { 0, 1 }, new[] { 0, 3 }, new[] { 3 } })
        {
            var got = Op.Sum(x, axes, keepDims: true);
            var keep = got.Shape;
            var expected = new double[keep.Size];
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 4; b++)
                    for (int c = 0; c < 5; c++)
                        for (int d = 0; d < 6; d++)
                        {
                            int[] i = [a, b, c, d];
                            int at = 0;
                            for (int k = 0; k < 4; k++) at = at * keep[k] + (keep[k] == 1 ? 0 : i[k]);
                            expected[at] += v[((a * 4 + b) * 5 + c) * 6 + d];
                        }
            var g = got.ToDoubleArray();
            for (int k = 0; k < g.Length; k++) Assert.Equal(expected[k], g[k], 1e-12);
        }
    }
}
