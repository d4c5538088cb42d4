using System.Globalization;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// A finite Markov decision process (§7): states 0 … |S|−1, actions 0 … |A|−1, transition probabilities
/// p(s′ | s, a), expected rewards r(s, a) = Σ_{s′,r} p(s′, r | s, a)·r and a discount factor γ.
/// <para>
/// The Bellman equations of §7 only ever use the expected reward of a state–action pair, so that is all the
/// model stores: v_π(s) = Σ_a π(a|s) [r(s, a) + γ Σ_{s′} p(s′|s, a) v_π(s′)].
/// </para>
/// <para>
/// Terminal states are modelled as absorbing: every action leaves the state where it is with probability 1 and
/// reward 0, so their value is 0 under every policy and every γ, and the infinite sum G_t = Σ_k γ^k R_{t+k+1}
/// of an episode that has ended adds only zeros (<see cref="IsTerminal"/>).
/// </para>
/// </summary>
public sealed class FiniteMdp
{
    /// <summary>How far a row of P(· | s, a) may sum from 1.</summary>
    public const double RowSumTolerance = 1e-12;

    readonly double[,,] p; // [S, A, S′]
    readonly double[,] r;  // [S, A]
    readonly string[] names;

    public FiniteMdp(double[,,] transitions, double[,] rewards, double gamma, string[]? stateNames = null)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(rewards);
        int s = transitions.GetLength(0), a = transitions.GetLength(1);
        if (s == 0 || a == 0)
            throw new ArgumentException($"FiniteMdp: need at least one state and one action, transitions are [{s}, {a}, {transitions.GetLength(2)}]");
        if (transitions.GetLength(2) != s)
            throw new ArgumentException($"FiniteMdp: transitions must be [S, A, S] (P[s, a, s′]), got [{s}, {a}, {transitions.GetLength(2)}]");
        if (rewards.GetLength(0) != s || rewards.GetLength(1) != a)
            throw new ArgumentException($"FiniteMdp: rewards must be [S, A] = [{s}, {a}] like the transitions, got [{rewards.GetLength(0)}, {rewards.GetLength(1)}]");
        if (!(gamma >= 0 && gamma <= 1))
            throw new ArgumentException($"FiniteMdp: discount γ = {gamma} must lie in [0, 1]");
        if (stateNames is not null && stateNames.Length != s)
            throw new ArgumentException($"FiniteMdp: {stateNames.Length} state names for {s} states");

        for (int i = 0; i < s; i++)
            for (int j = 0; j < a; j++)
            {
                if (!double.IsFinite(rewards[i, j]))
                    throw new ArgumentException($"FiniteMdp: reward r({i}, {j}) = {rewards[i, j]} is not finite");
                double sum = 0;
                for (int k = 0; k < s; k++)
                {
                    double q = transitions[i, j, k];
                    if (!(q >= 0 && q <= 1))
                        throw new ArgumentException($"FiniteMdp: P[{i}, {j}, {k}] = {q} is not a probability");
                    sum += q;
                }
                if (Math.Abs(sum - 1) > RowSumTolerance)
                    throw new ArgumentException(
                        $"FiniteMdp: P[{i}, {j}, ·] sums to {sum.ToString("R", CultureInfo.InvariantCulture)}, not 1 (tolerance {RowSumTolerance:G1})");
            }

        p = (double[,,])transitions.Clone();
        r = (double[,])rewards.Clone();
        Gamma = gamma;
        names = stateNames is null ? Enumerable.Range(0, s).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray() : (string[])stateNames.Clone();
    }

    /// <summary>|S|.</summary>
    public int States => p.GetLength(0);

    /// <summary>|A| (every action is available in every state; an unavailable one can be modelled as "stay").</summary>
    public int Actions => p.GetLength(1);

    /// <summary>The discount factor γ ∈ [0, 1].</summary>
    public double Gamma { get; }

    /// <summary>The state names (for printing); "0", "1", … unless given.</summary>
    public IReadOnlyList<string> StateNames => names;

    /// <summary>p(s′ | s, a).</summary>
    public double P(int s, int a, int next) => p[s, a, next];

    /// <summary>The expected reward r(s, a) of taking a in s.</summary>
    public double R(int s, int a) => r[s, a];

    /// <summary>The same dynamics and rewards with another discount factor.</summary>
    public FiniteMdp WithGamma(double gamma) => new(p, r, gamma, names);

    /// <summary>True when s is absorbing with zero reward under every action: a terminal state, whose value is 0.</summary>
    public bool IsTerminal(int s)
    {
        for (int a = 0; a < Actions; a++)
            if (p[s, a, s] != 1 || r[s, a] != 0) return false;
        return true;
    }

    /// <summary>A random MDP for tests and proofs: each P(· | s, a) a random distribution, each r(s, a) uniform in [−1, 1].</summary>
    public static FiniteMdp Random(Rng rng, int states, int actions, double gamma)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (states <= 0 || actions <= 0)
            throw new ArgumentException($"FiniteMdp.Random: need states > 0 and actions > 0, got {states} and {actions}");
        var tp = new double[states, actions, states];
        var rw = new double[states, actions];
        for (int s = 0; s < states; s++)
            for (int a = 0; a < actions; a++)
            {
                double sum = 0;
                for (int k = 0; k < states; k++) sum += tp[s, a, k] = rng.NextDouble() + 1e-3;
                for (int k = 0; k < states; k++) tp[s, a, k] /= sum;
                rw[s, a] = 2 * rng.NextDouble() - 1;
            }
        return new FiniteMdp(tp, rw, gamma);
    }

    // ---- policies: π(a|s) as an [S, A] matrix whose rows are distributions ----

    /// <summary>The equiprobable random policy π(a|s) = 1/|A|.</summary>
    public double[,] UniformPolicy()
    {
        var pi = new double[States, Actions];
        for (int s = 0; s < States; s++)
            for (int a = 0; a < Actions; a++) pi[s, a] = 1.0 / Actions;
        return pi;
    }

    /// <summary>The deterministic policy π(a|s) = 1 if a = actions[s], else 0.</summary>
    public double[,] DeterministicPolicy(int[] actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Length != States)
            throw new ArgumentException($"FiniteMdp.DeterministicPolicy: {actions.Length} actions for {States} states");
        var pi = new double[States, Actions];
        for (int s = 0; s < States; s++)
        {
            if (actions[s] < 0 || actions[s] >= Actions)
                throw new ArgumentException($"FiniteMdp.DeterministicPolicy: action {actions[s]} in state {s} is not in 0 … {Actions - 1}");
            pi[s, actions[s]] = 1;
        }
        return pi;
    }

    /// <summary>Throws unless <paramref name="policy"/> is [S, A] with non-negative rows that sum to 1.</summary>
    public void ValidatePolicy(double[,] policy, string caller)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.GetLength(0) != States || policy.GetLength(1) != Actions)
            throw new ArgumentException($"{caller}: policy must be [S, A] = [{States}, {Actions}], got [{policy.GetLength(0)}, {policy.GetLength(1)}]");
        for (int s = 0; s < States; s++)
        {
            double sum = 0;
            for (int a = 0; a < Actions; a++)
            {
                if (!(policy[s, a] >= 0)) throw new ArgumentException($"{caller}: π({a}|{s}) = {policy[s, a]} is negative or NaN");
                sum += policy[s, a];
            }
            if (Math.Abs(sum - 1) > 1e-9) throw new ArgumentException($"{caller}: π(·|{s}) sums to {sum}, not 1");
        }
    }

    /// <summary>The state-to-state matrix P_π(s, s′) = Σ_a π(a|s) p(s′|s, a) of the Markov chain that π induces.</summary>
    public double[,] TransitionMatrix(double[,] policy)
    {
        ValidatePolicy(policy, "FiniteMdp.TransitionMatrix");
        var m = new double[States, States];
        for (int s = 0; s < States; s++)
            for (int a = 0; a < Actions; a++)
            {
                double w = policy[s, a];
                if (w == 0) continue;
                for (int k = 0; k < States; k++) m[s, k] += w * p[s, a, k];
            }
        return m;
    }

    /// <summary>The expected one-step reward under π: r_π(s) = Σ_a π(a|s) r(s, a).</summary>
    public double[] ExpectedReward(double[,] policy)
    {
        ValidatePolicy(policy, "FiniteMdp.ExpectedReward");
        var v = new double[States];
        for (int s = 0; s < States; s++)
            for (int a = 0; a < Actions; a++) v[s] += policy[s, a] * r[s, a];
        return v;
    }

    /// <summary>Samples s′ ~ p(· | s, a): the model used as an environment by the sampling methods (§7.2–7.4).</summary>
    public int SampleNext(int s, int a, Rng rng)
    {
        double u = rng.NextDouble();
        for (int k = 0; k < States; k++)
        {
            u -= p[s, a, k];
            if (u < 0) return k;
        }
        for (int k = States - 1; k >= 0; k--) if (p[s, a, k] > 0) return k; // rounding: the last reachable state
        return s;
    }
}
