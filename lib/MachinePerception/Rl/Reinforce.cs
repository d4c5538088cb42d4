using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>One CartPole episode: the states s_t, actions a_t and rewards r_{t+1}, t = 0..T−1.</summary>
public sealed record Episode(double[][] States, int[] Actions, double[] Rewards)
{
    public double Return => Rewards.Sum();
}

/// <summary>
/// REINFORCE (§7.7): the policy-gradient theorem ∇J(θ) = E_τ[Σ_t ∇_θ log π_θ(a_t | s_t) (G_t − b(s_t))], estimated by
/// Monte Carlo over sampled episodes, with the reward-to-go G_t = Σ_{k≥t} γ^{k−t} r_{k+1} (the rewards before t do not
/// depend on a_t, so dropping them removes noise, not signal) and an optional baseline b(s_t). Any b that does not
/// depend on a_t leaves the expectation unchanged, since E_a[∇ log π(a|s)] = ∇ Σ_a π(a|s) = ∇1 = 0; a good b (an
/// estimate of V(s_t)) makes the weights G_t − b small and the estimate far less noisy. The factor γ^t of the summary's
/// J is dropped, as is usual in practice (it would silence the late steps of long episodes).
/// The estimator is the gradient of the surrogate loss −(1/N) Σ log π(a_t|s_t) (G_t − b(s_t)) with the weights held constant.
/// </summary>
public static class Reinforce
{
    /// <summary>A softmax policy for discrete actions: state [B, d] → Linear–tanh–Linear → logits [B, actions].</summary>
    public static Sequential PolicyNetwork(int stateSize, int hidden, int actions, Rng rng, DType dtype = DType.Float32) =>
        new(new Linear(stateSize, hidden, rng, dtype: dtype), new Tanh(), new Linear(hidden, actions, rng, dtype: dtype));

    /// <summary>A state-value network V(s): state [B, d] → Linear–tanh–Linear → [B] (the baseline, or the critic of §7.8).</summary>
    public static Sequential ValueNetwork(int stateSize, int hidden, Rng rng, DType dtype = DType.Float32) =>
        new(new Linear(stateSize, hidden, rng, dtype: dtype), new Tanh(), new Linear(hidden, 1, rng, dtype: dtype), new Flatten(0));

    /// <summary>G_t = r_{t+1} + γ G_{t+1}, computed backwards from G_T = 0.</summary>
    public static double[] RewardsToGo(IReadOnlyList<double> rewards, double gamma)
    {
        var g = new double[rewards.Count];
        double next = 0;
        for (int t = rewards.Count - 1; t >= 0; t--) g[t] = next = rewards[t] + gamma * next;
        return g;
    }

    /// <summary>log π(a | s) of the taken actions: states [N, d], actions [N, 1] → [N].</summary>
    public static Tensor LogProbabilities(Layer policy, Tensor states, Tensor actions) =>
        Op.Reshape(Op.Gather(Op.LogSoftmax(policy.Forward(states), 1), 1, actions), -1);

    /// <summary>Samples one action per state from π(· | s), without recording.</summary>
    public static int[] SampleActions(Layer policy, Tensor states, Rng rng)
    {
        using var _ = Autograd.NoGrad();
        return rng.Categorical(Op.Softmax(policy.Forward(states), 1));
    }

    /// <summary>The surrogate −mean(log π · w) whose gradient is the REINFORCE estimate; w must be a constant.</summary>
    public static Tensor SurrogateLoss(Tensor logProbs, Tensor weights)
    {
        if (weights.GradFn is not null || weights.RequiresGrad)
            throw new ArgumentException("Reinforce.SurrogateLoss: the weights G_t − b must be constants (Detach them)");
        if (!logProbs.Shape.Equals(weights.Shape))
            throw new ArgumentException($"Reinforce.SurrogateLoss: log-probabilities {logProbs.Shape} and weights {weights.Shape} differ");
        return -Op.Mean(logProbs * weights);
    }

    /// <summary>Runs <paramref name="count"/> CartPole episodes side by side with actions sampled from the policy.</summary>
    public static Episode[] Rollouts(Layer policy, int count, Rng rng)
    {
        var envs = Enumerable.Range(0, count).Select(_ => new CartPole(rng.Fork())).ToArray();
        var states = envs.Select(e => new List<double[]> { e.Reset() }).ToArray();
        var actions = envs.Select(_ => new List<int>()).ToArray();
        var rewards = envs.Select(_ => new List<double>()).ToArray();
        var running = Enumerable.Range(0, count).ToList();
        var dtype = policy.Parameters()[0].DType;
        while (running.Count > 0)
        {
            var a = SampleActions(policy, CartPole.StateBatch(running.Select(i => states[i][^1]).ToList(), dtype), rng);
            var still = new List<int>();
            for (int k = 0; k < running.Count; k++)
            {
                int i = running[k];
                var r = envs[i].Step(a[k]);
                actions[i].Add(a[k]);
                rewards[i].Add(r.Reward);
                if (r.Done) continue;
                states[i].Add(r.State);
                still.Add(i);
            }
            running = still;
        }
        return Enumerable.Range(0, count).Select(i => new Episode([.. states[i]], [.. actions[i]], [.. rewards[i]])).ToArray();
    }

    /// <summary>All steps of a set of episodes flattened: states [N, d], actions [N, 1], rewards-to-go [N].</summary>
    public static (Tensor States, Tensor Actions, double[] ReturnsToGo) Flatten(IReadOnlyList<Episode> episodes, double gamma, DType dtype = DType.Float32)
    {
        var states = episodes.SelectMany(e => e.States).ToList();
        var actions = episodes.SelectMany(e => e.Actions).Select(a => (float)a).ToArray();
        var g = episodes.SelectMany(e => RewardsToGo(e.Rewards, gamma)).ToArray();
        var a = Tensor.FromArray(actions, actions.Length, 1);
        return (CartPole.StateBatch(states, dtype), dtype == DType.Float32 ? a : a.To(dtype), g);
    }

    /// <summary>
    /// One REINFORCE estimate of ∇J from a batch of episodes, as one flat vector over the policy's parameters; the
    /// baseline (or none) gives b(s_t) for the flattened states.
    /// </summary>
    public static double[] GradientEstimate(Layer policy, IReadOnlyList<Episode> episodes, double gamma, Layer? baseline)
    {
        var (states, actions, g) = Flatten(episodes, gamma, policy.Parameters()[0].DType);
        var weights = Weights(states, g, baseline);
        var loss = SurrogateLoss(LogProbabilities(policy, states, actions), weights);
        var grads = Autograd.Grad([loss], policy.Parameters());
        // −loss's gradient is the ascent direction ∇J
        return grads.SelectMany(t => t!.ToDoubleArray()).Select(v => -v).ToArray();
    }

    /// <summary>The constant weights G_t − b(s_t) [N] (b = 0 without a baseline).</summary>
    public static Tensor Weights(Tensor states, double[] returnsToGo, Layer? baseline)
    {
        var w = Tensor.FromArray(returnsToGo, returnsToGo.Length).To(states.DType);
        if (baseline is null) return w;
        using var _ = Autograd.NoGrad();
        return w - baseline.Forward(states);
    }

    /// <summary>
    /// Fits V(s) to the rewards-to-go by regression: the baseline's own update, <paramref name="steps"/> Adam steps on
    /// the mean squared error over the given steps.
    /// </summary>
    public static double FitValue(Layer value, Optimizer optimizer, Tensor states, double[] returnsToGo, int steps)
    {
        var target = Tensor.FromArray(returnsToGo.Select(v => (float)v).ToArray(), returnsToGo.Length);
        double last = 0;
        for (int i = 0; i < steps; i++)
        {
            optimizer.ZeroGrad();
            var loss = Losses.Mse(value.Forward(states), target);
            loss.Backward();
            optimizer.Step();
            last = loss.Item();
        }
        return last;
    }
}

/// <summary>
/// The spread of the REINFORCE estimate at a fixed policy: M batches of episodes, each giving one estimate without and
/// one with the baseline (the same episodes for both, so the comparison is paired). Variance = Σ_k Var(ĝ_k), the
/// expected squared distance of an estimate from its mean; Mean* are the averages of the M estimates.
/// </summary>
public sealed record GradientVariance(double[] MeanWithout, double[] MeanWith, double VarianceWithout, double VarianceWith, int Batches)
{
    /// <summary>Var(without) / Var(with): how many times more episodes the plain estimator needs for the same accuracy.</summary>
    public double Ratio => VarianceWithout / VarianceWith;

    /// <summary>
    /// Both estimators are unbiased, so their means differ only by noise: the fraction of parameters whose mean
    /// difference lies within 3 standard errors (√(Var(difference)/M)); ≈ 0.997 for pure noise, lower for a real bias.
    /// </summary>
    public double FractionWithin3StandardErrors { get; init; }

    public static GradientVariance Measure(Layer policy, Layer baseline, int batches, int episodesPerBatch, double gamma, Rng rng)
    {
        var without = new List<double[]>();
        var with = new List<double[]>();
        for (int m = 0; m < batches; m++)
        {
            var episodes = Reinforce.Rollouts(policy, episodesPerBatch, rng);
            without.Add(Reinforce.GradientEstimate(policy, episodes, gamma, null));
            with.Add(Reinforce.GradientEstimate(policy, episodes, gamma, baseline));
        }
        var (meanWithout, varWithout) = MeanAndVariance(without);
        var (meanWith, varWith) = MeanAndVariance(with);
        var (meanDiff, varDiff) = MeanAndVariance(without.Zip(with, (a, b) => a.Zip(b, (x, y) => x - y).ToArray()).ToList());
        var nonzero = Enumerable.Range(0, meanDiff.Length).Where(k => varDiff[k] > 0).ToArray();
        double within = nonzero.Count(k => Math.Abs(meanDiff[k]) <= 3 * Math.Sqrt(varDiff[k] / batches)) / (double)nonzero.Length;
        return new GradientVariance(meanWithout, meanWith, varWithout.Sum(), varWith.Sum(), batches) { FractionWithin3StandardErrors = within };
    }

    static (double[] Mean, double[] Variance) MeanAndVariance(List<double[]> xs)
    {
        int n = xs.Count, d = xs[0].Length;
        var mean = new double[d];
        var variance = new double[d];
        foreach (var x in xs) for (int k = 0; k < d; k++) mean[k] += x[k] / n;
        foreach (var x in xs) for (int k = 0; k < d; k++) variance[k] += (x[k] - mean[k]) * (x[k] - mean[k]) / (n - 1);
        return (mean, variance);
    }
}

/// <summary>The knobs of <see cref="ReinforceTraining.Train"/>.</summary>
public sealed record ReinforceSettings
{
    public int Iterations { get; init; } = 100;
    public int EpisodesPerBatch { get; init; } = 10;
    public int Hidden { get; init; } = 32;
    public double Gamma { get; init; } = 0.99;
    public double LearningRate { get; init; } = 1e-2;
    /// <summary>With a learned baseline b(s) = V(s), fitted to the rewards-to-go after each batch.</summary>
    public bool Baseline { get; init; }
    public double ValueLearningRate { get; init; } = 1e-2;
    public int ValueSteps { get; init; } = 10;
}

/// <summary>What a REINFORCE run leaves: the policy, the baseline (if any) and the mean return of each batch.</summary>
public sealed record ReinforceResult(Sequential Policy, Sequential? Baseline, double[] BatchReturns);

/// <summary>REINFORCE on <see cref="CartPole"/>: sample a batch of episodes, take one Adam step along the estimate, repeat.</summary>
public static class ReinforceTraining
{
    public static ReinforceResult Train(ReinforceSettings s, int seed, Action<int, double>? progress = null)
    {
        var rng = new Rng(seed);
        var policy = Reinforce.PolicyNetwork(CartPole.StateSize, s.Hidden, CartPole.ActionCount, rng);
        var baseline = s.Baseline ? Reinforce.ValueNetwork(CartPole.StateSize, s.Hidden, rng) : null;
        var optimizer = new Adam(policy.Parameters(), s.LearningRate);
        var valueOptimizer = baseline is null ? null : new Adam(baseline.Parameters(), s.ValueLearningRate);
        var returns = new double[s.Iterations];
        for (int it = 0; it < s.Iterations; it++)
        {
            var episodes = Reinforce.Rollouts(policy, s.EpisodesPerBatch, rng);
            returns[it] = episodes.Average(e => e.Return);
            progress?.Invoke(it + 1, returns[it]);
            var (states, actions, g) = Reinforce.Flatten(episodes, s.Gamma);
            var weights = Reinforce.Weights(states, g, baseline);
            optimizer.ZeroGrad();
            Reinforce.SurrogateLoss(Reinforce.LogProbabilities(policy, states, actions), weights).Backward();
            optimizer.Step();
            if (baseline is not null) Reinforce.FitValue(baseline, valueOptimizer!, states, g, s.ValueSteps);
        }
        return new ReinforceResult(policy, baseline, returns);
    }
}
