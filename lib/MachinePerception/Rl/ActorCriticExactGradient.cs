using MachinePerception.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Rl;

/// <summary>
/// A small episodic MDP given by its non-terminal part: P[s, a, s′] over the non-terminal states (each row may sum to
/// less than 1; the rest is the probability of ending the episode), the expected reward R[s, a], the start
/// distribution and γ.
/// </summary>
public sealed record EpisodicMdp(double[,,] P, double[,] R, double[] Start, double Gamma)
{
    public int States => P.GetLength(0);
    public int Actions => P.GetLength(1);

    /// <summary>
    /// A three-state corridor: "right" (action 1) moves one state on with probability 0.8; in the last state it ends the
    /// episode with reward 1; "left" moves back (from state 0 it ends the episode with probability 0.1). γ = 0.9.
    /// </summary>
    public static EpisodicMdp Corridor()
    {
        var p = new double[3, 2, 3];
        p[0, 0, 0] = 0.9;                    // left at the wall: stay, or (0.1) give up
        p[0, 1, 1] = 0.8; p[0, 1, 0] = 0.2;
        p[1, 0, 0] = 0.8; p[1, 0, 1] = 0.2;
        p[1, 1, 2] = 0.8; p[1, 1, 1] = 0.2;
        p[2, 0, 1] = 0.8; p[2, 0, 2] = 0.2;
        var r = new double[3, 2];
        r[2, 1] = 1;                         // right in the last state: the goal (episode ends)
        return new EpisodicMdp(p, r, [1, 0, 0], 0.9);
    }
}

/// <summary>
/// The exact policy gradient of an <see cref="EpisodicMdp"/> under a tabular softmax policy π(a | s) ∝ exp θ[s, a],
/// to test the actor–critic formula of §7.8 against the J of §7.7. With V^π = (I − γP_π)⁻¹ r_π and
/// A(s, a) = r(s, a) + γ Σ_s′ P(s′|s, a) V(s′) − V(s) (= E[δ_t | s_t = s, a_t = a], the actor–critic weight with the
/// true critic), the policy-gradient theorem gives ∂J/∂θ[s, b] = d_γ(s) π(b | s) A(s, b), where
/// d_γ(s) = Σ_t γ^t P(s_t = s) = (start (I − γP_π)⁻¹)(s) counts visits with the discount of J. The summary's form,
/// with no γ^t in front of each term, has the undiscounted visit count d_1(s) = Σ_t P(s_t = s) instead.
/// </summary>
public static class ActorCriticExactGradient
{
    /// <summary>π(a | s) = softmax over a of θ[s, ·].</summary>
    public static double[,] Policy(double[,] theta)
    {
        int n = theta.GetLength(0), k = theta.GetLength(1);
        var pi = new double[n, k];
        for (int s = 0; s < n; s++)
        {
            double max = Enumerable.Range(0, k).Max(a => theta[s, a]);
            double z = Enumerable.Range(0, k).Sum(a => Math.Exp(theta[s, a] - max));
            for (int a = 0; a < k; a++) pi[s, a] = Math.Exp(theta[s, a] - max) / z;
        }
        return pi;
    }

    /// <summary>V^π of the non-terminal states (terminal value 0), by solving (I − γP_π) V = r_π.</summary>
    public static double[] Values(EpisodicMdp m, double[,] theta)
    {
        Validate(m, theta);
        return Solve(Identity(m) - TransitionMatrix(m, Policy(theta)) * m.Gamma, RewardVector(m, Policy(theta)));
    }

    static void Validate(EpisodicMdp m, double[,] theta)
    {
        if (theta.GetLength(0) != m.States || theta.GetLength(1) != m.Actions)
            throw new ArgumentException($"ActorCriticExactGradient: θ is [{theta.GetLength(0)}, {theta.GetLength(1)}], the MDP has {m.States} states and {m.Actions} actions");
        if (m.R.GetLength(0) != m.States || m.R.GetLength(1) != m.Actions || m.Start.Length != m.States || m.P.GetLength(2) != m.States)
            throw new ArgumentException($"ActorCriticExactGradient: P [{m.States}, {m.Actions}, {m.P.GetLength(2)}], R [{m.R.GetLength(0)}, {m.R.GetLength(1)}] and start ({m.Start.Length}) do not fit together");
        if (!(m.Gamma >= 0 && m.Gamma <= 1)) throw new ArgumentException($"ActorCriticExactGradient: γ = {m.Gamma} must lie in [0, 1]");
        for (int s = 0; s < m.States; s++)
            for (int a = 0; a < m.Actions; a++)
            {
                double row = Enumerable.Range(0, m.States).Sum(s2 => m.P[s, a, s2]);
                if (row > 1 + 1e-12) throw new ArgumentException($"ActorCriticExactGradient: P[{s}, {a}, ·] sums to {row} > 1");
            }
    }

    /// <summary>J(θ) = E[Σ_t γ^t r_t] from the start distribution, t counted from 0.</summary>
    public static double Objective(EpisodicMdp m, double[,] theta) => m.Start.Zip(Values(m, theta), (p, v) => p * v).Sum();

    /// <summary>A(s, a) = r(s, a) + γ Σ_s′ P(s′|s, a) V(s′) − V(s).</summary>
    public static double[,] Advantages(EpisodicMdp m, double[,] theta)
    {
        var v = Values(m, theta);
        var adv = new double[m.States, m.Actions];
        for (int s = 0; s < m.States; s++)
            for (int a = 0; a < m.Actions; a++)
            {
                double next = 0;
                for (int s2 = 0; s2 < m.States; s2++) next += m.P[s, a, s2] * v[s2];
                adv[s, a] = m.R[s, a] + m.Gamma * next - v[s];
            }
        return adv;
    }

    /// <summary>Expected visits Σ_t discount^t P(s_t = s): start (I − discount·P_π)⁻¹ (discount 1: plain visit counts).</summary>
    public static double[] Visits(EpisodicMdp m, double[,] theta, double discount)
    {
        Validate(m, theta);
        return Solve((Identity(m) - TransitionMatrix(m, Policy(theta)) * discount).Transpose(), Vector<double>.Build.DenseOfArray(m.Start));
    }

    /// <summary>
    /// The expectation of the actor–critic update with the true critic: g[s, b] = d(s) π(b | s) A(s, b), with the
    /// discounted visits d_γ (<paramref name="discountEachStep"/>: each term weighted by γ^t, the exact ∇J) or the
    /// undiscounted d_1 (the summary's form).
    /// </summary>
    public static double[,] ExpectedUpdate(EpisodicMdp m, double[,] theta, bool discountEachStep)
    {
        var pi = Policy(theta);
        var adv = Advantages(m, theta);
        var d = Visits(m, theta, discountEachStep ? m.Gamma : 1);
        var g = new double[m.States, m.Actions];
        for (int s = 0; s < m.States; s++)
            for (int b = 0; b < m.Actions; b++) g[s, b] = d[s] * pi[s, b] * adv[s, b];
        return g;
    }

    /// <summary>∂J/∂θ[s, a] by centred differences of the exact J (the truth the two forms are compared with).</summary>
    public static double[,] FiniteDifferenceGradient(EpisodicMdp m, double[,] theta, double h = 1e-6) =>
        FiniteDifferences.Gradient(t => Objective(m, t), theta, h);

    static Matrix<double> Identity(EpisodicMdp m) => Matrix<double>.Build.DenseIdentity(m.States);

    // P_π[s, s′] = Σ_a π(a|s) P[s, a, s′]
    static Matrix<double> TransitionMatrix(EpisodicMdp m, double[,] pi) =>
        Matrix<double>.Build.Dense(m.States, m.States, (s, s2) => Enumerable.Range(0, m.Actions).Sum(a => pi[s, a] * m.P[s, a, s2]));

    static Vector<double> RewardVector(EpisodicMdp m, double[,] pi) =>
        Vector<double>.Build.Dense(m.States, s => Enumerable.Range(0, m.Actions).Sum(a => pi[s, a] * m.R[s, a]));

    static double[] Solve(Matrix<double> a, Vector<double> b) => a.Solve(b).ToArray();
}
