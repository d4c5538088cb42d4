using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// First-visit Monte Carlo estimates: V(s) (the mean of the sampled returns), how many returns each mean holds and
/// its standard error σ̂/√N (σ̂ the sample standard deviation of those returns; NaN below two returns).
/// </summary>
public sealed record MonteCarloPrediction(double[] Values, int[] Visits, double[] StandardErrors);

/// <summary>The result of Monte Carlo control: Q, the greedy policy and the return of every episode.</summary>
public sealed record MonteCarloControlResult(double[,] Q, int[] Policy, double[] EpisodeReturns);

/// <summary>
/// Monte Carlo methods (§7.2): sample whole episodes and estimate values by averaging the returns that followed each
/// state. No model p is needed and the estimate is unbiased (each G_t is a sample of v_π(S_t)), but a return sums many
/// random rewards, so its variance is high, and an episode must end before anything can be learned from it.
/// </summary>
public static class MonteCarlo
{
    /// <summary>
    /// First-visit update: for the first visit of each state s in the episode, add its return G_t to the running mean
    /// V(s) ← V(s) + (G_t − V(s)) / N(s). After many episodes V(s) is the average of the sampled returns. If
    /// <paramref name="squares"/> is given, it accumulates Welford's running Σ(G − mean)² per state, for the standard error.
    /// </summary>
    public static void FirstVisitUpdate(double[] v, int[] visits, IReadOnlyList<Transition> episode, double gamma, double[]? squares = null)
    {
        var g = Episodes.Returns(episode, gamma);
        var seen = new HashSet<int>();
        for (int t = 0; t < episode.Count; t++)
        {
            int s = episode[t].State;
            if (!seen.Add(s)) continue;
            visits[s]++;
            double before = g[t] - v[s];
            v[s] += before / visits[s];
            if (squares is not null) squares[s] += before * (g[t] - v[s]);
        }
    }

    /// <summary>
    /// Constant-α (every-visit) update V(S_t) ← V(S_t) + α [G_t − V(S_t)]: the Monte Carlo counterpart of TD(0), which
    /// replaces G_t by R_{t+1} + γ V(S_{t+1}).
    /// </summary>
    public static void ConstantAlphaUpdate(double[] v, IReadOnlyList<Transition> episode, double gamma, double alpha)
    {
        var g = Episodes.Returns(episode, gamma);
        for (int t = 0; t < episode.Count; t++) v[episode[t].State] += alpha * (g[t] - v[episode[t].State]);
    }

    /// <summary>
    /// First-visit Monte Carlo prediction of v_π from <paramref name="episodes"/> episodes; episode e starts in
    /// starts[e mod |starts|] (several starts, so that every state is visited: "exploring starts").
    /// </summary>
    public static MonteCarloPrediction FirstVisitPrediction(FiniteMdp m, double[,] policy, int[] starts, int episodes, Rng rng)
    {
        m.ValidatePolicy(policy, "MonteCarlo.FirstVisitPrediction");
        if (starts.Length == 0) throw new ArgumentException("MonteCarlo.FirstVisitPrediction: no start states");
        var v = new double[m.States];
        var visits = new int[m.States];
        var squares = new double[m.States];
        var act = Episodes.Sampler(policy, rng);
        for (int e = 0; e < episodes; e++) FirstVisitUpdate(v, visits, Episodes.Run(m, starts[e % starts.Length], act, rng), m.Gamma, squares);
        var se = new double[m.States];
        for (int s = 0; s < m.States; s++) se[s] = visits[s] < 2 ? double.NaN : Math.Sqrt(squares[s] / (visits[s] - 1) / visits[s]);
        return new MonteCarloPrediction(v, visits, se);
    }

    /// <summary>
    /// On-policy first-visit Monte Carlo control: act ε-greedily with respect to Q, average the returns of every
    /// first-visited (s, a) into Q(s, a), repeat. ε &gt; 0 keeps every action tried (the exploration dilemma of §7.2).
    /// </summary>
    public static MonteCarloControlResult OnPolicyControl(FiniteMdp m, int start, int episodes, double epsilon, Rng rng, int maxSteps = 10_000)
    {
        var q = new double[m.States, m.Actions];
        var visits = new int[m.States, m.Actions];
        var returns = new double[episodes];
        for (int e = 0; e < episodes; e++)
        {
            var episode = Episodes.Run(m, start, s => EpsilonGreedy.Choose(q, s, epsilon, rng), rng, maxSteps);
            var g = Episodes.Returns(episode, m.Gamma);
            returns[e] = g.Length > 0 ? g[0] : 0;
            var seen = new HashSet<(int, int)>();
            for (int t = 0; t < episode.Count; t++)
            {
                var (s, a) = (episode[t].State, episode[t].Action);
                if (!seen.Add((s, a))) continue;
                visits[s, a]++;
                q[s, a] += (g[t] - q[s, a]) / visits[s, a];
            }
        }
        return new MonteCarloControlResult(q, EpsilonGreedy.GreedyPolicy(q), returns);
    }
}
