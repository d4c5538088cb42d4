using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class NormalizationTests
{
    const DType F64 = DType.Float64;

    // Gain and shift set to random values so that the affine part is exercised too.
    static void Randomise(Module m, Rng rng)
    {
        foreach (var p in m.Parameters())
            rng.Normal(p.Shape, dtype: F64).AsSpan<double>().CopyTo(p.AsSpan<double>());
    }

    [Fact]
    public void LayerNorm_forward_matches_a_plain_loop_and_its_gradients_match()
    {
        var rng = new Rng(1);
        var ln = new LayerNorm(4, epsilon: 1e-5, dtype: F64);
        Randomise(ln, rng);
        var x = rng.Normal([3, 4], 2, 3, dtype: F64);
        var y = ln.Forward(x).ToDoubleArray();
        var (xs, g, b) = (x.ToDoubleArray(), ln.Gain!.ToDoubleArray(), ln.Shift!.ToDoubleArray());
        for (int n = 0; n < 3; n++)
        {
            double mean = 0, var = 0;
            for (int i = 0; i < 4; i++) mean += xs[n * 4 + i] / 4;
            for (int i = 0; i < 4; i++) var += (xs[n * 4 + i] - mean) * (xs[n * 4 + i] - mean) / 4;
            for (int i = 0; i < 4; i++)
                Assert.Equal((xs[n * 4 + i] - mean) / Math.Sqrt(var + 1e-5) * g[i] + b[i], y[n * 4 + i], 12);
        }
        LayerTests.CheckGradients(ln, ln.Forward, x);
        var ln2 = new LayerNorm([2, 3], dtype: F64);
        Randomise(ln2, rng);
        LayerTests.CheckGradients(ln2, ln2.Forward, rng.Normal([2, 2, 3], dtype: F64));
        var e = Assert.Throws<ArgumentException>(() => ln.Forward(rng.Normal([3, 5], dtype: F64)));
        Assert.StartsWith("LayerNorm:", e.Message);
    }

    [Fact]
    public void BatchNorm1d_training_forward_and_running_statistics_match_a_plain_loop()
    {
        var rng = new Rng(2);
        var bn = new BatchNorm1d(3, momentum: 0.1, dtype: F64);
        Randomise(bn, rng);
        int batch = 5;
        var x = rng.Normal([batch, 3], 1, 2, dtype: F64);
        var y = bn.Forward(x).ToDoubleArray();
        var (xs, g, b) = (x.ToDoubleArray(), bn.Gain!.ToDoubleArray(), bn.Shift!.ToDoubleArray());
        var runMean = bn.RunningMean.ToDoubleArray();
        var runVar = bn.RunningVariance.ToDoubleArray();
        for (int c = 0; c < 3; c++)
        {
            double mean = 0, var = 0;
            for (int n = 0; n < batch; n++) mean += xs[n * 3 + c] / batch;
            for (int n = 0; n < batch; n++) var += (xs[n * 3 + c] - mean) * (xs[n * 3 + c] - mean) / batch;
            for (int n = 0; n < batch; n++)
                Assert.Equal((xs[n * 3 + c] - mean) / Math.Sqrt(var + 1e-5) * g[c] + b[c], y[n * 3 + c], 12);
            // running ← 0.9·running + 0.1·batch statistic, from (0, 1); the variance is the unbiased one
            Assert.Equal(0.1 * mean, runMean[c], 14);
            Assert.Equal(0.9 + 0.1 * var * batch / (batch - 1), runVar[c], 14);
        }
    }

    [Fact]
    public void BatchNorm_in_eval_uses_the_running_statistics()
    {
        var rng = new Rng(3);
        var bn = new BatchNorm2d(2, momentum: 0.5, dtype: F64);
        for (int i = 0; i < 3; i++) bn.Forward(rng.Normal([4, 2, 3, 3], 5, 2, dtype: F64));
        bn.Eval();
        var x = rng.Normal([1, 2, 3, 3], dtype: F64);
        var y = bn.Forward(x).ToDoubleArray();
        var (xs, m, v) = (x.ToDoubleArray(), bn.RunningMean.ToDoubleArray(), bn.RunningVariance.ToDoubleArray());
        Assert.InRange(m[0], 2, 6); // moved from 0 towards the data mean 5
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 9; i++)
                Assert.Equal((xs[c * 9 + i] - m[c]) / Math.Sqrt(v[c] + 1e-5), y[c * 9 + i], 12);
        // eval never changes the running statistics, and a single sample is allowed
        Assert.Equal(m, bn.RunningMean.ToDoubleArray());
        // in eval a sample's output does not depend on the rest of its batch
        var alone = bn.Forward(x).ToDoubleArray();
        var batch = Tensor.FromArray([.. xs, .. rng.Normal([18], dtype: F64).ToDoubleArray()], 2, 2, 3, 3);
        var inBatch = bn.Forward(batch).ToDoubleArray()[..18];
        Assert.Equal(alone, inBatch);
    }

    [Fact]
    public void BatchNorm_gradients_match_finite_differences_in_training_and_eval()
    {
        var rng = new Rng(4);
        var bn1 = new BatchNorm1d(3, dtype: F64);
        Randomise(bn1, rng);
        LayerTests.CheckGradients(bn1, bn1.Forward, rng.Normal([4, 3], dtype: F64));
        LayerTests.CheckGradients(bn1, bn1.Forward, rng.Normal([2, 3, 4], dtype: F64));
        var bn2 = new BatchNorm2d(2, dtype: F64);
        Randomise(bn2, rng);
        LayerTests.CheckGradients(bn2, bn2.Forward, rng.Normal([2, 2, 3, 2], dtype: F64));
        bn2.Eval();
        LayerTests.CheckGradients(bn2, bn2.Forward, rng.Normal([2, 2, 3, 2], dtype: F64));
    }

    [Fact]
    public void BatchNorm_rejects_a_wrong_channel_count_and_a_single_value_per_channel()
    {
        var bn = new BatchNorm1d(3);
        var e = Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros([4, 2])));
        Assert.StartsWith("BatchNorm1d:", e.Message);
        Assert.Contains("[4, 2]", e.Message);
        Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros([1, 3])));
        Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros([2, 3, 4])));
    }
}
