using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// The pieces of deep Q-learning (§7.5–7.6): a network Q_θ(s, ·) that maps a state to one value per action, the
/// bootstrap target y = r + γ max_a′ Q_θ⁻(s′, a′) (θ⁻: the target network, a slowly following copy; y = r where s′
/// ended the task), and the loss (y − Q_θ(s, a))² (or its Huber form) in which y is a constant: the gradient flows
/// only through Q_θ(S, A), the value of the action actually taken, picked out of the network's output by a gather.
/// </summary>
public static class Dqn
{
    /// <summary>The Q-network: state [B, d] → Linear–ReLU–Linear–ReLU–Linear → [B, actions].</summary>
    public static Sequential QNetwork(int stateSize, int hidden, int actions, Rng rng, DType dtype = DType.Float32) =>
        new(new Linear(stateSize, hidden, rng, dtype: dtype), new ReLU(), new Linear(hidden, hidden, rng, dtype: dtype), new ReLU(),
            new Linear(hidden, actions, rng, dtype: dtype));

    /// <summary>Q_θ(S, A) for each row: the output column of the taken action. states [B, d], actions [B, 1] → [B].</summary>
    public static Tensor TakenActionValues(Layer q, Tensor states, Tensor actions)
    {
        if (actions.Rank != 2 || actions.Shape[1] != 1 || actions.Shape[0] != states.Shape[0])
            throw new ArgumentException($"Dqn.TakenActionValues: actions {actions.Shape} must be [B, 1] for states {states.Shape}");
        var all = q.Forward(states); // [B, actions]
        return Op.Reshape(Op.Gather(all, 1, actions), -1); // [B]
    }

    /// <summary>
    /// The target y = r + γ (1 − terminal) max_a′ Q(s′, a′) [B], computed without recording: it is a label for the
    /// regression, not a function of the parameters being trained.
    /// </summary>
    public static Tensor Targets(Layer targetNetwork, ReplayBatch batch, double gamma)
    {
        using var _ = Autograd.NoGrad();
        var best = Op.Max(targetNetwork.Forward(batch.NextStates), 1); // [B]
        return batch.Rewards + best * (1 - batch.Terminal) * gamma;
    }

    /// <summary>
    /// The DQN loss averaged over the batch: the summary's square (y − Q_θ(S, A))², or the Huber form of the TD error
    /// (quadratic within ±1, linear outside: a large TD error then pushes with a bounded gradient).
    /// </summary>
    public static Tensor Loss(Layer q, ReplayBatch batch, Tensor targets, bool huber)
    {
        if (targets.RequiresGrad || targets.GradFn is not null)
            throw new ArgumentException("Dqn.Loss: the targets must be constants (compute them under Autograd.NoGrad() or Detach())");
        var error = targets - TakenActionValues(q, batch.States, batch.Actions); // [B] TD errors
        return Op.Mean(huber ? Huber(error) : Op.Square(error));
    }

    /// <summary>
    /// The Huber function h(x) = ½x² for |x| ≤ δ and δ(|x| − ½δ) beyond, written as ½m² + δ(|x| − m) with m = min(|x|, δ):
    /// one expression whose autodiff gradient is x inside and ±δ outside.
    /// </summary>
    public static Tensor Huber(Tensor x, double delta = 1.0)
    {
        if (!(delta > 0)) throw new ArgumentException($"Dqn.Huber: δ = {delta} must be positive");
        var a = Op.Abs(x);
        var m = Op.Minimum(a, Tensor.FullLike(a, delta));
        return Op.Square(m) * 0.5 + (a - m) * delta;
    }

    /// <summary>θ⁻ ← τ θ + (1 − τ) θ⁻ for every parameter, in place (τ = 1: the periodic hard copy; small τ: Polyak averaging).</summary>
    public static void UpdateTarget(Module online, Module target, double tau)
    {
        if (!(tau > 0 && tau <= 1)) throw new ArgumentException($"Dqn.UpdateTarget: τ = {tau} must lie in (0, 1]");
        var from = online.Parameters();
        var to = target.Parameters();
        if (from.Length != to.Length) throw new ArgumentException($"Dqn.UpdateTarget: {from.Length} vs {to.Length} parameters");
        using var _ = Autograd.NoGrad();
        for (int i = 0; i < from.Length; i++)
        {
            if (!from[i].Shape.Equals(to[i].Shape)) throw new ArgumentException($"Dqn.UpdateTarget: parameter {i} is {from[i].Shape} vs {to[i].Shape}");
            if (to[i].DType == DType.Float32)
            {
                Span<float> t = to[i].AsSpan<float>();
                ReadOnlySpan<float> f = from[i].AsSpan<float>();
                for (int k = 0; k < t.Length; k++) t[k] = (float)(tau * f[k] + (1 - tau) * t[k]);
            }
            else
            {
                Span<double> t = to[i].AsSpan<double>();
                ReadOnlySpan<double> f = from[i].AsSpan<double>();
                for (int k = 0; k < t.Length; k++) t[k] = tau * f[k] + (1 - tau) * t[k];
            }
        }
    }

    /// <summary>The ε of a linear exploration schedule: from start down to end over decaySteps steps, then constant.</summary>
    public static double Epsilon(int step, double start, double end, int decaySteps) =>
        step >= decaySteps ? end : start + (end - start) * step / decaySteps;

    /// <summary>Greedy actions argmax_a Q(s, a) for a batch of states [B, d], computed without recording.</summary>
    public static int[] GreedyActions(Layer q, Tensor states)
    {
        using var _ = Autograd.NoGrad();
        return Op.ArgMaxIndices(q.Forward(states), 1);
    }
}

/// <summary>The knobs of <see cref="DeepQLearning.Train"/> (defaults: the values the chapter uses on CartPole).</summary>
public sealed record DqnSettings
{
    public int Steps { get; init; } = 100_000;
    public int Hidden { get; init; } = 64;
    public double Gamma { get; init; } = 0.99;
    public double LearningRate { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 64;
    public int BufferCapacity { get; init; } = 50_000;
    /// <summary>Steps of random actions before the first update (fills the buffer).</summary>
    public int WarmUp { get; init; } = 1_000;
    public int TrainEvery { get; init; } = 1;
    public double EpsilonStart { get; init; } = 1.0;
    public double EpsilonEnd { get; init; } = 0.05;
    public int EpsilonDecaySteps { get; init; } = 10_000;
    /// <summary>Hard copy θ⁻ ← θ every this many updates (used when <see cref="Polyak"/> is 0).</summary>
    public int TargetPeriod { get; init; } = 100;
    /// <summary>τ of the soft update θ⁻ ← τθ + (1 − τ)θ⁻ after every update; 0 selects the periodic hard copy.</summary>
    public double Polyak { get; init; }
    public bool Huber { get; init; } = true;
    /// <summary>Global gradient-norm clipping threshold (0: none).</summary>
    public double ClipNorm { get; init; } = 10;
    /// <summary>Evaluate the greedy policy every this many steps (0: never) on <see cref="EvaluationEpisodes"/> episodes.</summary>
    public int EvaluateEvery { get; init; } = 2_000;
    public int EvaluationEpisodes { get; init; } = 20;
    /// <summary>Stop once an evaluation's mean return reaches this (the default 500 is a perfect score).</summary>
    public double StopAt { get; init; } = CartPole.MaxSteps;
}

/// <summary>What a DQN run leaves: the trained network (the best evaluated snapshot where evaluation was on), the return
/// of each training episode (ε-greedy actions), the loss of every update and the evaluations (step, mean greedy return).</summary>
public sealed record DqnResult(Sequential Q, double[] EpisodeReturns, double[] Losses, (int Step, double MeanReturn)[] Evaluations, int StepsTaken);

/// <summary>
/// Deep Q-learning on <see cref="CartPole"/> (§7.5): act ε-greedily, store every transition in a
/// <see cref="ReplayBuffer"/>, and after each step regress Q_θ(S, A) on the target of a sampled mini-batch with Adam.
/// A truncated episode (500 steps) is stored as non-terminal, so its last target still bootstraps.
/// </summary>
public static class DeepQLearning
{
    public static DqnResult Train(DqnSettings s, int seed, Action<int, double>? progress = null)
    {
        var rng = new Rng(seed);
        var q = Dqn.QNetwork(CartPole.StateSize, s.Hidden, CartPole.ActionCount, rng);
        var target = Dqn.QNetwork(CartPole.StateSize, s.Hidden, CartPole.ActionCount, rng);
        Dqn.UpdateTarget(q, target, 1);
        var optimizer = new Adam(q.Parameters(), s.LearningRate);
        var buffer = new ReplayBuffer(s.BufferCapacity, CartPole.StateSize);
        var env = new CartPole(rng.Fork());
        var sampling = rng.Fork();
        var returns = new List<double>();
        var losses = new List<double>();
        var state = env.Reset();
        double episodeReturn = 0;
        int updates = 0, step = 0;
        var evaluation = new CartPoleEvaluation(q, x => Dqn.GreedyActions(q, x), s.EvaluationEpisodes, s.StopAt, rng.Fork());
        for (; step < s.Steps; step++)
        {
            if (s.EvaluateEvery > 0 && step > s.WarmUp && step % s.EvaluateEvery == 0 && evaluation.Evaluate(step)) break;
            double eps = step < s.WarmUp ? 1 : Dqn.Epsilon(step - s.WarmUp, s.EpsilonStart, s.EpsilonEnd, s.EpsilonDecaySteps);
            int action = rng.NextDouble() < eps ? rng.NextInt(CartPole.ActionCount) : Dqn.GreedyActions(q, CartPole.StateBatch([state]))[0];
            var r = env.Step(action);
            buffer.Add(state, action, r.Reward, r.State, r.Terminated);
            episodeReturn += r.Reward;
            state = r.State;
            if (r.Done)
            {
                returns.Add(episodeReturn);
                progress?.Invoke(returns.Count, episodeReturn);
                episodeReturn = 0;
                state = env.Reset();
            }
            if (step < s.WarmUp || step % s.TrainEvery != 0) continue;

            var batch = buffer.Sample(s.BatchSize, sampling);
            var y = Dqn.Targets(target, batch, s.Gamma);
            optimizer.ZeroGrad();
            var loss = Dqn.Loss(q, batch, y, s.Huber);
            loss.Backward();
            if (s.ClipNorm > 0) GradientClipping.ClipByGlobalNorm(q.Parameters(), s.ClipNorm);
            optimizer.Step();
            losses.Add(loss.Item());
            updates++;
            if (s.Polyak > 0) Dqn.UpdateTarget(q, target, s.Polyak);
            else if (updates % s.TargetPeriod == 0) Dqn.UpdateTarget(q, target, 1);
        }
        evaluation.RestoreBest();
        return new DqnResult(q, [.. returns], [.. losses], [.. evaluation.History], step);
    }
}
