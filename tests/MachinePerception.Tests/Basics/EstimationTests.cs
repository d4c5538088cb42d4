using MachinePerception.Basics;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Basics;

public class EstimationTests
{
    [Fact]
    public void Closed_forms_are_the_numeric_maximisers()
    {
        Assert.Equal(Estimation.BernoulliMle(7, 20), Estimation.ArgMax(t => Estimation.BernoulliLogLikelihood(t, 7, 20), 1e-9, 1 - 1e-9), 1e-6);
        Assert.Equal(Estimation.BernoulliMap(7, 20, 3, 2),
            Estimation.ArgMax(t => Estimation.BernoulliLogLikelihood(t, 7, 20) + Estimation.BetaLogPrior(t, 3, 2), 1e-9, 1 - 1e-9), 1e-6);
        var rng = new Rng(4);
        var x = Enumerable.Range(0, 10).Select(_ => 2 + rng.NextNormal()).ToArray();
        Assert.Equal(Estimation.GaussianMeanMle(x), Estimation.ArgMax(m => Estimation.GaussianLogPosterior(m, x, 1), -10, 10), 1e-6);
        Assert.Equal(Estimation.GaussianMeanMap(x, 1, 0, 0.5),
            Estimation.ArgMax(m => Estimation.GaussianLogPosterior(m, x, 1, 0, 0.5), -10, 10), 1e-6);
    }

    [Fact]
    public void Cross_entropy_is_entropy_plus_kl()
    {
        var rng = new Rng(9);
        var p = InformationTheory.RandomDistribution(6, rng);
        var q = InformationTheory.RandomDistribution(6, rng);
        Assert.Equal(InformationTheory.CrossEntropy(p, q), InformationTheory.Entropy(p) + InformationTheory.KlDivergence(p, q), 1e-12);
        Assert.True(InformationTheory.KlDivergence(p, q) > 0);
        Assert.Equal(0, InformationTheory.KlDivergence(p, p), 1e-15);
    }
}
