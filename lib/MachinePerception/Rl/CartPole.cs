using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>What one environment step returns: the next state, the reward, and whether the episode ended because the
/// task failed (<paramref name="Terminated"/>: no future reward, V(s′) = 0) or only because the time limit cut it
/// (<paramref name="Truncated"/>: the state still has a value, so a bootstrap target keeps γV(s′)).</summary>
public readonly record struct StepResult(double[] State, double Reward, bool Terminated, bool Truncated)
{
    public bool Done => Terminated || Truncated;
}

/// <summary>
/// The cart–pole balancing task (§7.5–7.8), the classic-control dynamics of Barto, Sutton &amp; Anderson (1983) with
/// the constants and rules of Gym's CartPole-v1: a pole hinged on a cart that moves on a track; the action pushes the
/// cart left (0) or right (1) with 10 N; the state is (x, ẋ, θ, θ̇); one Euler step of τ = 0.02 s per action; reward 1
/// for every step (the failing one included); the episode terminates when |θ| &gt; 12° or |x| &gt; 2.4 and is truncated
/// after 500 steps, so a return lies in 1..500. The start state is uniform in ±0.05 per coordinate, drawn from the
/// environment's own seeded <see cref="Rng"/>.
/// </summary>
public sealed class CartPole
{
    public const double Gravity = 9.8, CartMass = 1.0, PoleMass = 0.1, HalfLength = 0.5, ForceMagnitude = 10.0, Tau = 0.02;
    public const double AngleLimit = 12 * 2 * Math.PI / 360, PositionLimit = 2.4;
    public const int MaxSteps = 500, StateSize = 4, ActionCount = 2;

    readonly Rng rng;
    double[] state = new double[StateSize];

    /// <summary>Steps taken in the current episode.</summary>
    public int Steps { get; private set; }

    public CartPole(Rng rng) => this.rng = rng;

    /// <summary>A copy of the current state (x, ẋ, θ, θ̇).</summary>
    public double[] State => (double[])state.Clone();

    /// <summary>Starts an episode from a state uniform in ±0.05 per coordinate; returns it.</summary>
    public double[] Reset()
    {
        for (int i = 0; i < StateSize; i++) state[i] = rng.NextDouble() * 0.1 - 0.05;
        Steps = 0;
        return State;
    }

    /// <summary>Applies action 0 (push left) or 1 (push right) for τ seconds.</summary>
    public StepResult Step(int action)
    {
        if (Steps >= MaxSteps) throw new InvalidOperationException($"CartPole.Step: the episode ended after {Steps} steps; call Reset()");
        state = Dynamics(state, action);
        Steps++;
        bool terminated = Failed(state);
        return new StepResult(State, 1.0, terminated, !terminated && Steps >= MaxSteps);
    }

    /// <summary>Whether the pole fell past 12° or the cart left the track.</summary>
    public static bool Failed(double[] s) => Math.Abs(s[0]) > PositionLimit || Math.Abs(s[2]) > AngleLimit;

    /// <summary>
    /// One Euler step of the equations of motion (Barto et al. 1983, eqs. 23–24 with friction set to zero):
    /// θ̈ = (g sin θ − cos θ · t) / (l (4/3 − m_p cos²θ / (m_c + m_p))),  ẍ = t − m_p l θ̈ cos θ / (m_c + m_p),
    /// with t = (F + m_p l θ̇² sin θ)/(m_c + m_p) and l the half-length. Positions are advanced with the old velocities.
    /// </summary>
    public static double[] Dynamics(double[] s, int action)
    {
        if (s.Length != StateSize) throw new ArgumentException($"CartPole.Dynamics: state has {s.Length} entries, expected {StateSize}");
        if (action is not (0 or 1)) throw new ArgumentException($"CartPole.Dynamics: action {action} is not 0 (left) or 1 (right)");
        double x = s[0], xDot = s[1], theta = s[2], thetaDot = s[3];
        double force = action == 1 ? ForceMagnitude : -ForceMagnitude;
        double totalMass = CartMass + PoleMass, poleMassLength = PoleMass * HalfLength;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double temp = (force + poleMassLength * thetaDot * thetaDot * sin) / totalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - PoleMass * cos * cos / totalMass));
        double xAcc = temp - poleMassLength * thetaAcc * cos / totalMass;
        return [x + Tau * xDot, xDot + Tau * xAcc, theta + Tau * thetaDot, thetaDot + Tau * thetaAcc];
    }

    /// <summary>
    /// Runs <paramref name="episodes"/> episodes side by side (one batched policy call per time step for all running
    /// episodes, [running, 4] → one action each) and returns each episode's return, i.e. its length.
    /// </summary>
    public static double[] Evaluate(Func<Tensor, int[]> policy, int episodes, Rng rng)
    {
        var envs = Enumerable.Range(0, episodes).Select(_ => new CartPole(rng.Fork())).ToArray();
        var states = envs.Select(e => e.Reset()).ToArray();
        var returns = new double[episodes];
        var running = Enumerable.Range(0, episodes).ToList();
        while (running.Count > 0)
        {
            var actions = policy(StateBatch(running.Select(i => states[i]).ToList()));
            var still = new List<int>();
            for (int k = 0; k < running.Count; k++)
            {
                int i = running[k];
                var r = envs[i].Step(actions[k]);
                returns[i] += r.Reward;
                states[i] = r.State;
                if (!r.Done) still.Add(i);
            }
            running = still;
        }
        return returns;
    }

    /// <summary>States (all of one length d) as a batch [N, d] (float32 unless asked), the networks' input.</summary>
    public static Tensor StateBatch(IReadOnlyList<double[]> states, DType dtype = DType.Float32)
    {
        if (states.Count == 0) throw new ArgumentException("CartPole.StateBatch: no states");
        int d = states[0].Length;
        var data = new float[states.Count * d];
        for (int i = 0; i < states.Count; i++)
        {
            if (states[i].Length != d) throw new ArgumentException($"CartPole.StateBatch: state {i} has {states[i].Length} entries, state 0 has {d}");
            for (int j = 0; j < d; j++) data[i * d + j] = (float)states[i][j];
        }
        var batch = Tensor.FromArray(data, states.Count, d);
        return dtype == DType.Float32 ? batch : batch.To(dtype);
    }
}
