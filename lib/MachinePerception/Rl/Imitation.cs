using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// A periodic reference motion for a <see cref="KinematicChain"/> (the stand-in for a motion-capture clip, §7.9):
/// q_ref,i(φ) = c_i + a_i sin(2πφ + ψ_i) for the phase φ ∈ [0, 1) of a cycle lasting <see cref="Period"/> seconds.
/// </summary>
public sealed class ReferenceMotion(double[] centers, double[] amplitudes, double[] phases, double period)
{
    public double Period { get; } = period > 0 ? period : throw new ArgumentException($"ReferenceMotion: period {period} must be positive");
    public int Joints => centers.Length;

    /// <summary>A two-joint "waving" cycle of one second: the shoulder swings ±0.5 rad, the elbow ±0.7 rad a quarter cycle later.</summary>
    public static ReferenceMotion Wave() => new([0.9, 0.8], [0.5, 0.7], [0, Math.PI / 2], 1.0);

    /// <summary>q_ref(φ).</summary>
    public double[] Angles(double phase) => Enumerable.Range(0, Joints).Select(i => centers[i] + amplitudes[i] * Math.Sin(2 * Math.PI * phase + phases[i])).ToArray();

    /// <summary>q̇_ref(φ) = dq_ref/dt = (2π a_i / Period) cos(2πφ + ψ_i).</summary>
    public double[] Velocities(double phase) => Enumerable.Range(0, Joints).Select(i => 2 * Math.PI * amplitudes[i] / Period * Math.Cos(2 * Math.PI * phase + phases[i])).ToArray();
}

/// <summary>
/// DeepMimic's imitation reward (Peng et al. 2018), reduced to a planar chain: a pose term and an end-effector term,
/// r = w_p exp(−k_p ‖q − q_ref‖²) + w_e exp(−k_e ‖e(q) − e(q_ref)‖²), each in (0, 1], so r ∈ (0, w_p + w_e] and it
/// is largest when the character is exactly in the reference pose. The exponentials turn a distance into a bounded
/// reward that still gives a gradient far from the reference (unlike a 0/1 "close enough" reward).
/// </summary>
public sealed record ImitationReward(double PoseWeight = 0.7, double PoseScale = 2, double EndEffectorWeight = 0.3, double EndEffectorScale = 10)
{
    public double Evaluate(KinematicChain chain, double[] q, double[] reference)
    {
        double pose = 0;
        for (int i = 0; i < q.Length; i++) pose += (q[i] - reference[i]) * (q[i] - reference[i]);
        var (ex, ey) = chain.EndEffector(q);
        var (rx, ry) = chain.EndEffector(reference);
        double effector = (ex - rx) * (ex - rx) + (ey - ry) * (ey - ry);
        return PoseWeight * Math.Exp(-PoseScale * pose) + EndEffectorWeight * Math.Exp(-EndEffectorScale * effector);
    }
}

/// <summary>
/// The imitation task as an environment: the chain must follow the reference motion for <see cref="Horizon"/> steps.
/// Observation (the policy's input): (q, q̇/10, sin 2πφ, cos 2πφ); action: the joints' PD targets; reward:
/// <see cref="ImitationReward"/> after the step. Episodes start at a random phase of the cycle in the reference's pose
/// and velocity (DeepMimic's reference state initialisation: every part of the motion is practised from the start).
/// </summary>
public sealed class ImitationTask(KinematicChain chain, ReferenceMotion reference, ImitationReward reward, int horizon = 100)
{
    public KinematicChain Chain { get; } = chain.Joints == reference.Joints ? chain
        : throw new ArgumentException($"ImitationTask: the chain has {chain.Joints} joints, the reference motion {reference.Joints}");
    public ReferenceMotion Reference { get; } = reference;
    public ImitationReward Reward { get; } = reward;
    public int Horizon { get; } = horizon;
    public int ObservationSize => 2 * Chain.Joints + 2;

    /// <summary>The chapter's task: two links of 1.0 and 0.8, the waving reference, DeepMimic-style reward weights.</summary>
    public static ImitationTask Wave() => new(new KinematicChain([1.0, 0.8]), ReferenceMotion.Wave(), new ImitationReward());

    public double[] Q { get; private set; } = [];
    public double[] Velocity { get; private set; } = [];
    public double Phase { get; private set; }
    public int Steps { get; private set; }

    /// <summary>Starts in the reference state at the given phase (reference state initialisation).</summary>
    public double[] Reset(double phase)
    {
        Phase = phase - Math.Floor(phase);
        Q = Reference.Angles(Phase);
        Velocity = Reference.Velocities(Phase);
        Steps = 0;
        return Observation();
    }

    public double[] Observation() =>
        [.. Q, .. Velocity.Select(v => v / 10), Math.Sin(2 * Math.PI * Phase), Math.Cos(2 * Math.PI * Phase)];

    /// <summary>One servo step towards the targets; the reward compares the new pose with the reference at the new phase.</summary>
    public StepResult Step(double[] targets)
    {
        if (Steps >= Horizon) throw new InvalidOperationException($"ImitationTask.Step: the episode ended after {Steps} steps; call Reset()");
        (Q, Velocity) = Chain.Step(Q, Velocity, targets);
        Phase += Chain.TimeStep / Reference.Period;
        Phase -= Math.Floor(Phase);
        Steps++;
        return new StepResult(Observation(), Reward.Evaluate(Chain, Q, Reference.Angles(Phase)), false, Steps >= Horizon);
    }
}

/// <summary>The knobs of <see cref="ImitationTraining.Train"/>.</summary>
public sealed record ImitationSettings
{
    public int Iterations { get; init; } = 150;
    public int EpisodesPerBatch { get; init; } = 32;
    public int Hidden { get; init; } = 64;
    public double Gamma { get; init; } = 0.95;
    public double LearningRate { get; init; } = 3e-3;
    public double InitialStd { get; init; } = 0.3;
    public double ValueLearningRate { get; init; } = 1e-2;
    public int ValueSteps { get; init; } = 20;
}

/// <summary>The trained policy and, per iteration, the mean reward per step of the batch (1.0 = perfect imitation).</summary>
public sealed record ImitationResult(GaussianPolicy Policy, double[] MeanRewards);

/// <summary>One episode played from phase 0: the chain's and the reference's angles and end-effector paths, and the rewards.</summary>
public sealed record ImitationRollout(double[][] Angles, double[][] ReferenceAngles, (double X, double Y)[] EndEffector,
    (double X, double Y)[] ReferenceEndEffector, double[] Rewards);

/// <summary>
/// Motion imitation trained by the Gaussian policy gradient (§7.7, §7.9): batches of episodes sampled from
/// π_θ(a | s) = N(μ_θ(s), σ²), weights G_t − V(s_t) (rewards-to-go minus a learned baseline, rescaled by their standard
/// deviation over the batch, which sets the step length, not its direction), one Adam step on
/// −mean(log π(a_t | s_t) · weight), then the baseline is refitted.
/// </summary>
public static class ImitationTraining
{
    public static ImitationResult Train(Func<ImitationTask> makeTask, ImitationSettings s, int seed, Action<int, double>? progress = null)
    {
        var rng = new Rng(seed);
        var tasks = Enumerable.Range(0, s.EpisodesPerBatch).Select(_ => makeTask()).ToArray();
        int d = tasks[0].ObservationSize, k = tasks[0].Chain.Joints, horizon = tasks[0].Horizon;
        var policy = new GaussianPolicy(d, k, s.Hidden, rng, s.InitialStd);
        var value = Reinforce.ValueNetwork(d, s.Hidden, rng);
        var optimizer = new Adam(policy.Parameters(), s.LearningRate);
        var valueOptimizer = new Adam(value.Parameters(), s.ValueLearningRate);
        var meanRewards = new double[s.Iterations];
        for (int it = 0; it < s.Iterations; it++)
        {
            // observations and actions time-major: row t·N + i is episode i at step t
            var observations = tasks.Select(t => t.Reset(rng.NextDouble())).ToList();
            var obsRows = new List<double[]>();
            var actionRows = new List<Tensor>();
            var rewards = new double[s.EpisodesPerBatch, horizon];
            for (int t = 0; t < horizon; t++)
            {
                var obs = CartPole.StateBatch(observations);
                var actions = policy.Sample(obs, rng); // [N, k]
                obsRows.AddRange(observations);
                actionRows.Add(actions);
                var a = actions.ToJagged();
                for (int i = 0; i < tasks.Length; i++)
                {
                    var r = tasks[i].Step(a[i]);
                    rewards[i, t] = r.Reward;
                    observations[i] = r.State;
                }
            }
            double total = 0;
            var returnsToGo = new double[horizon * tasks.Length];
            for (int i = 0; i < tasks.Length; i++)
            {
                var g = Reinforce.RewardsToGo(Enumerable.Range(0, horizon).Select(t => rewards[i, t]).ToArray(), s.Gamma);
                for (int t = 0; t < horizon; t++) { returnsToGo[t * tasks.Length + i] = g[t]; total += rewards[i, t]; }
            }
            meanRewards[it] = total / (horizon * tasks.Length);
            progress?.Invoke(it + 1, meanRewards[it]);

            var states = CartPole.StateBatch(obsRows);
            var allActions = Op.Concat(actionRows, 0);
            var weights = Reinforce.Weights(states, returnsToGo, value);
            double std = Math.Sqrt(weights.ToDoubleArray().Select(w => w * w).Average()) + 1e-8;
            optimizer.ZeroGrad();
            Reinforce.SurrogateLoss(policy.LogProbability(states, allActions), weights * (1 / std)).Backward();
            optimizer.Step();
            Reinforce.FitValue(value, valueOptimizer, states, returnsToGo, s.ValueSteps);
        }
        return new ImitationResult(policy, meanRewards);
    }

    /// <summary>Plays one episode from phase 0 with the mean action μ_θ(s) (or sampled actions when an Rng is given).</summary>
    public static ImitationRollout Rollout(GaussianPolicy policy, ImitationTask task, Rng? sampling = null)
    {
        var obs = task.Reset(0);
        var angles = new List<double[]>();
        var reference = new List<double[]>();
        var rewards = new List<double>();
        for (int t = 0; t < task.Horizon; t++)
        {
            var x = CartPole.StateBatch([obs]);
            double[] a;
            using (Autograd.NoGrad()) a = (sampling is null ? policy.Mean(x) : policy.Sample(x, sampling)).ToDoubleArray();
            var r = task.Step(a);
            obs = r.State;
            angles.Add(task.Q);
            reference.Add(task.Reference.Angles(task.Phase));
            rewards.Add(r.Reward);
        }
        return new ImitationRollout([.. angles], [.. reference], angles.Select(task.Chain.EndEffector).ToArray(),
            reference.Select(task.Chain.EndEffector).ToArray(), [.. rewards]);
    }
}
