using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class ImitationTests
{
    [Fact]
    public void The_reward_is_one_in_the_reference_pose_and_matches_the_formula_elsewhere()
    {
        var task = ImitationTask.Wave();
        var reference = task.Reference.Angles(0.25);
        Assert.Equal(1.0, task.Reward.Evaluate(task.Chain, reference, reference), 12);
        double[] q = [reference[0] - 0.1, reference[1] + 0.3];
        var (ex, ey) = task.Chain.EndEffector(q);
        var (rx, ry) = task.Chain.EndEffector(reference);
        double expected = 0.7 * Math.Exp(-2 * (0.01 + 0.09)) + 0.3 * Math.Exp(-10 * ((ex - rx) * (ex - rx) + (ey - ry) * (ey - ry)));
        Assert.Equal(expected, task.Reward.Evaluate(task.Chain, q, reference), 12);
    }

    [Fact]
    public void Reference_velocities_are_the_time_derivative_of_the_angles()
    {
        var motion = ReferenceMotion.Wave();
        const double h = 1e-6;
        for (double phase = 0; phase < 1; phase += 0.13)
        {
            var v = motion.Velocities(phase);
            var plus = motion.Angles(phase + h / motion.Period);
            var minus = motion.Angles(phase - h / motion.Period);
            for (int i = 0; i < 2; i++) Assert.Equal((plus[i] - minus[i]) / (2 * h), v[i], 6);
        }
    }

    [Fact]
    public void Episodes_start_in_the_reference_state_advance_the_phase_and_end_at_the_horizon()
    {
        var task = new ImitationTask(new KinematicChain([1.0, 0.8]), ReferenceMotion.Wave(), new ImitationReward(), horizon: 3);
        var obs = task.Reset(1.25);   // phases wrap into [0, 1)
        Assert.Equal(0.25, task.Phase, 12);
        Assert.Equal(task.Reference.Angles(0.25), task.Q);
        Assert.Equal(6, obs.Length);
        Assert.Equal(Math.Sin(Math.PI / 2), obs[4], 12);
        StepResult r = default;
        for (int t = 0; t < 3; t++) r = task.Step(task.Q);
        Assert.True(r.Truncated && !r.Terminated);
        Assert.Equal(0.25 + 3 * 0.02, task.Phase, 12);
        Assert.StartsWith("ImitationTask.Step", Assert.Throws<InvalidOperationException>(() => task.Step(task.Q)).Message);
        var mismatch = Assert.Throws<ArgumentException>(() => new ImitationTask(new KinematicChain([1.0]), ReferenceMotion.Wave(), new ImitationReward()));
        Assert.Contains("1 joints", mismatch.Message);
    }

    [Fact]
    public void A_short_training_run_is_deterministic_and_rollouts_track_the_reference_shape()
    {
        var s = new ImitationSettings { Iterations = 2, EpisodesPerBatch = 3, Hidden = 8, ValueSteps = 2 };
        var a = ImitationTraining.Train(ImitationTask.Wave, s, 4);
        var b = ImitationTraining.Train(ImitationTask.Wave, s, 4);
        Assert.Equal(a.MeanRewards, b.MeanRewards);
        Assert.All(a.MeanRewards, r => Assert.InRange(r, 0, 1));
        var play = ImitationTraining.Rollout(a.Policy, ImitationTask.Wave());
        Assert.Equal(100, play.Angles.Length);
        Assert.Equal(play.Angles.Length, play.ReferenceEndEffector.Length);
        Assert.Equal(ImitationTraining.Rollout(a.Policy, ImitationTask.Wave(), new Rng(1)).Rewards, ImitationTraining.Rollout(a.Policy, ImitationTask.Wave(), new Rng(1)).Rewards);
    }
}
