using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// Sutton &amp; Barto's Example 6.7, the maximization bias of Q-learning (§7.4). The episode starts in A with two actions:
/// right ends it with reward 0; left moves to B with reward 0, and each of the <see cref="ActionsInB"/> actions in B ends
/// it with a reward drawn from N(−0.1, 1). Left is worse on average, but Q-learning's target max_b Q(B, b) is the maximum
/// of noisy estimates, which is biased upwards (E[max] ≥ max E), so for a long time it prefers left. Double Q-learning
/// (van Hasselt, 2010) keeps two tables and, on each update, picks the best next action with one and evaluates it with
/// the other; the evaluation's noise is independent of the choice, and the bias is gone. Both act ε-greedily (on the sum
/// of the two tables for Double Q-learning), ties broken at random, with step size α and γ = 1.
/// </summary>
public static class MaximizationBias
{
    /// <summary>The number of actions in B, each with reward N(−0.1, 1).</summary>
    public const int ActionsInB = 10;

    /// <summary>The mean reward of every action in B.</summary>
    public const double MeanRewardInB = -0.1;

    const int Left = 0, Right = 1;

    /// <summary>
    /// One run of <paramref name="episodes"/> episodes; entry e is 1 when episode e chose left in A, else 0. Averaged over
    /// runs (<see cref="AveragedRuns.Mean"/>) it is the fraction of runs that went left; the ε-greedy optimum is ε/2.
    /// </summary>
    public static double[] LeftChoices(bool doubleQ, int episodes, Rng rng, double alpha = 0.1, double epsilon = 0.1)
    {
        if (episodes < 1) throw new ArgumentException($"MaximizationBias.LeftChoices: episodes = {episodes} must be ≥ 1");
        if (!(alpha > 0 && alpha <= 1)) throw new ArgumentException($"MaximizationBias.LeftChoices: α = {alpha} must lie in (0, 1]");
        // rows: state A (0) and B (1); columns: actions (A uses the first two). Table 1 is used only by Double Q-learning.
        var q = new[] { new double[2, ActionsInB], new double[2, ActionsInB] };
        var sum = new double[2, ActionsInB];
        int Choose(int state, int actions)
        {
            if (rng.NextDouble() < epsilon) return rng.NextInt(actions);
            int best = 0, ties = 1;
            for (int a = 1; a < actions; a++)
            {
                if (sum[state, a] > sum[state, best]) { best = a; ties = 1; }
                else if (sum[state, a] == sum[state, best] && rng.NextInt(++ties) == 0) best = a;
            }
            return best;
        }
        void Update(int table, int state, int action, double target)
        {
            q[table][state, action] += alpha * (target - q[table][state, action]);
            sum[state, action] = q[0][state, action] + (doubleQ ? q[1][state, action] : 0);
        }
        double BestNextValue(int table)                                       // the bootstrap max over B's actions
        {
            int other = doubleQ ? 1 - table : table;
            int best = 0;
            for (int b = 1; b < ActionsInB; b++) if (q[table][1, b] > q[table][1, best]) best = b;
            return q[other][1, best];                                         // Double Q: chosen by one table, valued by the other
        }
        var left = new double[episodes];
        for (int e = 0; e < episodes; e++)
        {
            int table = doubleQ ? rng.NextInt(2) : 0;
            int a = Choose(0, 2);
            if (a == Right) { Update(table, 0, Right, 0); continue; }
            left[e] = 1;
            Update(table, 0, Left, 0 + BestNextValue(table));                  // R = 0, γ = 1
            int b = Choose(1, ActionsInB);
            double reward = MeanRewardInB + rng.NextNormal();
            Update(doubleQ ? rng.NextInt(2) : 0, 1, b, reward);               // B's actions end the episode
        }
        return left;
    }
}
