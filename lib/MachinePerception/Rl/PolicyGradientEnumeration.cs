using MachinePerception.Numerics;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// One trajectory τ = (s₀, a₀, …, s_{H−1}, a_{H−1}) of a finite-horizon episode: its states, actions, rewards r(s_t, a_t),
/// and the θ-free part of its probability, p(s₀) ∏_t p(s_{t+1} | s_t, a_t).
/// </summary>
public sealed record FiniteTrajectory(int[] States, int[] Actions, double[] Rewards, double DynamicsProbability)
{
    /// <summary>R(τ) = Σ_t γ^t r_t.</summary>
    public double Return(double gamma) => Rewards.Select((r, t) => Math.Pow(gamma, t) * r).Sum();

    /// <summary>The discounted reward from t on, Σ_{t′ ≥ t} γ^{t′} r_{t′} (discounted from the start of the episode).</summary>
    public double RewardToGo(int t, double gamma) => Rewards.Select((r, k) => k >= t ? Math.Pow(gamma, k) * r : 0).Sum();
}

/// <summary>
/// The policy-gradient identity of §13 (and §7.5), checked exactly on a small finite-horizon MDP with the softmax policy
/// π_θ(a | s) = exp θ[s, a] / Σ_b exp θ[s, b]. The objective J(θ) = E_τ[R(τ)] = Σ_τ p_θ(τ) R(τ) is a finite sum over all
/// |S|·(|A||S|)^{H−1}·|A| trajectories of horizon H, so it and its gradient can be computed without sampling:
/// <list type="bullet">
/// <item>left side: ∇J from differentiating the enumerated sum (autodiff of <see cref="ObjectiveTensor"/>, or finite
/// differences of <see cref="Objective"/>);</item>
/// <item>right side: E_τ[(Σ_t ∇ log π_θ(a_t | s_t)) R(τ)], enumerated exactly (<see cref="ScoreFunctionExpectation"/>) or
/// sampled from episodes (<see cref="Sampled"/>), with ∂ log π_θ(a | s)/∂θ[s, b] = [b = a] − π_θ(b | s);</item>
/// <item>the causal ("reward-to-go") form weights ∇ log π(a_t | s_t) by Σ_{t′ ≥ t} γ^{t′} r_{t′} only: the same expectation,
/// a smaller variance.</item>
/// </list>
/// Gradients are flattened row by row like θ [S, A].
/// </summary>
public static class PolicyGradientEnumeration
{
    /// <summary>π_θ(a | s) = softmax of row s of θ [S, A].</summary>
    public static double[,] SoftmaxPolicy(double[,] theta)
    {
        int s = theta.GetLength(0), a = theta.GetLength(1);
        var pi = new double[s, a];
        for (int i = 0; i < s; i++)
        {
            double max = Enumerable.Range(0, a).Max(b => theta[i, b]), sum = 0;
            for (int b = 0; b < a; b++) sum += pi[i, b] = Math.Exp(theta[i, b] - max);
            for (int b = 0; b < a; b++) pi[i, b] /= sum;
        }
        return pi;
    }

    /// <summary>Every trajectory of <paramref name="horizon"/> steps with positive dynamics probability, from the start distribution p(s₀).</summary>
    public static IReadOnlyList<FiniteTrajectory> Enumerate(FiniteMdp m, double[] start, int horizon)
    {
        Validate(m, start, horizon, null, "PolicyGradientEnumeration.Enumerate");
        var all = new List<FiniteTrajectory>();
        var states = new int[horizon];
        var actions = new int[horizon];
        void Extend(int t, int s, double probability)
        {
            states[t] = s;
            for (int a = 0; a < m.Actions; a++)
            {
                actions[t] = a;
                if (t == horizon - 1)
                {
                    all.Add(new((int[])states.Clone(), (int[])actions.Clone(), Enumerable.Range(0, horizon).Select(k => m.R(states[k], actions[k])).ToArray(), probability));
                    continue;
                }
                for (int next = 0; next < m.States; next++)
                    if (m.P(s, a, next) > 0) Extend(t + 1, next, probability * m.P(s, a, next));
            }
        }
        for (int s = 0; s < m.States; s++)
            if (start[s] > 0) Extend(0, s, start[s]);
        return all;
    }

    /// <summary>π_θ's part of p_θ(τ): ∏_t π_θ(a_t | s_t).</summary>
    static double PolicyProbability(double[,] pi, FiniteTrajectory tau)
    {
        double p = 1;
        for (int t = 0; t < tau.States.Length; t++) p *= pi[tau.States[t], tau.Actions[t]];
        return p;
    }

    /// <summary>J(θ) = Σ_τ p_θ(τ) R(τ), plain loops.</summary>
    public static double Objective(FiniteMdp m, IReadOnlyList<FiniteTrajectory> trajectories, double[,] theta)
    {
        CheckTheta(m, theta, "PolicyGradientEnumeration.Objective");
        var pi = SoftmaxPolicy(theta);
        return trajectories.Sum(tau => tau.DynamicsProbability * PolicyProbability(pi, tau) * tau.Return(m.Gamma));
    }

    /// <summary>
    /// The same J(θ) written with the engine's ops, for autodiff: log π = log-softmax(θ) [S, A], p_θ(τ) = exp(Σ_t log π(a_t | s_t))
    /// times the θ-free dynamics factor, summed with the weights R(τ).
    /// </summary>
    public static Tensor ObjectiveTensor(FiniteMdp m, IReadOnlyList<FiniteTrajectory> trajectories, Tensor theta)
    {
        if (theta.Rank != 2 || theta.Shape[0] != m.States || theta.Shape[1] != m.Actions)
            throw new ArgumentException($"PolicyGradientEnumeration.ObjectiveTensor: θ must be [{m.States}, {m.Actions}], got {theta.Shape}");
        int n = trajectories.Count, h = trajectories[0].States.Length;
        var index = new int[n * h];
        var weight = new double[n];
        for (int i = 0; i < n; i++)
        {
            var tau = trajectories[i];
            for (int t = 0; t < h; t++) index[i * h + t] = tau.States[t] * m.Actions + tau.Actions[t];
            weight[i] = tau.DynamicsProbability * tau.Return(m.Gamma);
        }
        var logPi = Op.Reshape(Op.LogSoftmax(theta, 1), [m.States * m.Actions]);            // [S·A]
        var logPolicy = Op.Sum(Op.Reshape(Op.IndexSelect(logPi, 0, index), [n, h]), 1);     // Σ_t log π(a_t | s_t)   [N]
        return Op.Sum(Op.Exp(logPolicy) * Tensor.FromArray(weight, n));
    }

    /// <summary>
    /// The score-function estimator of one trajectory: Σ_t ∇_θ log π_θ(a_t | s_t) · w_t with w_t = R(τ) (the summary's form)
    /// or w_t = Σ_{t′ ≥ t} γ^{t′} r_{t′} (<paramref name="rewardToGo"/>), less a baseline b(t, s_t, a_t) if one is given
    /// (a valid baseline ignores its last argument, the action). Flattened like θ.
    /// </summary>
    public static double[] Estimator(FiniteMdp m, double[,] pi, FiniteTrajectory tau, bool rewardToGo, Func<int, int, int, double>? baseline = null)
    {
        var g = new double[m.States * m.Actions];
        double whole = tau.Return(m.Gamma);
        for (int t = 0; t < tau.States.Length; t++)
        {
            int s = tau.States[t];
            double w = (rewardToGo ? tau.RewardToGo(t, m.Gamma) : whole) - (baseline?.Invoke(t, s, tau.Actions[t]) ?? 0);
            for (int b = 0; b < m.Actions; b++) g[s * m.Actions + b] += w * ((b == tau.Actions[t] ? 1 : 0) - pi[s, b]);
        }
        return g;
    }

    /// <summary>∇_θ Σ_t log π_θ(a_t | s_t) = Σ_t ∇_θ log π_θ(a_t | s_t) of one trajectory, flattened like θ.</summary>
    public static double[] LogPolicyGradient(FiniteMdp m, double[,] pi, FiniteTrajectory tau)
    {
        var g = new double[m.States * m.Actions];
        for (int t = 0; t < tau.States.Length; t++)
        {
            int s = tau.States[t];
            for (int b = 0; b < m.Actions; b++) g[s * m.Actions + b] += (b == tau.Actions[t] ? 1 : 0) - pi[s, b];
        }
        return g;
    }

    /// <summary>E_τ of <see cref="Estimator"/> (with the optional baseline b(t, s_t, a_t)), enumerated exactly: Σ_τ p_θ(τ) g(τ).</summary>
    public static double[] ScoreFunctionExpectation(FiniteMdp m, IReadOnlyList<FiniteTrajectory> trajectories, double[,] theta, bool rewardToGo,
                                                    Func<int, int, int, double>? baseline = null)
    {
        CheckTheta(m, theta, "PolicyGradientEnumeration.ScoreFunctionExpectation");
        var pi = SoftmaxPolicy(theta);
        var total = new double[m.States * m.Actions];
        foreach (var tau in trajectories)
        {
            double p = tau.DynamicsProbability * PolicyProbability(pi, tau);
            var g = Estimator(m, pi, tau, rewardToGo, baseline);
            for (int i = 0; i < total.Length; i++) total[i] += p * g[i];
        }
        return total;
    }

    /// <summary>Centered differences (J(θ + hE) − J(θ − hE))/2h for every entry of θ.</summary>
    public static double[] FiniteDifferenceGradient(FiniteMdp m, IReadOnlyList<FiniteTrajectory> trajectories, double[,] theta, double h = 1e-6)
    {
        CheckTheta(m, theta, "PolicyGradientEnumeration.FiniteDifferenceGradient");
        // flattened row-major, entry s·A + a, like the other gradients of this class
        return FiniteDifferences.Gradient(t => Objective(m, trajectories, t), theta, h).Cast<double>().ToArray();
    }

    /// <summary>One episode of <paramref name="horizon"/> steps: s₀ ~ p(s₀), a_t ~ π_θ(· | s_t), s_{t+1} ~ p(· | s_t, a_t).</summary>
    public static FiniteTrajectory SampleEpisode(FiniteMdp m, double[] start, int horizon, double[,] pi, Rng rng)
    {
        var states = new int[horizon];
        var actions = new int[horizon];
        var rewards = new double[horizon];
        int s = rng.Categorical(start);
        var row = new double[m.Actions];
        for (int t = 0; t < horizon; t++)
        {
            for (int b = 0; b < m.Actions; b++) row[b] = pi[s, b];
            int a = rng.Categorical(row);
            (states[t], actions[t], rewards[t]) = (s, a, m.R(s, a));
            if (t + 1 < horizon) s = m.SampleNext(s, a, rng);
        }
        return new(states, actions, rewards, double.NaN);
    }

    /// <summary>The estimator averaged over <paramref name="episodes"/> sampled episodes, with its standard error per entry.</summary>
    public static MeanEstimator Sampled(FiniteMdp m, double[] start, int horizon, double[,] theta, int episodes, Rng rng, bool rewardToGo)
    {
        Validate(m, start, horizon, theta, "PolicyGradientEnumeration.Sampled");
        var pi = SoftmaxPolicy(theta);
        var est = new MeanEstimator(m.States * m.Actions);
        for (int e = 0; e < episodes; e++) est.Add(Estimator(m, pi, SampleEpisode(m, start, horizon, pi, rng), rewardToGo));
        return est;
    }

    /// <summary>The full log p_θ(τ) = log p(s₀) + Σ_t log π_θ(a_t | s_t) + Σ_t log p(s_{t+1} | s_t, a_t).</summary>
    public static double LogProbability(FiniteTrajectory tau, double[,] theta) =>
        Math.Log(tau.DynamicsProbability) + Enumerable.Range(0, tau.States.Length).Sum(t => Math.Log(SoftmaxPolicy(theta)[tau.States[t], tau.Actions[t]]));

    /// <summary>Only the policy's part, Σ_t log π_θ(a_t | s_t): what the summary's "log p(τ) = 0 + Σ log π + 0" keeps.</summary>
    public static double PolicyLogProbability(FiniteTrajectory tau, double[,] theta) =>
        Enumerable.Range(0, tau.States.Length).Sum(t => Math.Log(SoftmaxPolicy(theta)[tau.States[t], tau.Actions[t]]));

    static void CheckTheta(FiniteMdp m, double[,] theta, string where)
    {
        if (theta.GetLength(0) != m.States || theta.GetLength(1) != m.Actions)
            throw new ArgumentException($"{where}: θ must be [{m.States}, {m.Actions}], got [{theta.GetLength(0)}, {theta.GetLength(1)}]");
    }

    static void Validate(FiniteMdp m, double[] start, int horizon, double[,]? theta, string where)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (start.Length != m.States || start.Any(p => !(p >= 0)) || Math.Abs(start.Sum() - 1) > 1e-12)
            throw new ArgumentException($"{where}: the start distribution [{string.Join(", ", start)}] must be a distribution over {m.States} states");
        if (horizon < 1) throw new ArgumentException($"{where}: horizon {horizon} must be ≥ 1");
        if (theta is not null) CheckTheta(m, theta, where);
    }
}
