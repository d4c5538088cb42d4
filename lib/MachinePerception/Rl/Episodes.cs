using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>One step of experience (§7.2–7.4): in S_t the agent took A_t, received R_{t+1} and landed in S_{t+1}.</summary>
public readonly record struct Transition(int State, int Action, double Reward, int Next, bool Terminal);

/// <summary>
/// A <see cref="FiniteMdp"/> used as an environment that the sampling methods (§7.2–7.4) only interact with: they see
/// transitions, never p. The reward of a step is r(s, a), exact for the deterministic rewards of our grid worlds.
/// </summary>
public static class Episodes
{
    /// <summary>Takes action a in state s: samples S′ ~ p(· | s, a).</summary>
    public static Transition Step(FiniteMdp m, int s, int a, Rng rng)
    {
        int next = m.SampleNext(s, a, rng);
        return new Transition(s, a, m.R(s, a), next, m.IsTerminal(next));
    }

    /// <summary>
    /// One episode from <paramref name="start"/>, choosing actions with <paramref name="policy"/>, until a terminal
    /// state or <paramref name="maxSteps"/> steps (a policy that never terminates is cut off there).
    /// </summary>
    public static List<Transition> Run(FiniteMdp m, int start, Func<int, int> policy, Rng rng, int maxSteps = 100_000)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (start < 0 || start >= m.States) throw new ArgumentException($"Episodes.Run: start state {start} is not in 0 … {m.States - 1}");
        var episode = new List<Transition>();
        int s = start;
        while (!m.IsTerminal(s) && episode.Count < maxSteps)
        {
            var t = Step(m, s, policy(s), rng);
            episode.Add(t);
            s = t.Next;
        }
        return episode;
    }

    /// <summary>A sampler for a stochastic policy matrix π(a|s): returns a function state → sampled action.</summary>
    public static Func<int, int> Sampler(double[,] policy, Rng rng)
    {
        int actions = policy.GetLength(1);
        return s =>
        {
            Span<double> row = stackalloc double[actions];
            for (int a = 0; a < actions; a++) row[a] = policy[s, a];
            return rng.Categorical(row);
        };
    }

    /// <summary>
    /// The returns of every step, G_t = R_{t+1} + γ G_{t+1} (§7), computed backwards from G_T = 0: the same as
    /// Σ_k γ^k R_{t+k+1} but in one pass.
    /// </summary>
    public static double[] Returns(IReadOnlyList<Transition> episode, double gamma)
    {
        var g = new double[episode.Count];
        double following = 0;
        for (int t = episode.Count - 1; t >= 0; t--) g[t] = following = episode[t].Reward + gamma * following;
        return g;
    }

    /// <summary>The discounted return G_0 = Σ_k γ^k R_{k+1} of a reward sequence R_1, R_2, …, summed forwards.</summary>
    public static double DiscountedReturn(IEnumerable<double> rewards, double gamma)
    {
        double g = 0, discount = 1;
        foreach (double r in rewards)
        {
            g += discount * r;
            discount *= gamma;
        }
        return g;
    }
}
