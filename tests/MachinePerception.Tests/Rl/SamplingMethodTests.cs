using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class SamplingMethodTests
{
    // s0 → s1 → s0 → terminal with rewards 1, 2, 3 (γ = 0.5): G₂ = 3, G₁ = 2 + 1.5 = 3.5, G₀ = 1 + 1.75 = 2.75.
    static readonly Transition[] Loop = [new(0, 0, 1, 1, false), new(1, 0, 2, 0, false), new(0, 1, 3, 2, true)];

    [Fact]
    public void Returns_backwards_equal_the_discounted_sums()
    {
        Assert.Equal([2.75, 3.5, 3.0], Episodes.Returns(Loop, 0.5));
        var rng = new Rng(2);
        var rewards = Enumerable.Range(0, 12).Select(_ => rng.NextNormal()).ToArray();
        var episode = rewards.Select(r => new Transition(0, 0, r, 0, false)).ToArray();
        var g = Episodes.Returns(episode, 0.9);
        for (int t = 0; t < rewards.Length; t++) Assert.Equal(Episodes.DiscountedReturn(rewards.Skip(t), 0.9), g[t], 1e-12);
    }

    [Fact]
    public void First_visit_update_uses_the_return_after_the_first_visit_only()
    {
        var v = new double[3];
        var n = new int[3];
        MonteCarlo.FirstVisitUpdate(v, n, Loop, 0.5);
        Assert.Equal([2.75, 3.5, 0.0], v);
        Assert.Equal([1, 1, 0], n);
        MonteCarlo.FirstVisitUpdate(v, n, [new(0, 0, 5, 2, true)], 0.5);
        Assert.Equal((2.75 + 5) / 2, v[0], 1e-15);
        var every = new double[3];
        MonteCarlo.ConstantAlphaUpdate(every, Loop, 0.5, 1.0); // α = 1, every visit: the last visit's return wins
        Assert.Equal([3.0, 3.5, 0.0], every);
    }

    [Fact]
    public void Td_and_sarsa_and_q_learning_errors_by_hand()
    {
        var v = new[] { 1.0, 2.0, 7.0 };
        var t = new Transition(0, 1, 0.5, 1, false);
        Assert.Equal(0.5 + 0.9 * 2 - 1, TemporalDifference.Error(v, t, 0.9), 1e-15);
        Assert.Equal(0.5 - 1, TemporalDifference.Error(v, t with { Terminal = true }, 0.9), 1e-15);
        Assert.Equal(1 + 0.1 * 1.3, (TemporalDifference.Update(v, t, 0.9, 0.1), v[0]).Item2, 1e-15);

        var q = new double[,] { { 0, 1 }, { 4, -2 } };
        Assert.Equal(0.5 + 0.9 * -2 - 1, TdControl.SarsaError(q, t, nextAction: 1, gamma: 0.9), 1e-15);
        Assert.Equal(0.5 + 0.9 * 4 - 1, TdControl.QLearningError(q, t, gamma: 0.9), 1e-15);
        Assert.Equal(0.5 - 1, TdControl.QLearningError(q, t with { Terminal = true }, 0.9), 1e-15);
    }

    [Fact]
    public void Monte_Carlo_and_TD_estimate_the_random_walk_values()
    {
        var walk = TextbookGridWorlds.RandomWalk();
        var truth = TextbookGridWorlds.RandomWalkTrueValues();
        var mc = MonteCarlo.FirstVisitPrediction(walk.Mdp, walk.Mdp.UniformPolicy(), [walk.Start], 3000, new Rng(1));
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(truth[i], mc.Values[i + 1], 0.03);
            // returns are 0 or 1 with mean v: the standard error is √(v(1 − v)/N)
            Assert.Equal(Math.Sqrt(truth[i] * (1 - truth[i]) / mc.Visits[i + 1]), mc.StandardErrors[i + 1], 0.001);
        }

        double[] td = AveragedRuns.Mean(20, 5, rng => RandomWalkExperiment.RmsError(true, 0.05, 100, rng));
        double[] mcCurve = AveragedRuns.Mean(20, 5, rng => RandomWalkExperiment.RmsError(false, 0.02, 100, rng));
        Assert.Equal(Math.Sqrt(truth.Sum(x => (x - 0.5) * (x - 0.5)) / 5), td[0], 1e-12);
        Assert.True(td[^1] < 0.1 && td[^1] < 0.5 * td[0], $"TD RMS {td[^1]}");
        Assert.True(td[^1] < mcCurve[^1], $"TD {td[^1]} vs MC {mcCurve[^1]} after 100 episodes");
    }

    [Fact]
    public void Moving_average_and_welford_squares()
    {
        Assert.Equal([1.0, 1.5, 2.5, 3.5], AveragedRuns.MovingAverage([1.0, 2, 3, 4], 2));
        var v = new double[1];
        var n = new int[1];
        var sq = new double[1];
        foreach (double g in new[] { 1.0, 4, 7 }) MonteCarlo.FirstVisitUpdate(v, n, [new(0, 0, g, 1, true)], 1, sq);
        Assert.Equal(4, v[0], 1e-14);
        Assert.Equal(18, sq[0], 1e-12); // (1−4)² + 0 + (7−4)²
    }

    [Fact]
    public void Averaged_runs_do_not_depend_on_the_thread_count()
    {
        double[] Run(Rng rng) => [rng.NextDouble(), rng.NextDouble()];
        var parallel = AveragedRuns.Mean(8, 3, Run);
        int saved = MachinePerception.Backends.CpuParallel.MaxThreads;
        try
        {
            MachinePerception.Backends.CpuParallel.MaxThreads = 1;
            Assert.Equal(parallel, AveragedRuns.Mean(8, 3, Run));
        }
        finally { MachinePerception.Backends.CpuParallel.MaxThreads = saved; }
    }

    [Fact]
    public void Q_learning_walks_the_cliff_edge_and_Sarsa_keeps_away()
    {
        var g = TextbookGridWorlds.CliffWalking();
        var ql = TdControl.QLearning(g.Mdp, g.Start, 500, 0.5, 0.1, new Rng(1));
        var sarsa = TdControl.Sarsa(g.Mdp, g.Start, 500, 0.5, 0.1, new Rng(1));
        var edge = g.GreedyPath(ql.Q);
        Assert.Equal(14, edge.Count); // the optimal 13 moves
        Assert.Equal(-13, ql.Q[g.Start, 0], 0.5);
        var safe = g.GreedyPath(sarsa.Q);
        Assert.Equal(g.StateOf('G'), safe[^1]);
        Assert.True(safe.Count > 14, g.FormatPath(safe));
        Assert.StartsWith("TdControl.Sarsa: step size α = 0", Assert.Throws<ArgumentException>(() => TdControl.Sarsa(g.Mdp, g.Start, 1, 0, 0.1, new Rng(1))).Message);
        Assert.Contains("start state 99", Assert.Throws<ArgumentException>(() => TdControl.QLearning(g.Mdp, 99, 1, 0.5, 0.1, new Rng(1))).Message);
        // Online, while exploring, the safe path earns more per episode than the edge.
        Assert.True(sarsa.EpisodeRewards.TakeLast(100).Average() > ql.EpisodeRewards.TakeLast(100).Average());
    }

    [Fact]
    public void Monte_Carlo_control_finds_the_shortest_route_through_a_maze()
    {
        var g = new GridWorld(
            """
            S . . #
            . # . .
            . # . G
            . . . .
            """, gamma: 1.0, stepReward: -1);
        var r = MonteCarlo.OnPolicyControl(g.Mdp, g.Start, 400, 0.1, new Rng(4));
        Assert.Equal(6, g.GreedyPath(r.Q).Count); // five moves: → → ↓ ↓ →
        Assert.True(r.EpisodeReturns.TakeLast(50).Average() > r.EpisodeReturns.Take(50).Average());
    }

    [Fact]
    public void Epsilon_greedy_picks_the_greedy_action_with_probability_one_minus_epsilon_plus_epsilon_over_A()
    {
        var q = new double[,] { { 0, 3, 1, 2 } };
        var rng = new Rng(8);
        const int n = 40000;
        int greedy = 0;
        for (int i = 0; i < n; i++) if (EpsilonGreedy.Choose(q, 0, 0.2, rng) == 1) greedy++;
        Assert.Equal(0.8 + 0.2 / 4, greedy / (double)n, 0.01);
        Assert.Equal(0.85, EpsilonGreedy.PolicyMatrix(q, 0.2)[0, 1], 1e-15);
        Assert.Contains("ε = 1.5", Assert.Throws<ArgumentException>(() => EpsilonGreedy.Choose(q, 0, 1.5, rng)).Message);
        // exact ties are split at random
        var ties = new double[,] { { 1, 1 } };
        int first = Enumerable.Range(0, 2000).Count(_ => EpsilonGreedy.GreedyAction(ties, 0, rng) == 0);
        Assert.InRange(first, 900, 1100);
    }
}
