using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// Actor–critic (§7.8): the policy π_θ (the actor) is updated along
/// ∇J ≈ (1/N) Σ ∇ log π_θ(a_t | s_t) (r_t + γV(s_{t+1}) − V(s_t)),
/// where the critic V_φ, a network, replaces the Monte Carlo return of REINFORCE by a one-step bootstrap: the weight
/// δ_t = r + γV(s′) − V(s) (the TD error, an estimate of the advantage of a_t) needs one transition, not a whole
/// episode. The critic learns by TD(0) on the same transitions: it descends δ² with the target r + γV(s′) held fixed
/// (a semi-gradient, as in deep Q-learning). V(s′) = 0 where s′ ended the task (not where the time limit cut it).
/// </summary>
public static class ActorCritic
{
    /// <summary>
    /// δ = r + γ(1 − terminal)V(s′) − V(s) [N]; V(s′) is computed without recording, so the graph reaches the critic
    /// only through V(s).
    /// </summary>
    public static Tensor TdErrors(Layer critic, Tensor states, Tensor rewards, Tensor nextStates, Tensor terminal, double gamma)
    {
        Tensor target;
        using (Autograd.NoGrad()) target = rewards + critic.Forward(nextStates) * (1 - terminal) * gamma;
        return target - critic.Forward(states);
    }

    /// <summary>
    /// The two losses of one update on a batch of transitions: the actor's −mean(log π(a|s) δ) − β·mean(entropy) with
    /// δ held constant (its gradient is minus the summary's ∇J, plus an entropy bonus that keeps the policy from
    /// collapsing early when β &gt; 0), and the critic's mean δ².
    /// </summary>
    public static (Tensor Actor, Tensor Critic) Losses(Layer actor, Layer critic, Tensor states, Tensor actions, Tensor rewards,
        Tensor nextStates, Tensor terminal, double gamma, double entropyWeight = 0)
    {
        int n = states.Shape[0];
        if (actions.Rank != 2 || actions.Shape[0] != n || actions.Shape[1] != 1 || rewards.Shape[0] != n || nextStates.Shape[0] != n || terminal.Shape[0] != n)
            throw new ArgumentException($"ActorCritic.Losses: states {states.Shape}, actions {actions.Shape} (must be [N, 1]), rewards {rewards.Shape}, next states {nextStates.Shape}, terminal {terminal.Shape} do not describe the same N transitions");
        var delta = TdErrors(critic, states, rewards, nextStates, terminal, gamma); // [N]
        var logits = actor.Forward(states);
        var logPi = Op.LogSoftmax(logits, 1); // [N, A]
        var taken = Op.Reshape(Op.Gather(logPi, 1, actions), -1); // [N]
        var actorLoss = -Op.Mean(taken * delta.Detach());
        if (entropyWeight > 0)
        {
            var entropy = -Op.Sum(Op.Exp(logPi) * logPi, 1); // [N]
            actorLoss = actorLoss - Op.Mean(entropy) * entropyWeight;
        }
        return (actorLoss, Op.Mean(Op.Square(delta)));
    }
}

/// <summary>The knobs of <see cref="ActorCriticTraining.Train"/>.</summary>
public sealed record ActorCriticSettings
{
    /// <summary>Updates; each uses <see cref="Envs"/> × <see cref="StepsPerUpdate"/> transitions.</summary>
    public int Updates { get; init; } = 3000;
    public int Envs { get; init; } = 8;
    public int StepsPerUpdate { get; init; } = 5;
    public int Hidden { get; init; } = 64;
    public double Gamma { get; init; } = 0.99;
    public double ActorLearningRate { get; init; } = 1e-3;
    public double CriticLearningRate { get; init; } = 5e-3;
    public double EntropyWeight { get; init; } = 0.01;
    /// <summary>Evaluate the policy (sampled actions) every this many updates (0: never) on <see cref="EvaluationEpisodes"/> episodes.</summary>
    public int EvaluateEvery { get; init; } = 100;
    public int EvaluationEpisodes { get; init; } = 20;
    /// <summary>Stop once an evaluation's mean return reaches this.</summary>
    public double StopAt { get; init; } = CartPole.MaxSteps;
}

/// <summary>What an actor–critic run leaves: actor (the best evaluated snapshot where evaluation was on), critic, the
/// return of every finished training episode (sampled actions), the evaluations (update, mean return) and the updates made.</summary>
public sealed record ActorCriticResult(Sequential Actor, Sequential Critic, double[] EpisodeReturns, (int Step, double MeanReturn)[] Evaluations, int UpdatesMade);

/// <summary>
/// Actor–critic on <see cref="CartPole"/>: several environments run side by side (one batched forward pass picks all
/// their actions); every few steps the collected transitions give one update of both networks.
/// </summary>
public static class ActorCriticTraining
{
    public static ActorCriticResult Train(ActorCriticSettings s, int seed, Action<int, double>? progress = null)
    {
        var rng = new Rng(seed);
        var actor = Reinforce.PolicyNetwork(CartPole.StateSize, s.Hidden, CartPole.ActionCount, rng);
        var critic = Reinforce.ValueNetwork(CartPole.StateSize, s.Hidden, rng);
        var actorOptimizer = new Adam(actor.Parameters(), s.ActorLearningRate);
        var criticOptimizer = new Adam(critic.Parameters(), s.CriticLearningRate);
        var envs = Enumerable.Range(0, s.Envs).Select(_ => new CartPole(rng.Fork())).ToArray();
        var states = envs.Select(e => e.Reset()).ToArray();
        var running = new double[s.Envs];
        var returns = new List<double>();
        var buffer = new ReplayBuffer(s.Envs * s.StepsPerUpdate, CartPole.StateSize); // holds exactly one update's transitions
        var all = Enumerable.Range(0, s.Envs * s.StepsPerUpdate).ToArray();
        var evaluationRng = rng.Fork();
        var evaluation = new CartPoleEvaluation(actor, x => Reinforce.SampleActions(actor, x, evaluationRng), s.EvaluationEpisodes, s.StopAt, evaluationRng.Fork());
        int u = 0;
        for (; u < s.Updates; u++)
        {
            if (s.EvaluateEvery > 0 && u > 0 && u % s.EvaluateEvery == 0 && evaluation.Evaluate(u)) break;
            for (int t = 0; t < s.StepsPerUpdate; t++)
            {
                var actions = Reinforce.SampleActions(actor, CartPole.StateBatch(states), rng);
                for (int i = 0; i < s.Envs; i++)
                {
                    var r = envs[i].Step(actions[i]);
                    buffer.Add(states[i], actions[i], r.Reward, r.State, r.Terminated);
                    running[i] += r.Reward;
                    states[i] = r.State;
                    if (!r.Done) continue;
                    returns.Add(running[i]);
                    progress?.Invoke(returns.Count, running[i]);
                    running[i] = 0;
                    states[i] = envs[i].Reset();
                }
            }
            var b = buffer.Gather(all);
            var (actorLoss, criticLoss) = ActorCritic.Losses(actor, critic, b.States, b.Actions, b.Rewards, b.NextStates, b.Terminal, s.Gamma, s.EntropyWeight);
            actorOptimizer.ZeroGrad();
            criticOptimizer.ZeroGrad();
            (actorLoss + criticLoss).Backward(); // the two losses share no parameters, so one sweep serves both
            actorOptimizer.Step();
            criticOptimizer.Step();
        }
        evaluation.RestoreBest();
        return new ActorCriticResult(actor, critic, [.. returns], [.. evaluation.History], u);
    }

    /// <summary>Actions for evaluation: sampled from π (the policy as trained) or the most probable one (greedy).</summary>
    public static int[] Act(Layer actor, Tensor states, Rng rng, bool greedy)
    {
        if (!greedy) return Reinforce.SampleActions(actor, states, rng);
        using var _ = Autograd.NoGrad();
        return Op.ArgMaxIndices(actor.Forward(states), 1);
    }
}
