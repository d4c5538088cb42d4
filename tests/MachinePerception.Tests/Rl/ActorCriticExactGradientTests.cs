using MachinePerception.Rl;

namespace MachinePerception.Tests.Rl;

public class ActorCriticExactGradientTests
{
    static readonly double[,] Theta = { { 0.2, -0.1 }, { 0.0, 0.3 }, { -0.2, 0.4 } };

    [Fact]
    public void The_gamma_weighted_update_is_the_gradient_of_J_and_the_unweighted_one_is_not()
    {
        var m = EpisodicMdp.Corridor();
        var truth = ActorCriticExactGradient.FiniteDifferenceGradient(m, Theta);
        var exact = ActorCriticExactGradient.ExpectedUpdate(m, Theta, discountEachStep: true);
        var summary = ActorCriticExactGradient.ExpectedUpdate(m, Theta, discountEachStep: false);
        double worstExact = 0, worstSummary = 0;
        for (int s = 0; s < 3; s++)
            for (int a = 0; a < 2; a++)
            {
                worstExact = Math.Max(worstExact, Math.Abs(exact[s, a] - truth[s, a]));
                worstSummary = Math.Max(worstSummary, Math.Abs(summary[s, a] - truth[s, a]));
            }
        Assert.True(worstExact < 1e-8, $"γ^t-weighted form vs finite differences: {worstExact}");
        Assert.True(worstSummary > 1e-2, $"unweighted form should differ: {worstSummary}");
    }

    [Fact]
    public void Values_satisfy_the_bellman_equation_and_visits_sum_to_the_expected_discounted_length()
    {
        var m = EpisodicMdp.Corridor();
        var pi = ActorCriticExactGradient.Policy(Theta);
        var v = ActorCriticExactGradient.Values(m, Theta);
        for (int s = 0; s < 3; s++)
        {
            double backup = 0;
            for (int a = 0; a < 2; a++)
            {
                double next = 0;
                for (int s2 = 0; s2 < 3; s2++) next += m.P[s, a, s2] * v[s2];
                backup += pi[s, a] * (m.R[s, a] + m.Gamma * next);
            }
            Assert.Equal(backup, v[s], 12);
        }
        // Σ_s d_γ(s) r_π(s) = J: the visit-weighted rewards give the objective again
        var d = ActorCriticExactGradient.Visits(m, Theta, m.Gamma);
        double viaVisits = Enumerable.Range(0, 3).Sum(s => d[s] * Enumerable.Range(0, 2).Sum(a => pi[s, a] * m.R[s, a]));
        Assert.Equal(ActorCriticExactGradient.Objective(m, Theta), viaVisits, 12);
        // advantages average to zero under the policy
        var adv = ActorCriticExactGradient.Advantages(m, Theta);
        for (int s = 0; s < 3; s++) Assert.Equal(0, pi[s, 0] * adv[s, 0] + pi[s, 1] * adv[s, 1], 12);
    }

    [Fact]
    public void Bad_input_is_named()
    {
        var m = EpisodicMdp.Corridor();
        var ex = Assert.Throws<ArgumentException>(() => ActorCriticExactGradient.Objective(m, new double[2, 2]));
        Assert.StartsWith("ActorCriticExactGradient", ex.Message);
        Assert.Contains("[2, 2]", ex.Message);
        var p = (double[,,])m.P.Clone();
        p[0, 1, 2] = 0.5;   // row 0.2 + 0.8 + 0.5 > 1
        Assert.Contains("P[0, 1, ·]", Assert.Throws<ArgumentException>(() => ActorCriticExactGradient.Values(m with { P = p }, Theta)).Message);
    }
}
