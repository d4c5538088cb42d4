using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// The ε-greedy policy (§7.3): with probability ε a uniformly random action, otherwise a greedy one, argmax_a Q(s, a).
/// Exact ties are broken at random, so that an all-zero Q at the start does not always pick the same action.
/// </summary>
public static class EpsilonGreedy
{
    /// <summary>Samples an action in state s.</summary>
    public static int Choose(double[,] q, int s, double epsilon, Rng rng)
    {
        if (!(epsilon >= 0 && epsilon <= 1)) throw new ArgumentException($"EpsilonGreedy.Choose: ε = {epsilon} must lie in [0, 1]");
        int actions = q.GetLength(1);
        if (rng.NextDouble() < epsilon) return rng.NextInt(actions);
        return GreedyAction(q, s, rng);
    }

    /// <summary>argmax_a Q(s, a), a random one among exact ties.</summary>
    public static int GreedyAction(double[,] q, int s, Rng rng)
    {
        int actions = q.GetLength(1), best = 0, ties = 1;
        for (int a = 1; a < actions; a++)
        {
            if (q[s, a] > q[s, best]) { best = a; ties = 1; }
            else if (q[s, a] == q[s, best] && rng.NextInt(++ties) == 0) best = a; // reservoir sampling over the ties
        }
        return best;
    }

    /// <summary>argmax_a Q(s, a) per state, the lowest index among ties (deterministic, for printing a learned policy).</summary>
    public static int[] GreedyPolicy(double[,] q)
    {
        var pi = new int[q.GetLength(0)];
        for (int s = 0; s < pi.Length; s++)
            for (int a = 1; a < q.GetLength(1); a++)
                if (q[s, a] > q[s, pi[s]]) pi[s] = a;
        return pi;
    }

    /// <summary>
    /// The ε-greedy policy as a matrix: π(a|s) = ε/|A| for every action plus 1 − ε on the greedy one (lowest index
    /// among ties), e.g. to evaluate it exactly with dynamic programming.
    /// </summary>
    public static double[,] PolicyMatrix(double[,] q, double epsilon)
    {
        int states = q.GetLength(0), actions = q.GetLength(1);
        var greedy = GreedyPolicy(q);
        var pi = new double[states, actions];
        for (int s = 0; s < states; s++)
        {
            for (int a = 0; a < actions; a++) pi[s, a] = epsilon / actions;
            pi[s, greedy[s]] += 1 - epsilon;
        }
        return pi;
    }
}
