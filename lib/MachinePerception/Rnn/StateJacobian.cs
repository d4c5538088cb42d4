using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Basics;
using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>
/// The total derivative ∂h_t/∂W_hh of a hidden state with respect to the recurrent weights, the object the BPTT proof
/// of §13 unrolls. It is an n × n² matrix: row m is the entry h_{t,m}, column i·n + j the weight W_hh[i, j]. Three
/// computations that must agree: the proof's starting point, the recursion
/// ∂h_t/∂W = ∂⁺h_t/∂W + (∂h_t/∂h_{t−1}) ∂h_{t−1}/∂W (forward in time, as in real-time recurrent learning); its
/// unrolled result, the sum Σ_{k=1}^{t} (∂h_t/∂h_k) ∂⁺h_k/∂W; and centered finite differences of h_t.
/// </summary>
public static class StateJacobian
{
    /// <summary>
    /// The immediate derivative ∂⁺h_k/∂W_hh, h_{k−1} held fixed: h_k = tanh(a_k) with a_k = W_hh h_{k−1} + …, so
    /// ∂h_{k,m}/∂W_hh[i, j] = [m = i] f′(a_{k,i}) h_{k−1,j}.
    /// </summary>
    public static Matrix<double> Immediate(RnnWeights w, RnnTrajectory r, int k)
    {
        CheckStep(r, k, "StateJacobian.Immediate");
        int n = w.Hidden;
        var m = Matrix<double>.Build.Dense(n, n * n);
        for (int i = 0; i < n; i++)
        {
            double slope = ActivationTable.Tanh.Derivative(r.A[k][i]);
            for (int j = 0; j < n; j++) m[i, i * n + j] = slope * r.H[k - 1][j];
        }
        return m;
    }

    /// <summary>The recursion J_t = ∂⁺h_t/∂W + (∂h_t/∂h_{t−1}) J_{t−1}, from J_0 = 0 (h₀ does not depend on W).</summary>
    public static Matrix<double> ByRecursion(RnnWeights w, RnnTrajectory r, int t)
    {
        CheckStep(r, t, "StateJacobian.ByRecursion");
        var j = Matrix<double>.Build.Dense(w.Hidden, w.Hidden * w.Hidden);
        for (int k = 1; k <= t; k++) j = Immediate(w, r, k) + ExplicitBptt.StepJacobian(w, r, k) * j;
        return j;
    }

    /// <summary>
    /// Randomized truncation (Tallec &amp; Ollivier, 2018): the recursion with each carried term kept with probability
    /// <paramref name="keep"/> and then divided by it, z_t = ∂⁺h_t/∂W + ξ_t (∂h_t/∂h_{t−1}) z_{t−1} with ξ_t = 1/keep or 0.
    /// One draw costs less on average (the chain is cut at the first ξ = 0) and its expectation is the full
    /// ∂h_t/∂W_hh: by induction, E z_t = ∂⁺h_t/∂W + E[ξ_t] (∂h_t/∂h_{t−1}) E z_{t−1}, since ξ_t is drawn independently.
    /// Regular truncation instead cuts at a fixed depth and is biased.
    /// </summary>
    public static Matrix<double> RandomizedRecursion(RnnWeights w, RnnTrajectory r, int t, double keep, Rng rng)
    {
        CheckStep(r, t, "StateJacobian.RandomizedRecursion");
        if (!(keep > 0 && keep <= 1)) throw new ArgumentException($"StateJacobian.RandomizedRecursion: keep probability {keep} must be in (0, 1]");
        var j = Matrix<double>.Build.Dense(w.Hidden, w.Hidden * w.Hidden);
        for (int k = 1; k <= t; k++)
        {
            double xi = rng.NextDouble() < keep ? 1 / keep : 0;
            j = Immediate(w, r, k) + xi * (ExplicitBptt.StepJacobian(w, r, k) * j);
        }
        return j;
    }

    /// <summary>The unrolled sum Σ_{k=1}^{t} (∂h_t/∂h_k) ∂⁺h_k/∂W, with ∂h_t/∂h_k = ∏_{i=k+1}^{t} ∂h_i/∂h_{i−1}.</summary>
    public static Matrix<double> BySum(RnnWeights w, RnnTrajectory r, int t)
    {
        CheckStep(r, t, "StateJacobian.BySum");
        var j = Matrix<double>.Build.Dense(w.Hidden, w.Hidden * w.Hidden);
        for (int k = 1; k <= t; k++) j += ExplicitBptt.Jacobian(w, r, t, k) * Immediate(w, r, k);
        return j;
    }

    /// <summary>(h_t(W_hh + hE_ij) − h_t(W_hh − hE_ij)) / 2h for every entry (i, j): no derivative rules at all.</summary>
    public static Matrix<double> ByDifferences(RnnWeights w, IReadOnlyList<Vector<double>> xs, Vector<double> h0, int t, double step = 1e-6)
    {
        if (t < 1 || t > xs.Count) throw new ArgumentException($"StateJacobian.ByDifferences: step t = {t} must lie in 1 … {xs.Count}");
        int n = w.Hidden;
        var jac = Matrix<double>.Build.Dense(n, n * n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                Vector<double> At(double delta)
                {
                    var whh = w.Whh.Clone();
                    whh[i, j] += delta;
                    return ExplicitBptt.Forward(w with { Whh = whh }, xs, h0).H[t];
                }
                jac.SetColumn(i * n + j, (At(step) - At(-step)) / (2 * step));
            }
        return jac;
    }

    static void CheckStep(RnnTrajectory r, int t, string where)
    {
        if (t < 1 || t > r.Length) throw new ArgumentException($"{where}: step {t} must lie in 1 … {r.Length} (the trajectory's length)");
    }
}
