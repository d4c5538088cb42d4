using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Rl;

/// <summary>Iterative policy evaluation: the final values, the number of sweeps and the values after chosen sweeps k.</summary>
public sealed record PolicyEvaluationResult(double[] Values, int Sweeps, IReadOnlyDictionary<int, double[]> Snapshots);

/// <summary>
/// Value iteration (§7.1): v_*, the greedy policy π_*, the number of sweeps, max |V_new − V_old| after each, and the
/// sweep from which on the greedy policy no longer changed (usually long before the values stop changing).
/// </summary>
public sealed record ValueIterationResult(double[] Values, int[] Policy, int Sweeps, IReadOnlyList<double> Changes, int PolicyStableFrom);

/// <summary>Policy iteration (§7.1): v_π* and π_*, the number of evaluate-then-improve iterations and the policy after each.</summary>
public sealed record PolicyIterationResult(double[] Values, int[] Policy, int Iterations, IReadOnlyList<int[]> Policies);

/// <summary>
/// Dynamic programming on a known model (§7.1): the two Bellman backups, exact and iterative policy evaluation,
/// value iteration, policy iteration and the greedy policy. All backups are synchronous ("two arrays"): every
/// V_new(s) is computed from V_old, which is the operator T that the contraction proof of §13 is about.
/// </summary>
public static class DynamicProgramming
{
    /// <summary>
    /// One Bellman expectation backup (§7): (T_π v)(s) = Σ_a π(a|s) [r(s, a) + γ Σ_{s′} p(s′|s, a) v(s′)].
    /// v_π is its fixed point.
    /// </summary>
    public static double[] BellmanExpectation(FiniteMdp m, double[,] policy, double[] v)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.ValidatePolicy(policy, "DynamicProgramming.BellmanExpectation");
        CheckValues(m, v, "DynamicProgramming.BellmanExpectation");
        var result = new double[m.States];
        for (int s = 0; s < m.States; s++)
            for (int a = 0; a < m.Actions; a++)
                if (policy[s, a] != 0) result[s] += policy[s, a] * Backup(m, s, a, v);
        return result;
    }

    /// <summary>
    /// One Bellman optimality backup (§7.1): (T_* v)(s) = max_a [r(s, a) + γ Σ_{s′} p(s′|s, a) v(s′)] — the maximum
    /// over actions replaces the policy's average. v_* is its fixed point.
    /// </summary>
    public static double[] BellmanOptimality(FiniteMdp m, double[] v)
    {
        ArgumentNullException.ThrowIfNull(m);
        CheckValues(m, v, "DynamicProgramming.BellmanOptimality");
        var result = new double[m.States];
        for (int s = 0; s < m.States; s++)
        {
            double best = double.NegativeInfinity;
            for (int a = 0; a < m.Actions; a++) best = Math.Max(best, Backup(m, s, a, v));
            result[s] = best;
        }
        return result;
    }

    /// <summary>
    /// The Bellman expectation backup for action values (§7.4):
    /// (T_π q)(s, a) = r(s, a) + γ Σ_{s′} p(s′|s, a) Σ_{a′} π(a′|s′) q(s′, a′). q_π is its fixed point.
    /// </summary>
    public static double[,] BellmanExpectationQ(FiniteMdp m, double[,] policy, double[,] q)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.ValidatePolicy(policy, "DynamicProgramming.BellmanExpectationQ");
        ArgumentNullException.ThrowIfNull(q);
        if (q.GetLength(0) != m.States || q.GetLength(1) != m.Actions)
            throw new ArgumentException($"DynamicProgramming.BellmanExpectationQ: q must be [S, A] = [{m.States}, {m.Actions}], got [{q.GetLength(0)}, {q.GetLength(1)}]");
        var next = new double[m.States]; // Σ_{a′} π(a′|s′) q(s′, a′)
        for (int s = 0; s < m.States; s++)
            for (int a = 0; a < m.Actions; a++) next[s] += policy[s, a] * q[s, a];
        return QFromV(m, next);
    }

    /// <summary>q(s, a) = r(s, a) + γ Σ_{s′} p(s′|s, a) v(s′): the value of taking a in s and then following the policy behind v.</summary>
    public static double[,] QFromV(FiniteMdp m, double[] v)
    {
        ArgumentNullException.ThrowIfNull(m);
        CheckValues(m, v, "DynamicProgramming.QFromV");
        var q = new double[m.States, m.Actions];
        for (int s = 0; s < m.States; s++)
            for (int a = 0; a < m.Actions; a++) q[s, a] = Backup(m, s, a, v);
        return q;
    }

    /// <summary>
    /// The greedy policy π′(s) = argmax_a [r(s, a) + γ Σ p(s′|s, a) v(s′)] (§7.1). Ties (within 1e-9 of the best)
    /// go to the lowest action index, so the result does not depend on rounding noise.
    /// </summary>
    public static int[] Greedy(FiniteMdp m, double[] v)
    {
        var q = QFromV(m, v);
        var pi = new int[m.States];
        for (int s = 0; s < m.States; s++) pi[s] = ArgMax(q, s, TieTolerance(q, s));
        return pi;
    }

    /// <summary>All greedy actions of each state (those within <paramref name="tolerance"/> of the best), e.g. to draw every optimal arrow.</summary>
    public static bool[,] GreedyActions(FiniteMdp m, double[] v, double tolerance = 1e-9)
    {
        var q = QFromV(m, v);
        var best = new bool[m.States, m.Actions];
        for (int s = 0; s < m.States; s++)
        {
            double max = double.NegativeInfinity;
            for (int a = 0; a < m.Actions; a++) max = Math.Max(max, q[s, a]);
            for (int a = 0; a < m.Actions; a++) best[s, a] = q[s, a] >= max - tolerance;
        }
        return best;
    }

    /// <summary>
    /// Exact policy evaluation: v_π = r_π + γ P_π v_π is linear, so v_π solves (I − γP_π) v = r_π (LU solve).
    /// Terminal states (<see cref="FiniteMdp.IsTerminal"/>) get the equation v(s) = 0, which makes the system
    /// solvable for γ = 1 as long as π reaches a terminal state from everywhere.
    /// </summary>
    public static double[] EvaluatePolicyExact(FiniteMdp m, double[,] policy)
    {
        ArgumentNullException.ThrowIfNull(m);
        var pPi = m.TransitionMatrix(policy);
        var rPi = m.ExpectedReward(policy);
        int n = m.States;
        var a = Matrix<double>.Build.Dense(n, n, (i, j) => (i == j ? 1.0 : 0.0) - m.Gamma * pPi[i, j]);
        var b = Vector<double>.Build.DenseOfArray(rPi);
        for (int s = 0; s < n; s++)
        {
            if (!m.IsTerminal(s)) continue;
            a.ClearRow(s);
            a[s, s] = 1;
            b[s] = 0;
        }
        var v = a.LU().Solve(b);
        double residual = (a * v - b).InfinityNorm();
        if (!v.All(double.IsFinite) || residual > 1e-8 * (1 + b.InfinityNorm() + v.InfinityNorm()))
            throw new InvalidOperationException(
                $"DynamicProgramming.EvaluatePolicyExact: (I − γP_π) is singular for γ = {m.Gamma}: under this policy some states never reach a terminal state, so v_π is infinite there");
        return v.ToArray();
    }

    /// <summary>
    /// Iterative policy evaluation: V_{k+1} = T_π V_k from V_0 = 0 until max_s |V_{k+1}(s) − V_k(s)| &lt; tolerance.
    /// <paramref name="recordAt"/> lists the sweeps k whose V_k is kept (k = 0 is the all-zero start), as in the
    /// textbook figures that show V_k for k = 0, 1, 2, 3, 10.
    /// </summary>
    public static PolicyEvaluationResult EvaluatePolicyIterative(FiniteMdp m, double[,] policy, double tolerance = 1e-10,
        IEnumerable<int>? recordAt = null, int maxSweeps = 100_000)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.ValidatePolicy(policy, "DynamicProgramming.EvaluatePolicyIterative");
        if (!(tolerance > 0)) throw new ArgumentException($"DynamicProgramming.EvaluatePolicyIterative: tolerance {tolerance} must be positive");
        var wanted = new HashSet<int>(recordAt ?? []);
        var snapshots = new SortedDictionary<int, double[]>();
        var v = new double[m.States];
        if (wanted.Contains(0)) snapshots[0] = (double[])v.Clone();
        int k = 0;
        while (true)
        {
            var next = BellmanExpectation(m, policy, v);
            k++;
            double change = MaxAbsDifference(next, v);
            v = next;
            if (wanted.Contains(k)) snapshots[k] = (double[])v.Clone();
            // Keep sweeping until every requested snapshot exists, even after convergence.
            if (change < tolerance && k >= (wanted.Count == 0 ? 0 : wanted.Max())) break;
            if (k >= maxSweeps)
                throw new InvalidOperationException(
                    $"DynamicProgramming.EvaluatePolicyIterative: no convergence after {maxSweeps} sweeps (last change {change:G3}); with γ = {m.Gamma} the policy may never terminate");
        }
        return new PolicyEvaluationResult(v, k, snapshots);
    }

    /// <summary>
    /// Value iteration (§7.1): V_new(s) = max_a [r(s, a) + γ Σ p(s′|s, a) V_old(s′)] from V = 0 until
    /// max |V_new − V_old| &lt; tolerance, then π_* = greedy(V).
    /// </summary>
    public static ValueIterationResult ValueIteration(FiniteMdp m, double tolerance, int maxSweeps = 100_000)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (!(tolerance > 0)) throw new ArgumentException($"DynamicProgramming.ValueIteration: tolerance {tolerance} must be positive");
        var v = new double[m.States];
        var changes = new List<double>();
        int[]? greedy = null;
        int stableFrom = 0;
        while (true)
        {
            var next = BellmanOptimality(m, v);
            changes.Add(MaxAbsDifference(next, v));
            v = next;
            var g = Greedy(m, v);
            if (greedy is null || !g.SequenceEqual(greedy)) stableFrom = changes.Count;
            greedy = g;
            if (changes[^1] < tolerance) break;
            if (changes.Count >= maxSweeps)
                throw new InvalidOperationException(
                    $"DynamicProgramming.ValueIteration: no convergence after {maxSweeps} sweeps (last change {changes[^1]:G3}, γ = {m.Gamma})");
        }
        return new ValueIterationResult(v, greedy, changes.Count, changes, stableFrom);
    }

    /// <summary>
    /// Policy iteration (§7.1): evaluate π exactly, improve it greedily, repeat until the policy is stable. By default it
    /// starts from the greedy policy of the equiprobable random policy's values (for γ = 1 an arbitrary deterministic
    /// policy may never terminate, and its value would be infinite); with γ &lt; 1 any <paramref name="initialPolicy"/>
    /// (one action per state) will do. A state keeps its action unless another is better by more than 1e-9, so two
    /// equally good actions cannot make the loop cycle.
    /// </summary>
    public static PolicyIterationResult PolicyIteration(FiniteMdp m, int maxIterations = 1000, int[]? initialPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (initialPolicy is not null && (initialPolicy.Length != m.States || initialPolicy.Any(a => a < 0 || a >= m.Actions)))
            throw new ArgumentException($"DynamicProgramming.PolicyIteration: the initial policy must give one action in 0 … {m.Actions - 1} for each of the {m.States} states");
        int[] pi = initialPolicy is not null ? (int[])initialPolicy.Clone() : Greedy(m, EvaluatePolicyExact(m, m.UniformPolicy()));
        var history = new List<int[]> { pi };
        double[] v;
        for (int it = 1; it <= maxIterations; it++)
        {
            v = EvaluatePolicyExact(m, m.DeterministicPolicy(pi));
            var q = QFromV(m, v);
            var improved = (int[])pi.Clone();
            bool stable = true;
            for (int s = 0; s < m.States; s++)
            {
                int best = ArgMax(q, s, TieTolerance(q, s));
                if (q[s, best] > q[s, pi[s]] + TieTolerance(q, s)) { improved[s] = best; stable = false; }
            }
            if (stable) return new PolicyIterationResult(v, pi, it, history);
            pi = improved;
            history.Add(pi);
        }
        throw new InvalidOperationException($"DynamicProgramming.PolicyIteration: the policy still changed after {maxIterations} iterations");
    }

    /// <summary>max_s |a(s) − b(s)|: the sup-norm distance in which the Bellman backups are γ-contractions.</summary>
    public static double MaxAbsDifference(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"DynamicProgramming.MaxAbsDifference: lengths {a.Length} and {b.Length} differ");
        double d = 0;
        for (int i = 0; i < a.Length; i++) d = Math.Max(d, Math.Abs(a[i] - b[i]));
        return d;
    }

    // r(s, a) + γ Σ_{s′} p(s′|s, a) v(s′): the bracket of both Bellman equations.
    static double Backup(FiniteMdp m, int s, int a, double[] v)
    {
        double expected = 0;
        for (int k = 0; k < m.States; k++)
        {
            double p = m.P(s, a, k);
            if (p != 0) expected += p * v[k];
        }
        return m.R(s, a) + m.Gamma * expected;
    }

    static double TieTolerance(double[,] q, int s)
    {
        double scale = 0;
        for (int a = 0; a < q.GetLength(1); a++) scale = Math.Max(scale, Math.Abs(q[s, a]));
        return 1e-9 * (1 + scale);
    }

    static int ArgMax(double[,] q, int s, double tolerance)
    {
        int best = 0;
        for (int a = 1; a < q.GetLength(1); a++)
            if (q[s, a] > q[s, best] + tolerance) best = a;
        return best;
    }

    static void CheckValues(FiniteMdp m, double[] v, string caller)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.Length != m.States) throw new ArgumentException($"{caller}: value vector has {v.Length} entries for {m.States} states");
    }
}
