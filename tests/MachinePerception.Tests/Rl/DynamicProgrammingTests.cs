using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class DynamicProgrammingTests
{
    // Two states, two actions. Action 0 stays (reward 1 in state 0, 0 in state 1), action 1 switches (reward 0 / 2).
    static FiniteMdp TwoStates(double gamma)
    {
        var p = new double[2, 2, 2];
        p[0, 0, 0] = 1; p[0, 1, 1] = 1;
        p[1, 0, 1] = 1; p[1, 1, 0] = 1;
        return new FiniteMdp(p, new double[,] { { 1, 0 }, { 0, 2 } }, gamma, ["x", "y"]);
    }

    [Fact]
    public void Constructor_rejects_bad_models_with_the_shapes_in_the_message()
    {
        var p = new double[2, 1, 2];
        p[0, 0, 0] = 0.5; p[0, 0, 1] = 0.4; p[1, 0, 1] = 1;
        var e = Assert.Throws<ArgumentException>(() => new FiniteMdp(p, new double[2, 1], 0.9));
        Assert.StartsWith("FiniteMdp", e.Message);
        Assert.Contains("P[0, 0, ·] sums to 0.9", e.Message);

        p[0, 0, 1] = 0.5;
        Assert.Contains("[2, 1]", Assert.Throws<ArgumentException>(() => new FiniteMdp(p, new double[2, 3], 0.9)).Message);
        Assert.Contains("γ = 1.5", Assert.Throws<ArgumentException>(() => new FiniteMdp(p, new double[2, 1], 1.5)).Message);
        Assert.Contains("[2, 1, 3]", Assert.Throws<ArgumentException>(() => new FiniteMdp(new double[2, 1, 3], new double[2, 1], 0.5)).Message);
        Assert.Contains("value vector has 3", Assert.Throws<ArgumentException>(
            () => DynamicProgramming.BellmanOptimality(new FiniteMdp(p, new double[2, 1], 0.5), new double[3])).Message);
        Assert.Contains("π(·|1) sums to 0.5", Assert.Throws<ArgumentException>(
            () => DynamicProgramming.EvaluatePolicyExact(new FiniteMdp(p, new double[2, 1], 0.5), new double[,] { { 1 }, { 0.5 } })).Message);
    }

    [Fact]
    public void Two_state_values_match_the_closed_form()
    {
        // Optimal: stay in x forever gives 1/(1−γ) = 10; from y, switching gives 2 + γ·10 = 11.
        var m = TwoStates(0.9);
        var vi = DynamicProgramming.ValueIteration(m, 1e-12);
        Assert.Equal(10, vi.Values[0], 1e-9);
        Assert.Equal(11, vi.Values[1], 1e-9);
        Assert.Equal([0, 1], vi.Policy);
        // Always switching: v(x) = 0 + γ v(y), v(y) = 2 + γ v(x) → v(x) = 2γ/(1−γ²), v(y) = 2/(1−γ²).
        var v = DynamicProgramming.EvaluatePolicyExact(m, m.DeterministicPolicy([1, 1]));
        Assert.Equal(2 * 0.9 / (1 - 0.81), v[0], 1e-12);
        Assert.Equal(2 / (1 - 0.81), v[1], 1e-12);
    }

    [Fact]
    public void Exact_and_iterative_evaluation_agree_and_satisfy_the_Bellman_equation()
    {
        var rng = new Rng(7);
        var m = FiniteMdp.Random(rng, 6, 3, 0.8);
        var pi = m.UniformPolicy();
        var exact = DynamicProgramming.EvaluatePolicyExact(m, pi);
        var iterative = DynamicProgramming.EvaluatePolicyIterative(m, pi, 1e-13, recordAt: [0, 1, 2]);
        Assert.True(DynamicProgramming.MaxAbsDifference(exact, iterative.Values) < 1e-11);
        Assert.True(DynamicProgramming.MaxAbsDifference(exact, DynamicProgramming.BellmanExpectation(m, pi, exact)) < 1e-12);
        Assert.All(iterative.Snapshots[0], x => Assert.Equal(0, x));
        Assert.Equal(DynamicProgramming.BellmanExpectation(m, pi, iterative.Snapshots[1]), iterative.Snapshots[2]);
        // The error shrinks at least by γ per sweep, so reaching 1e-13 takes about log(1e-13)/log(0.8) ≈ 134 sweeps at most.
        Assert.InRange(iterative.Sweeps, 10, 200);
    }

    [Fact]
    public void V_is_the_policy_average_of_Q()
    {
        var rng = new Rng(3);
        var m = FiniteMdp.Random(rng, 5, 4, 0.7);
        var pi = new double[5, 4];
        for (int s = 0; s < 5; s++)
        {
            double sum = 0;
            for (int a = 0; a < 4; a++) sum += pi[s, a] = rng.NextDouble();
            for (int a = 0; a < 4; a++) pi[s, a] /= sum;
        }
        var v = DynamicProgramming.EvaluatePolicyExact(m, pi);
        var q = DynamicProgramming.QFromV(m, v);
        for (int s = 0; s < 5; s++)
        {
            double avg = 0;
            for (int a = 0; a < 4; a++) avg += pi[s, a] * q[s, a];
            Assert.Equal(v[s], avg, 1e-12);
        }
    }

    [Fact]
    public void Q_iteration_converges_to_q_from_v()
    {
        var m = FiniteMdp.Random(new Rng(21), 4, 3, 0.5);
        var pi = m.UniformPolicy();
        var q = new double[4, 3];
        for (int k = 0; k < 80; k++) q = DynamicProgramming.BellmanExpectationQ(m, pi, q); // error ≤ 0.5^80
        var expected = DynamicProgramming.QFromV(m, DynamicProgramming.EvaluatePolicyExact(m, pi));
        for (int s = 0; s < 4; s++)
            for (int a = 0; a < 3; a++) Assert.Equal(expected[s, a], q[s, a], 1e-12);
    }

    [Fact]
    public void Value_and_policy_iteration_reach_the_same_optimum_which_no_policy_beats()
    {
        for (int seed = 0; seed < 5; seed++)
        {
            var rng = new Rng(seed);
            var m = FiniteMdp.Random(rng, 8, 3, 0.9);
            var vi = DynamicProgramming.ValueIteration(m, 1e-12);
            var pi = DynamicProgramming.PolicyIteration(m);
            Assert.Equal(vi.Policy, pi.Policy);
            Assert.True(DynamicProgramming.MaxAbsDifference(vi.Values, pi.Values) < 1e-10);
            Assert.True(DynamicProgramming.MaxAbsDifference(pi.Values, DynamicProgramming.BellmanOptimality(m, pi.Values)) < 1e-12);
            Assert.True(pi.Iterations < vi.Sweeps, $"policy iteration {pi.Iterations} iterations vs value iteration {vi.Sweeps} sweeps");
            Assert.True(vi.PolicyStableFrom <= vi.Sweeps);
            var early = new double[8];
            for (int k = 0; k < vi.PolicyStableFrom; k++) early = DynamicProgramming.BellmanOptimality(m, early);
            Assert.Equal(vi.Policy, DynamicProgramming.Greedy(m, early));
            for (int trial = 0; trial < 5; trial++)
            {
                var random = Enumerable.Range(0, 8).Select(_ => rng.NextInt(3)).ToArray();
                var v = DynamicProgramming.EvaluatePolicyExact(m, m.DeterministicPolicy(random));
                for (int s = 0; s < 8; s++) Assert.True(v[s] <= pi.Values[s] + 1e-12);
                var fromRandom = DynamicProgramming.PolicyIteration(m, initialPolicy: random);   // any start reaches the optimum
                Assert.Equal(random, fromRandom.Policies[0]);
                Assert.True(DynamicProgramming.MaxAbsDifference(fromRandom.Values, vi.Values) < 1e-10);
            }
            Assert.Throws<ArgumentException>(() => DynamicProgramming.PolicyIteration(m, initialPolicy: [0, 1]));
        }
    }

    [Fact]
    public void Optimality_backup_is_a_gamma_contraction_in_the_max_norm()
    {
        var rng = new Rng(11);
        var m = FiniteMdp.Random(rng, 7, 3, 0.6);
        for (int trial = 0; trial < 20; trial++)
        {
            var v = Enumerable.Range(0, 7).Select(_ => 10 * rng.NextNormal()).ToArray();
            var w = Enumerable.Range(0, 7).Select(_ => 10 * rng.NextNormal()).ToArray();
            double before = DynamicProgramming.MaxAbsDifference(v, w);
            double after = DynamicProgramming.MaxAbsDifference(DynamicProgramming.BellmanOptimality(m, v), DynamicProgramming.BellmanOptimality(m, w));
            Assert.True(after <= 0.6 * before + 1e-12);
        }
    }

    [Fact]
    public void Terminal_states_make_undiscounted_evaluation_finite()
    {
        // A corridor 0 → 1 → 2 (terminal), reward −1 per step, γ = 1: v = (−2, −1, 0).
        var p = new double[3, 1, 3];
        p[0, 0, 1] = 1; p[1, 0, 2] = 1; p[2, 0, 2] = 1;
        var m = new FiniteMdp(p, new double[,] { { -1 }, { -1 }, { 0 } }, 1.0);
        Assert.True(m.IsTerminal(2));
        Assert.False(m.IsTerminal(1));
        Assert.Equal([-2.0, -1.0, 0.0], DynamicProgramming.EvaluatePolicyExact(m, m.UniformPolicy()));
        Assert.Equal([-2.0, -1.0, 0.0], DynamicProgramming.EvaluatePolicyIterative(m, m.UniformPolicy()).Values);

        // Without the terminal state the undiscounted return is infinite: the solve refuses.
        var loop = new double[2, 1, 2];
        loop[0, 0, 1] = 1; loop[1, 0, 0] = 1;
        var never = new FiniteMdp(loop, new double[,] { { -1 }, { -1 } }, 1.0);
        Assert.Contains("singular", Assert.Throws<InvalidOperationException>(() => DynamicProgramming.EvaluatePolicyExact(never, never.UniformPolicy())).Message);
    }

    [Fact]
    public void Sampled_next_states_follow_the_transition_probabilities()
    {
        var rng = new Rng(5);
        var m = FiniteMdp.Random(rng, 3, 1, 0.5);
        var counts = new int[3];
        const int n = 20000;
        for (int i = 0; i < n; i++) counts[m.SampleNext(0, 0, rng)]++;
        for (int k = 0; k < 3; k++) Assert.Equal(m.P(0, 0, k), counts[k] / (double)n, 0.02);
    }
}
