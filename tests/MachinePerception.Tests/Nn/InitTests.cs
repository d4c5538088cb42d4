using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class InitTests
{
    static (double Mean, double Variance) Moments(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        return (mean, v.Sum(x => (x - mean) * (x - mean)) / v.Length);
    }

    // 60 000 samples: the sample variance is within ≈ 1% (uniform) or ≈ 0.6% (normal) of the true one
    // at one standard error; 5% is a loose bound that still catches a wrong formula (factors of 2 or 3).
    const double RelTol = 0.05;

    [Fact]
    public void Xavier_variance_is_two_over_fan_in_plus_fan_out()
    {
        Shape shape = [200, 300];
        double expected = 2.0 / (200 + 300);
        var (m1, v1) = Moments(Init.XavierUniform(shape, new Rng(1)));
        var (m2, v2) = Moments(Init.XavierNormal(shape, new Rng(2)));
        Assert.InRange(v1 / expected, 1 - RelTol, 1 + RelTol);
        Assert.InRange(v2 / expected, 1 - RelTol, 1 + RelTol);
        Assert.InRange(m1, -0.002, 0.002);
        Assert.InRange(m2, -0.002, 0.002);
        double bound = Math.Sqrt(6.0 / 500);
        Assert.All(Init.XavierUniform(shape, new Rng(3)).ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
    }

    [Fact]
    public void Kaiming_variance_is_two_over_fan_and_fans_count_kernel_taps()
    {
        Shape conv = [40, 30, 5, 10]; // [out, in, kh, kw]: fan_in = 30·50, fan_out = 40·50
        Assert.Equal((1500, 2000), Init.Fans(conv));
        var (_, vIn) = Moments(Init.KaimingNormal(conv, new Rng(4)));
        var (_, vOut) = Moments(Init.KaimingUniform(conv, new Rng(5), fanOut: true));
        Assert.InRange(vIn / (2.0 / 1500), 1 - RelTol, 1 + RelTol);
        Assert.InRange(vOut / (2.0 / 2000), 1 - RelTol, 1 + RelTol);
        Assert.Throws<ArgumentException>(() => Init.Fans([5]));
    }

    [Theory]
    [InlineData(6, 4)]
    [InlineData(3, 7)]
    [InlineData(5, 5)]
    public void Orthogonal_weights_have_orthonormal_columns_or_rows(int rows, int cols)
    {
        var w = Init.Orthogonal([rows, cols], new Rng(6), dtype: DType.Float64).ToDoubleArray();
        // WᵀW = I when tall (columns orthonormal), WWᵀ = I when wide (rows orthonormal)
        bool tall = rows >= cols;
        int n = tall ? cols : rows;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                double dot = 0;
                for (int k = 0; k < (tall ? rows : cols); k++)
                    dot += tall ? w[k * cols + a] * w[k * cols + b] : w[a * cols + k] * w[b * cols + k];
                Assert.Equal(a == b ? 1.0 : 0.0, dot, 12);
            }
    }

    [Fact]
    public void Orthogonal_is_seeded_and_scaled_by_the_gain()
    {
        var a = Init.Orthogonal([4, 4], new Rng(7), gain: 2, dtype: DType.Float64).ToDoubleArray();
        var b = Init.Orthogonal([4, 4], new Rng(7), gain: 2, dtype: DType.Float64).ToDoubleArray();
        Assert.Equal(a, b);
        double columnNorm = Math.Sqrt(Enumerable.Range(0, 4).Sum(k => a[k * 4] * a[k * 4]));
        Assert.Equal(2.0, columnNorm, 12);
    }

    [Fact]
    public void Zeros_and_constants()
    {
        Assert.All(Init.Zeros([3, 2]).ToDoubleArray(), v => Assert.Equal(0.0, v));
        Assert.All(Init.Constant([3], 0.25, DType.Float64).ToDoubleArray(), v => Assert.Equal(0.25, v));
    }
}
