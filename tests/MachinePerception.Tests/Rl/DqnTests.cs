using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class DqnTests
{
    const DType F64 = DType.Float64;

    static (Sequential Q, ReplayBatch Batch) Setup(int seed, float[]? actions = null)
    {
        var rng = new Rng(seed);
        var q = Dqn.QNetwork(3, 5, 2, rng, F64);
        var a = actions ?? [0, 1, 1, 0, 1, 0];
        int n = a.Length;
        var batch = new ReplayBatch(rng.Normal([n, 3], dtype: F64), Tensor.FromArray(a.Select(v => (double)v).ToArray(), n, 1),
            rng.Normal([n], dtype: F64), rng.Normal([n, 3], dtype: F64),
            Tensor.FromArray(Enumerable.Range(0, n).Select(i => i == 2 ? 1.0 : 0.0).ToArray(), n));
        return (q, batch);
    }

    [Fact]
    public void Targets_are_reward_plus_discounted_max_and_just_the_reward_at_a_terminal_state()
    {
        var (q, batch) = Setup(1);
        var y = Dqn.Targets(q, batch, 0.9).ToDoubleArray();
        var next = q.Forward(batch.NextStates).ToJagged();
        var r = batch.Rewards.ToDoubleArray();
        for (int i = 0; i < y.Length; i++)
            Assert.Equal(i == 2 ? r[i] : r[i] + 0.9 * next[i].Max(), y[i], 12);
        Assert.Null(Dqn.Targets(q, batch, 0.9).GradFn);
    }

    [Fact]
    public void The_loss_gradient_flows_only_through_Q_of_the_taken_action()
    {
        // Summary §7.5: loss (R + γ max Q_θ(S′, a′) − Q_θ(S, A))², backprop only through Q_θ(S, A). Here the target is
        // made by the same network (no separate target network), so "only through Q(S, A)" is a real restriction.
        var (q, batch) = Setup(2);
        var y = Dqn.Targets(q, batch, 0.9);
        var parameters = q.Parameters();

        // (1) autodiff of the loss = finite differences of the loss with y frozen
        var frozen = GradCheck.RunOn(() => Dqn.Loss(q, batch, y, huber: false), parameters);
        Assert.True(frozen.Passed, frozen.Summary);

        // (2) …and differs from the full derivative, which would also move the target with θ
        var full = GradCheck.RunOn(() =>
        {
            var target = batch.Rewards + Op.Max(q.Forward(batch.NextStates), 1) * (1 - batch.Terminal) * 0.9;
            return Op.Mean(Op.Square(target - Dqn.TakenActionValues(q, batch.States, batch.Actions)));
        }, parameters);
        Assert.True(full.Passed, full.Summary);   // sanity: that function's own gradient checks out
        var semi = Autograd.Grad([Dqn.Loss(q, batch, y, huber: false)], parameters).SelectMany(g => g!.ToDoubleArray()).ToArray();
        var total = Autograd.Grad([Op.Mean(Op.Square(batch.Rewards + Op.Max(q.Forward(batch.NextStates), 1) * (1 - batch.Terminal) * 0.9
            - Dqn.TakenActionValues(q, batch.States, batch.Actions)))], parameters).SelectMany(g => g!.ToDoubleArray()).ToArray();
        double diff = Math.Sqrt(semi.Zip(total, (a, b) => (a - b) * (a - b)).Sum()), norm = Math.Sqrt(semi.Sum(a => a * a));
        Assert.True(diff > 0.05 * norm, $"semi-gradient and full gradient should differ: |Δ| = {diff}, |semi| = {norm}");
    }

    [Fact]
    public void An_action_never_taken_gets_no_gradient_in_its_output_row()
    {
        var (q, batch) = Setup(3, [0, 0, 0, 0]);   // only action 0 in the batch
        var y = Dqn.Targets(q, batch, 0.9);
        Dqn.Loss(q, batch, y, huber: true).Backward();
        var last = (Linear)q[4];
        var gw = last.Weight.Grad!.ToJagged();
        var gb = last.Bias!.Grad!.ToDoubleArray();
        Assert.All(gw[1], v => Assert.Equal(0.0, v));
        Assert.Equal(0.0, gb[1]);
        Assert.NotEqual(0.0, gb[0]);
        // and the gradient of Q(S, A) itself is −2(y − Q)/B (MSE) at the taken column only
        var (q2, b2) = Setup(4);
        var y2 = Dqn.Targets(q2, b2, 0.9);
        var all = q2.Forward(b2.States).Detach().RequireGrad();
        var qa = Op.Reshape(Op.Gather(all, 1, b2.Actions), -1);
        var g = Autograd.Grad(Op.Mean(Op.Square(y2 - qa)), all).ToJagged();
        var a = b2.Actions.ToDoubleArray();
        var yy = y2.ToDoubleArray();
        var qv = qa.ToDoubleArray();
        for (int i = 0; i < a.Length; i++)
            for (int k = 0; k < 2; k++)
                Assert.Equal(k == (int)a[i] ? -2 * (yy[i] - qv[i]) / a.Length : 0, g[i][k], 12);
    }

    [Fact]
    public void Huber_is_quadratic_inside_linear_outside_and_its_gradient_checks()
    {
        var x = Tensor.FromArray([-3.0, -0.5, 0.2, 0.9, 2.5], 5);
        Assert.Equal([2.5, 0.125, 0.02, 0.405, 2.0], Dqn.Huber(x).ToDoubleArray().Select(v => Math.Round(v, 12)).ToArray());
        var r = GradCheck.Run(t => Dqn.Huber(t[0]), [x]);   // no entry at the kink ±1
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Target_update_copies_or_averages_the_parameters()
    {
        var a = Dqn.QNetwork(2, 3, 2, new Rng(1));
        var b = Dqn.QNetwork(2, 3, 2, new Rng(2));
        var before = b.Parameters().Select(p => p.ToDoubleArray()).ToArray();
        Dqn.UpdateTarget(a, b, 0.25);
        var pa = a.Parameters();
        var pb = b.Parameters();
        for (int i = 0; i < pa.Length; i++)
            for (int k = 0; k < pa[i].Size; k++)
                Assert.Equal(0.25 * pa[i].ToDoubleArray()[k] + 0.75 * before[i][k], pb[i].ToDoubleArray()[k], 6);
        Dqn.UpdateTarget(a, b, 1);
        for (int i = 0; i < pa.Length; i++) Assert.Equal(pa[i].ToFloatArray(), pb[i].ToFloatArray());
        Assert.StartsWith("Dqn.UpdateTarget", Assert.Throws<ArgumentException>(() => Dqn.UpdateTarget(a, b, 0)).Message);
    }

    [Fact]
    public void Epsilon_decays_linearly_then_stays()
    {
        Assert.Equal(1.0, Dqn.Epsilon(0, 1, 0.1, 100));
        Assert.Equal(0.55, Dqn.Epsilon(50, 1, 0.1, 100), 12);
        Assert.Equal(0.1, Dqn.Epsilon(500, 1, 0.1, 100));
    }

    [Fact]
    public void Loss_rejects_targets_that_carry_a_graph()
    {
        var (q, batch) = Setup(5);
        var y = batch.Rewards + Op.Max(q.Forward(batch.NextStates), 1);
        var ex = Assert.Throws<ArgumentException>(() => Dqn.Loss(q, batch, y, huber: false));
        Assert.StartsWith("Dqn.Loss", ex.Message);
    }

    [Fact]
    public void A_short_training_run_is_deterministic()
    {
        var s = new DqnSettings { Steps = 400, WarmUp = 100, Hidden = 8, BatchSize = 8, TargetPeriod = 50 };
        var a = DeepQLearning.Train(s, 3);
        var b = DeepQLearning.Train(s, 3);
        Assert.Equal(a.EpisodeReturns, b.EpisodeReturns);
        Assert.Equal(a.Losses, b.Losses);
        Assert.Equal(300, a.Losses.Length);
    }
}
