using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class ActorCriticTests
{
    const DType F64 = DType.Float64;

    // A linear softmax actor (logits W s) and a linear critic V(s) = vᵀs, so both gradients have closed forms:
    // ∇_W log π(a|s) = (onehot(a) − π(s)) sᵀ and ∇_v V(s) = s.
    sealed record Case(Sequential Actor, Sequential Critic, Tensor S, Tensor A, Tensor R, Tensor S2, Tensor T);

    static Case Make(int seed)
    {
        var rng = new Rng(seed);
        var actor = new Sequential(new Linear(3, 2, rng, bias: false, dtype: F64));
        var critic = new Sequential(new Linear(3, 1, rng, bias: false, dtype: F64), new Flatten(0));
        return new(actor, critic, rng.Normal([5, 3], dtype: F64), Tensor.FromArray([0.0, 1, 1, 0, 1], 5, 1),
            rng.Normal([5], dtype: F64), rng.Normal([5, 3], dtype: F64), Tensor.FromArray([0.0, 0, 0, 1, 0], 5));
    }

    [Fact]
    public void Td_errors_are_r_plus_gamma_v_next_minus_v()
    {
        var c = Make(1);
        var d = ActorCritic.TdErrors(c.Critic, c.S, c.R, c.S2, c.T, 0.9).ToDoubleArray();
        var v = c.Critic.Forward(c.S).ToDoubleArray();
        var v2 = c.Critic.Forward(c.S2).ToDoubleArray();
        var r = c.R.ToDoubleArray();
        for (int i = 0; i < 5; i++) Assert.Equal(r[i] + (i == 3 ? 0 : 0.9 * v2[i]) - v[i], d[i], 12);
    }

    [Fact]
    public void The_update_is_the_summary_formula_for_the_actor_and_a_semi_gradient_for_the_critic()
    {
        var c = Make(2);
        var (actorLoss, criticLoss) = ActorCritic.Losses(c.Actor, c.Critic, c.S, c.A, c.R, c.S2, c.T, 0.9);
        var w = c.Actor.Parameters()[0];
        var v = c.Critic.Parameters()[0];
        var gw = Autograd.Grad(actorLoss, w).ToJagged();
        var gv = Autograd.Grad(criticLoss, v).ToDoubleArray();

        var delta = ActorCritic.TdErrors(c.Critic, c.S, c.R, c.S2, c.T, 0.9).ToDoubleArray();
        var pi = Op.Softmax(c.Actor.Forward(c.S), 1).ToJagged();
        var s = c.S.ToJagged();
        var a = c.A.ToDoubleArray();
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 3; j++)
            {
                // −∇J = −(1/N) Σ_i (onehot(a_i) − π(s_i))_k s_ij δ_i
                double expected = -Enumerable.Range(0, 5).Sum(i => ((a[i] == k ? 1 : 0) - pi[i][k]) * s[i][j] * delta[i]) / 5;
                Assert.Equal(expected, gw[k][j], 12);
            }
        for (int j = 0; j < 3; j++)
            Assert.Equal(-2 * Enumerable.Range(0, 5).Sum(i => delta[i] * s[i][j]) / 5, gv[0 * 3 + j], 12);
    }

    [Fact]
    public void Losses_with_the_advantage_frozen_pass_a_gradient_check()
    {
        var c = Make(3);
        var actor = new Sequential(new Linear(3, 4, new Rng(5), dtype: F64), new Tanh(), new Linear(4, 2, new Rng(6), dtype: F64));
        var r = GradCheck.RunOn(() => ActorCritic.Losses(actor, c.Critic, c.S, c.A, c.R, c.S2, c.T, 0.9, entropyWeight: 0.1).Actor, actor.Parameters());
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void One_update_step_lowers_the_squared_td_error_on_its_batch()
    {
        var c = Make(4);
        double before = ActorCritic.Losses(c.Actor, c.Critic, c.S, c.A, c.R, c.S2, c.T, 0.9).Critic.Item();
        var opt = new MachinePerception.Optim.Sgd(c.Critic.Parameters(), 0.05);
        var (_, loss) = ActorCritic.Losses(c.Actor, c.Critic, c.S, c.A, c.R, c.S2, c.T, 0.9);
        loss.Backward();
        opt.Step();
        double after = ActorCritic.Losses(c.Actor, c.Critic, c.S, c.A, c.R, c.S2, c.T, 0.9).Critic.Item();
        Assert.True(after < before, $"critic loss {before} → {after}");
    }

    [Fact]
    public void A_short_training_run_is_deterministic()
    {
        var s = new ActorCriticSettings { Updates = 30, Envs = 2, StepsPerUpdate = 3, Hidden = 8 };
        Assert.Equal(ActorCriticTraining.Train(s, 1).EpisodeReturns, ActorCriticTraining.Train(s, 1).EpisodeReturns);
    }

    [Fact]
    public void Mismatched_batches_are_named()
    {
        var c = Make(5);
        var ex = Assert.Throws<ArgumentException>(() => ActorCritic.Losses(c.Actor, c.Critic, c.S, Tensor.FromArray([0.0, 1], 2, 1), c.R, c.S2, c.T, 0.9));
        Assert.StartsWith("ActorCritic.Losses", ex.Message);
        Assert.Contains("[2, 1]", ex.Message);
    }
}
