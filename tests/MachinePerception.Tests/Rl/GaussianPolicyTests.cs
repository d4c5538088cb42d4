using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class GaussianPolicyTests
{
    const DType F64 = DType.Float64;

    [Fact]
    public void Log_density_matches_the_normal_formula()
    {
        var rng = new Rng(1);
        var pi = new GaussianPolicy(3, 2, 4, rng, initialStd: 0.7, dtype: F64);
        var s = rng.Normal([5, 3], dtype: F64);
        var a = rng.Normal([5, 2], dtype: F64);
        var mu = pi.Mean(s).ToJagged();
        var logp = pi.LogProbability(s, a).ToDoubleArray();
        var aa = a.ToJagged();
        for (int i = 0; i < 5; i++)
        {
            double expected = 0;
            for (int j = 0; j < 2; j++)
                expected += -0.5 * Math.Pow((aa[i][j] - mu[i][j]) / 0.7, 2) - Math.Log(0.7) - 0.5 * Math.Log(2 * Math.PI);
            Assert.Equal(expected, logp[i], 12);
        }
    }

    [Fact]
    public void Log_density_gradient_matches_finite_differences_in_float64()
    {
        var rng = new Rng(2);
        var pi = new GaussianPolicy(3, 2, 5, rng, dtype: F64);
        var s = rng.Normal([4, 3], dtype: F64).RequireGrad();
        var a = rng.Normal([4, 2], dtype: F64).RequireGrad();
        var r = GradCheck.RunOn(() => pi.LogProbability(s, a), [.. pi.Parameters(), s, a]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void The_mean_and_log_std_gradients_are_the_closed_forms()
    {
        var rng = new Rng(3);
        var pi = new GaussianPolicy(2, 1, 3, rng, initialStd: 0.4, dtype: F64);
        var s = rng.Normal([1, 2], dtype: F64);
        var a = Tensor.FromArray([0.9], 1, 1);
        var mu = pi.Mean(s).Detach().RequireGrad();
        double m = mu.Item();
        // ∂ log π/∂ log σ = z² − 1 with z = (a − μ)/σ
        var gLogStd = Autograd.Grad(pi.LogProbability(s, a), pi.LogStd).Item();
        double z = (0.9 - m) / 0.4;
        Assert.Equal(z * z - 1, gLogStd, 10);
        // ∂ log π/∂ μ = (a − μ)/σ² through the last layer's bias (∂μ/∂b = 1)
        var bias = ((MachinePerception.Nn.Linear)pi.MeanNetwork[4]).Bias!;
        Assert.Equal((0.9 - m) / 0.16, Autograd.Grad(pi.LogProbability(s, a), bias).Item(), 10);
    }

    [Fact]
    public void Samples_have_the_policy_mean_and_spread_and_bad_shapes_are_named()
    {
        var rng = new Rng(4);
        var pi = new GaussianPolicy(2, 1, 3, rng, initialStd: 0.3, dtype: F64);
        var s = Tensor.Zeros([4000, 2], F64);
        var x = pi.Sample(s, new Rng(9)).ToDoubleArray();
        double mean = x.Average(), sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
        Assert.Equal(pi.Mean(Tensor.Zeros([1, 2], F64)).Item(), mean, 1);
        Assert.InRange(sd, 0.28, 0.32);
        var ex = Assert.Throws<ArgumentException>(() => pi.LogProbability(s, Tensor.Zeros([4000, 2], F64)));
        Assert.StartsWith("GaussianPolicy.LogProbability", ex.Message);
        Assert.Contains("[4000, 2]", ex.Message);
    }
}
