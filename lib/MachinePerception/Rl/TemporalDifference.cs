namespace MachinePerception.Rl;

/// <summary>
/// TD(0) prediction (§7.3): after every single step s → s′ with reward r, move V(s) towards the bootstrapped target
/// r + γ V(s′). The summary's ΔV(s) = r + γV(s′) − V(s) is the TD error δ; the update applies a step size,
/// V(s) ← V(s) + α δ. Unlike Monte Carlo it learns during the episode, and its target has lower variance (one
/// random reward, not a whole return) but is biased by the current estimate V(s′).
/// </summary>
public static class TemporalDifference
{
    /// <summary>The TD error δ = r + γ V(s′) − V(s); V of a terminal s′ counts as 0.</summary>
    public static double Error(double[] v, Transition t, double gamma) =>
        t.Reward + (t.Terminal ? 0 : gamma * v[t.Next]) - v[t.State];

    /// <summary>One TD(0) update V(s) ← V(s) + α δ; returns δ.</summary>
    public static double Update(double[] v, Transition t, double gamma, double alpha)
    {
        double delta = Error(v, t, gamma);
        v[t.State] += alpha * delta;
        return delta;
    }
}
