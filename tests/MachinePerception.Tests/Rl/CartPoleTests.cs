using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class CartPoleTests
{
    [Fact]
    public void One_step_from_rest_matches_the_hand_computed_euler_step()
    {
        // From (0, 0, 0, 0) pushing right: t = F/(m_c + m_p) = 10/1.1; θ̈ = −t / (l (4/3 − m_p/(m_c + m_p)));
        // ẍ = t − m_p l θ̈ / (m_c + m_p). Euler: positions keep their old (zero) velocities.
        double t = 10 / 1.1;
        double thetaAcc = -t / (0.5 * (4.0 / 3.0 - 0.1 / 1.1));
        double xAcc = t - 0.1 * 0.5 * thetaAcc / 1.1;
        var s = CartPole.Dynamics([0, 0, 0, 0], 1);
        Assert.Equal(0, s[0]);
        Assert.Equal(0.02 * xAcc, s[1], 12);
        Assert.Equal(0, s[2]);
        Assert.Equal(0.02 * thetaAcc, s[3], 12);
        Assert.Equal(0.195122, s[1], 6);   // the same numbers worked out on paper: ẍ = 9.7561, θ̈ = −14.634
        Assert.Equal(-0.292683, s[3], 6);
    }

    [Fact]
    public void A_tilted_moving_state_follows_the_equations_with_gravity_and_centrifugal_terms()
    {
        double[] s0 = [0.1, -0.2, 0.05, 0.3];
        var s = CartPole.Dynamics(s0, 0);
        double cos = Math.Cos(0.05), sin = Math.Sin(0.05);
        double t = (-10 + 0.05 * 0.3 * 0.3 * sin) / 1.1;
        double thetaAcc = (9.8 * sin - cos * t) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1));
        double xAcc = t - 0.05 * thetaAcc * cos / 1.1;
        double[] expected = [0.1 + 0.02 * -0.2, -0.2 + 0.02 * xAcc, 0.05 + 0.02 * 0.3, 0.3 + 0.02 * thetaAcc];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], s[i], 14);
    }

    [Fact]
    public void Episodes_terminate_at_the_angle_limit_and_are_truncated_at_500_steps()
    {
        var env = new CartPole(new Rng(3));
        var s = env.Reset();
        Assert.All(s, v => Assert.InRange(v, -0.05, 0.05));
        StepResult r;
        int steps = 0;
        do { r = env.Step(1); steps++; } while (!r.Done);   // always pushing right: the pole falls left quickly
        Assert.True(r.Terminated && !r.Truncated);
        Assert.True(CartPole.Failed(r.State), $"terminated at {string.Join(", ", r.State)}");
        Assert.InRange(steps, 5, 30);
        Assert.Equal(1.0, r.Reward);
        Assert.Throws<InvalidOperationException>(() => { var e = new CartPole(new Rng(1)); e.Reset(); for (int i = 0; i < 501; i++) e.Step(i % 2); });

        // a simple stabilising controller (push in the direction the pole is falling) survives to the time limit
        env.Reset();
        do r = env.Step(env.State[2] + 0.5 * env.State[3] > 0 ? 1 : 0); while (!r.Done);
        Assert.True(r.Truncated && !r.Terminated);
        Assert.Equal(CartPole.MaxSteps, env.Steps);
    }

    [Fact]
    public void The_same_seed_gives_the_same_episode_and_bad_input_is_named()
    {
        double[] Run(int seed) { var e = new CartPole(new Rng(seed)); e.Reset(); for (int i = 0; i < 5; i++) e.Step(i % 2); return e.State; }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
        var ex = Assert.Throws<ArgumentException>(() => CartPole.Dynamics([0, 0, 0, 0], 2));
        Assert.StartsWith("CartPole.Dynamics", ex.Message);
        Assert.Contains("2", ex.Message);
    }

    [Fact]
    public void Evaluate_returns_each_episode_length()
    {
        var returns = CartPole.Evaluate(states => Enumerable.Repeat(1, states.Shape[0]).ToArray(), 5, new Rng(2));
        Assert.Equal(5, returns.Length);
        Assert.All(returns, r => Assert.InRange(r, 5, 30));
        var good = CartPole.Evaluate(states => Enumerable.Range(0, states.Shape[0]).Select(i => states[i, 2] + 0.5 * states[i, 3] > 0 ? 1 : 0).ToArray(), 3, new Rng(2));
        Assert.All(good, r => Assert.Equal(500, r));
    }
}
