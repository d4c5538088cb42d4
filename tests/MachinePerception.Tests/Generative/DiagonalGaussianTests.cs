using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Generative;

public class DiagonalGaussianTests
{
    [Fact]
    public void The_KL_closed_form_is_the_difference_of_the_two_integrals_and_matches_the_loss()
    {
        double[] mu = [0.3, -1.1, 0.8], v = [0.5, 2.0, 1.3];
        double[] zero = [0, 0, 0], one = [1, 1, 1];
        double viaIntegrals = DiagonalGaussian.CrossIntegral(mu, v, zero, one) - DiagonalGaussian.SelfIntegral(mu, v);
        Assert.Equal(DiagonalGaussian.NegativeKlToStandardNormal(mu, v), viaIntegrals, 1e-13);
        var kl = Losses.GaussianKL(Tensor.FromArray(mu, 1, 3), Tensor.FromArray(v.Select(x => Math.Log(x)).ToArray(), 1, 3));
        Assert.Equal(-kl.Item(), viaIntegrals, 1e-12);
        Assert.Equal(DiagonalGaussian.SelfIntegral(mu, v), DiagonalGaussian.CrossIntegral(mu, v, mu, v), 1e-13);
    }

    [Fact]
    public void Monte_Carlo_of_log_q_under_q_lands_within_five_standard_errors_of_the_closed_form()
    {
        double[] mu = [0.3, -1.1], v = [0.5, 2.0];
        var est = DiagonalGaussian.MonteCarlo(z => DiagonalGaussian.LogDensity(z, mu, v), mu, v, 4000, new Rng(11));
        Assert.True(est.MaxZScore([DiagonalGaussian.SelfIntegral(mu, v)]) < 5);
        Assert.True(est.MaxZScore([DiagonalGaussian.SelfIntegral(mu, v) + 2 * Math.Log(2 * Math.PI)]) > 20);
    }

    [Fact]
    public void A_non_positive_variance_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => DiagonalGaussian.SelfIntegral([0.0], [-1.0]));
        Assert.StartsWith("DiagonalGaussian.SelfIntegral", e.Message);
        Assert.Contains("-1", e.Message);
    }
}
