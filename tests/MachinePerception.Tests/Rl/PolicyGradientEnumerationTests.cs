using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class PolicyGradientEnumerationTests
{
    static (FiniteMdp M, double[] Start, double[,] Theta) Small(int seed)
    {
        var rng = new Rng(seed);
        var m = FiniteMdp.Random(rng, 2, 2, 0.9);
        var theta = new double[2, 2];
        for (int s = 0; s < 2; s++)
            for (int a = 0; a < 2; a++) theta[s, a] = rng.NextNormal();
        return (m, [0.7, 0.3], theta);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Autodiff_finite_differences_and_both_score_function_forms_agree(int seed)
    {
        var (m, start, theta) = Small(seed);
        var taus = PolicyGradientEnumeration.Enumerate(m, start, 3);
        Assert.Equal(2 * 4 * 4 * 2, taus.Count);                               // |S|·(|A||S|)^{H−1}·|A| with H = 3
        var pi = PolicyGradientEnumeration.SoftmaxPolicy(theta);
        Assert.Equal(1, taus.Sum(t => t.DynamicsProbability * Enumerable.Range(0, 3).Aggregate(1.0, (p, k) => p * pi[t.States[k], t.Actions[k]])), 1e-12);
        var th = Tensor.FromArray(theta).RequireGrad();
        var j = PolicyGradientEnumeration.ObjectiveTensor(m, taus, th);
        Assert.Equal(PolicyGradientEnumeration.Objective(m, taus, theta), j.Item(), 1e-13);
        var auto = Autograd.Grad(j, th).ToDoubleArray();
        var fd = PolicyGradientEnumeration.FiniteDifferenceGradient(m, taus, theta);
        var whole = PolicyGradientEnumeration.ScoreFunctionExpectation(m, taus, theta, rewardToGo: false);
        var causal = PolicyGradientEnumeration.ScoreFunctionExpectation(m, taus, theta, rewardToGo: true);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(auto[i], whole[i], 1e-13);
            Assert.Equal(auto[i], causal[i], 1e-13);
            Assert.Equal(auto[i], fd[i], 1e-8);
        }
    }

    [Fact]
    public void A_state_dependent_baseline_changes_no_expectation_and_an_action_dependent_one_does()
    {
        var (m, start, theta) = Small(4);
        var taus = PolicyGradientEnumeration.Enumerate(m, start, 3);
        var exact = PolicyGradientEnumeration.ScoreFunctionExpectation(m, taus, theta, rewardToGo: true);
        var withBaseline = PolicyGradientEnumeration.ScoreFunctionExpectation(m, taus, theta, true, (t, s, _) => 2.5 * s - t + 0.7);
        var actionDependent = PolicyGradientEnumeration.ScoreFunctionExpectation(m, taus, theta, true, (_, _, a) => 3.0 * a);
        for (int i = 0; i < 4; i++) Assert.Equal(exact[i], withBaseline[i], 1e-13);
        Assert.True(exact.Zip(actionDependent, (x, y) => Math.Abs(x - y)).Max() > 0.1);
    }

    [Fact]
    public void Sampled_estimates_land_within_five_standard_errors()
    {
        var (m, start, theta) = Small(3);
        var taus = PolicyGradientEnumeration.Enumerate(m, start, 3);
        var exact = PolicyGradientEnumeration.ScoreFunctionExpectation(m, taus, theta, false);
        var est = PolicyGradientEnumeration.Sampled(m, start, 3, theta, 4000, new Rng(9), rewardToGo: true);
        Assert.True(est.MaxZScore(exact) < 5, $"z = {est.MaxZScore(exact)}");
    }

    [Fact]
    public void A_theta_of_the_wrong_shape_is_named()
    {
        var (m, start, _) = Small(1);
        var e = Assert.Throws<ArgumentException>(() => PolicyGradientEnumeration.Sampled(m, start, 3, new double[3, 2], 10, new Rng(1), false));
        Assert.StartsWith("PolicyGradientEnumeration.Sampled", e.Message);
        Assert.Contains("[3, 2]", e.Message);
    }

    [Fact]
    public void The_enumerated_objective_passes_the_gradient_check()
    {
        var (m, start, theta) = Small(4);
        var taus = PolicyGradientEnumeration.Enumerate(m, start, 3);
        var r = GradCheck.Run(x => PolicyGradientEnumeration.ObjectiveTensor(m, taus, x[0]), [Tensor.FromArray(theta)]);
        Assert.True(r.Passed, r.Summary);
    }
}
