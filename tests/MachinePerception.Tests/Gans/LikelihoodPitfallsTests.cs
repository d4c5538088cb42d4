using MachinePerception.Gans;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class LikelihoodPitfallsTests
{
    [Fact]
    public void A_noise_mixture_loses_at_most_minus_log_w_nats_per_point()
    {
        var rng = new Rng(1);
        var good = IsotropicMixture.Random(5, 20, 0.1, rng);
        var noisy = new NoiseMixture(good, 0.01, 1.0);
        var x = good.Sample(200, rng);
        var lp = good.LogDensity(x);
        var lm = noisy.LogDensity(x);
        for (int i = 0; i < x.Length; i++) Assert.True(lm[i] >= lp[i] + Math.Log(0.01) - 1e-12);
        // its samples: about 99 % far from every centre
        var far = good.NormalisedDistanceToNearestCentre(noisy.Sample(2000, rng)).Count(d => d > 2) / 2000.0;
        Assert.InRange(far, 0.97, 1.0);
    }

    [Fact]
    public void Mixture_log_density_of_one_component_is_the_gaussian_log_density()
    {
        var m = new IsotropicMixture([[0.5, -1.0, 2.0]], 0.7);
        double[] x = [0.1, 0.2, 0.3];
        double q = (0.4 * 0.4 + 1.2 * 1.2 + 1.7 * 1.7) / (2 * 0.49);
        Assert.Equal(-1.5 * Math.Log(2 * Math.PI * 0.49) - q, m.LogDensity([x])[0], 12);
    }

    [Fact]
    public void Kernel_density_matches_a_direct_sum_and_memorises_as_the_bandwidth_shrinks()
    {
        var rng = new Rng(2);
        var train = rng.Normal([30, 4], dtype: DType.Float64);
        var test = rng.Normal([5, 4], dtype: DType.Float64);
        var kde = new KernelDensity(train, 0.5);
        var t = train.ToDoubleArray();
        var q = test.ToDoubleArray();
        for (int i = 0; i < 5; i++)
        {
            double sum = 0;
            for (int j = 0; j < 30; j++)
            {
                double d2 = 0;
                for (int k = 0; k < 4; k++) d2 += (q[i * 4 + k] - t[j * 4 + k]) * (q[i * 4 + k] - t[j * 4 + k]);
                sum += Math.Exp(-d2 / 0.5) / Math.Pow(2 * Math.PI * 0.25, 2);
            }
            Assert.Equal(Math.Log(sum / 30), kde.LogDensity(test)[i], 10);
        }
        var sharp = new KernelDensity(train, 0.01);
        Assert.True(sharp.LogDensity(train).Average() > kde.LogDensity(train).Average());   // peaks at the training points
        Assert.True(sharp.LogDensity(test).Average() < kde.LogDensity(test).Average());     // nothing elsewhere
    }
}
