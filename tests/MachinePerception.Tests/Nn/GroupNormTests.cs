using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class GroupNormTests
{
    const DType F64 = DType.Float64;

    [Fact]
    public void GroupNorm_matches_a_plain_loop_and_its_gradients_match_finite_differences()
    {
        var rng = new Rng(1);
        var gn = new GroupNorm(2, 4, dtype: F64);
        foreach (var p in gn.Parameters()) rng.Normal(p.Shape, dtype: F64).AsSpan<double>().CopyTo(p.AsSpan<double>());
        var x = rng.Normal([3, 4, 2, 3], 1, 2, dtype: F64);
        var y = gn.Forward(x).ToDoubleArray();
        var (xs, g, b) = (x.ToDoubleArray(), gn.Gain.ToDoubleArray(), gn.Shift.ToDoubleArray());
        for (int n = 0; n < 3; n++)
            for (int group = 0; group < 2; group++)
            {
                // channels 2·group and 2·group + 1, all 6 positions: 12 numbers per group
                var idx = Enumerable.Range(0, 12).Select(k => ((n * 4 + group * 2 + k / 6) * 6) + k % 6).ToArray();
                double mean = idx.Average(i => xs[i]), variance = idx.Average(i => (xs[i] - mean) * (xs[i] - mean));
                foreach (var i in idx)
                {
                    int c = i / 6 % 4;
                    Assert.Equal((xs[i] - mean) / Math.Sqrt(variance + 1e-5) * g[c] + b[c], y[i], 12);
                }
            }
        LayerTests.CheckGradients(gn, gn.Forward, x);
    }

    [Fact]
    public void GroupNorm_refuses_channels_that_do_not_split_into_groups()
    {
        Assert.StartsWith("GroupNorm:", Assert.Throws<ArgumentException>(() => new GroupNorm(3, 4)).Message);
        var gn = new GroupNorm(2, 4);
        Assert.StartsWith("GroupNorm:", Assert.Throws<ArgumentException>(() => gn.Forward(new Rng(1).Normal([2, 6, 3, 3]))).Message);
    }
}
