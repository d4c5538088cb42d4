using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// What a run of SARSA or Q-learning leaves behind: the learned Q, the sum of rewards of every episode and how often
/// each (s, a) was updated (a pair never visited keeps its initial Q = 0: tables do not generalise).
/// </summary>
public sealed record TdControlResult(double[,] Q, double[] EpisodeRewards, int[,] Visits);

/// <summary>
/// Temporal-difference control (§7.4): learn q(s, a) from single steps while acting ε-greedily. SARSA and Q-learning
/// differ in one term of the target:
/// <list type="bullet">
/// <item>SARSA (on-policy): R + γ Q(S′, A′) with A′ the action the ε-greedy policy will actually take next — it learns
/// the value of the policy it follows, exploration included;</item>
/// <item>Q-learning (off-policy): R + γ max_a Q(S′, a) — it learns the value of the greedy policy whatever the
/// behaviour policy did.</item>
/// </list>
/// Both then move Q(S, A) by α times the error, Q(S, A) += α ΔQ(S, A). Q of a terminal state is 0.
/// </summary>
public static class TdControl
{
    /// <summary>The SARSA error ΔQ = R + γ Q(S′, A′) − Q(S, A).</summary>
    public static double SarsaError(double[,] q, Transition t, int nextAction, double gamma) =>
        t.Reward + (t.Terminal ? 0 : gamma * q[t.Next, nextAction]) - q[t.State, t.Action];

    /// <summary>The Q-learning error ΔQ = R + γ max_a Q(S′, a) − Q(S, A).</summary>
    public static double QLearningError(double[,] q, Transition t, double gamma)
    {
        if (t.Terminal) return t.Reward - q[t.State, t.Action];
        double best = double.NegativeInfinity;
        for (int a = 0; a < q.GetLength(1); a++) best = Math.Max(best, q[t.Next, a]);
        return t.Reward + gamma * best - q[t.State, t.Action];
    }

    /// <summary>SARSA on an episodic MDP: <paramref name="episodes"/> episodes from <paramref name="start"/>, Q starting at 0.</summary>
    public static TdControlResult Sarsa(FiniteMdp m, int start, int episodes, double alpha, double epsilon, Rng rng, int maxSteps = 100_000)
    {
        Validate(m, start, episodes, alpha, "TdControl.Sarsa");
        var q = new double[m.States, m.Actions];
        var rewards = new double[episodes];
        var visits = new int[m.States, m.Actions];
        for (int e = 0; e < episodes; e++)
        {
            int s = start, a = EpsilonGreedy.Choose(q, s, epsilon, rng);
            for (int step = 0; step < maxSteps && !m.IsTerminal(s); step++)
            {
                var t = Episodes.Step(m, s, a, rng);
                int next = EpsilonGreedy.Choose(q, t.Next, epsilon, rng); // A′ is chosen before the update: it is part of the target
                q[s, a] += alpha * SarsaError(q, t, next, m.Gamma);
                visits[s, a]++;
                rewards[e] += t.Reward;
                (s, a) = (t.Next, next);
            }
        }
        return new TdControlResult(q, rewards, visits);
    }

    /// <summary>Q-learning on an episodic MDP: the behaviour is ε-greedy, the target greedy.</summary>
    public static TdControlResult QLearning(FiniteMdp m, int start, int episodes, double alpha, double epsilon, Rng rng, int maxSteps = 100_000)
    {
        Validate(m, start, episodes, alpha, "TdControl.QLearning");
        var q = new double[m.States, m.Actions];
        var rewards = new double[episodes];
        var visits = new int[m.States, m.Actions];
        for (int e = 0; e < episodes; e++)
        {
            int s = start;
            for (int step = 0; step < maxSteps && !m.IsTerminal(s); step++)
            {
                var t = Episodes.Step(m, s, EpsilonGreedy.Choose(q, s, epsilon, rng), rng);
                q[s, t.Action] += alpha * QLearningError(q, t, m.Gamma);
                visits[s, t.Action]++;
                rewards[e] += t.Reward;
                s = t.Next;
            }
        }
        return new TdControlResult(q, rewards, visits);
    }

    static void Validate(FiniteMdp m, int start, int episodes, double alpha, string caller)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (start < 0 || start >= m.States) throw new ArgumentException($"{caller}: start state {start} is not in 0 … {m.States - 1}");
        if (episodes < 0) throw new ArgumentException($"{caller}: episodes = {episodes} must not be negative");
        if (!(alpha > 0 && alpha <= 1)) throw new ArgumentException($"{caller}: step size α = {alpha} must lie in (0, 1]");
    }
}
