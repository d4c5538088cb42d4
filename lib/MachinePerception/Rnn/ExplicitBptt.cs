using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Basics;
using MachinePerception.Nn;
using MachinePerception.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>The weights of a vanilla RNN with a linear read-out (§12): h_t = tanh(W_hh h_{t−1} + W_xh x_t + b), ŷ_t = W_hy h_t.</summary>
public sealed record RnnWeights(Matrix<double> Whh, Matrix<double> Wxh, Vector<double> B, Matrix<double> Why)
{
    public int Hidden => Whh.RowCount;

    /// <summary>The weights of an <see cref="RnnCell"/> and a bias-free <see cref="Linear"/> read-out, copied out of the engine.</summary>
    public static RnnWeights From(RnnCell cell, Linear readout)
    {
        if (readout.Bias is not null) throw new ArgumentException("RnnWeights.From: the read-out ŷ_t = W_hy h_t has no bias; build the Linear with bias: false");
        return new(cell.W_hh.ToMatrix(), cell.W_xh.ToMatrix(), Vector<double>.Build.DenseOfArray(cell.B.ToDoubleArray()), readout.Weight.ToMatrix());
    }
}

/// <summary>A forward pass kept for BPTT: pre-activations a_t and states h_t, index 0 = h₀ (a₀ unused), 1 … T the steps.</summary>
public sealed record RnnTrajectory(Vector<double>[] A, Vector<double>[] H, Vector<double>[] X)
{
    public int Length => H.Length - 1;
}

/// <summary>The gradients of L = Σ_t L_t with respect to every weight of <see cref="RnnWeights"/>.</summary>
public sealed record RnnGradients(Matrix<double> Whh, Matrix<double> Wxh, Vector<double> B, Matrix<double> Why);

/// <summary>
/// Backpropagation through time written out as the summary's sum (§12, §13 "BPTT"), with no autodiff:
/// ∂L/∂W = Σ_t ∂L_t/∂W and ∂L_t/∂W = ∂L_t/∂h_t Σ_{k ≤ t} (∂h_t/∂h_k) ∂⁺h_k/∂W, where ∂⁺ is the immediate
/// derivative (h_{k−1} held fixed) and ∂h_t/∂h_k = ∏_{i=k+1}^{t} ∂h_i/∂h_{i−1} with ∂h_i/∂h_{i−1} = diag f′(a_i) W_hh.
/// It costs O(T²) Jacobian products where the backward recursion costs O(T): it is here to be read and checked,
/// not to train. The loss is L_t = ½‖ŷ_t − y_t‖² for one sequence.
/// </summary>
public static class ExplicitBptt
{
    static double TanhPrime(double a) => ActivationTable.Tanh.Derivative(a);

    /// <summary>h₁ … h_T from h₀ for inputs x₁ … x_T.</summary>
    public static RnnTrajectory Forward(RnnWeights w, IReadOnlyList<Vector<double>> xs, Vector<double> h0)
    {
        var a = new Vector<double>[xs.Count + 1];
        var h = new Vector<double>[xs.Count + 1];
        var x = new Vector<double>[xs.Count + 1];
        a[0] = Vector<double>.Build.Dense(w.Hidden);
        h[0] = h0;
        x[0] = Vector<double>.Build.Dense(w.Wxh.ColumnCount);
        for (int t = 1; t <= xs.Count; t++)
        {
            x[t] = xs[t - 1];
            a[t] = w.Whh * h[t - 1] + w.Wxh * x[t] + w.B;
            h[t] = a[t].Map(Math.Tanh);
        }
        return new(a, h, x);
    }

    /// <summary>∂h_i/∂h_{i−1} = diag f′(a_i) W_hh (rows: entries of h_i, columns: entries of h_{i−1}).</summary>
    public static Matrix<double> StepJacobian(RnnWeights w, RnnTrajectory r, int i) =>
        Matrix<double>.Build.DiagonalOfDiagonalVector(r.A[i].Map(TanhPrime)) * w.Whh;

    /// <summary>∂h_t/∂h_k = ∂h_t/∂h_{t−1} ⋯ ∂h_{k+1}/∂h_k (the identity for k = t).</summary>
    public static Matrix<double> Jacobian(RnnWeights w, RnnTrajectory r, int t, int k)
    {
        var j = Matrix<double>.Build.DenseIdentity(w.Hidden);
        for (int i = k + 1; i <= t; i++) j = StepJacobian(w, r, i) * j;
        return j;
    }

    /// <summary>
    /// The summary's product ∏_{i=k+1}^{t} W_hhᵀ diag f′(·), multiplied left to right for increasing i, with f′
    /// taken at h_{i−1} as written (<paramref name="asWritten"/>) or at the pre-activation a_i. With a_i it is the
    /// transpose of <see cref="Jacobian"/>; with h_{i−1} it is not (see the chapter's errata).
    /// </summary>
    public static Matrix<double> SummaryProduct(RnnWeights w, RnnTrajectory r, int t, int k, bool asWritten)
    {
        var p = Matrix<double>.Build.DenseIdentity(w.Hidden);
        for (int i = k + 1; i <= t; i++)
        {
            var d = (asWritten ? r.H[i - 1] : r.A[i]).Map(TanhPrime);
            p *= w.Whh.Transpose() * Matrix<double>.Build.DiagonalOfDiagonalVector(d);
        }
        return p;
    }

    /// <summary>L = Σ_t ½‖W_hy h_t − y_t‖².</summary>
    public static double Loss(RnnWeights w, RnnTrajectory r, IReadOnlyList<Vector<double>> ys)
    {
        double loss = 0;
        for (int t = 1; t <= r.Length; t++) loss += 0.5 * (w.Why * r.H[t] - ys[t - 1]).DotProduct(w.Why * r.H[t] - ys[t - 1]);
        return loss;
    }

    /// <summary>
    /// ∂L/∂W as the explicit double sum over t and k ≤ t. With a <paramref name="window"/> κ only part of the inner sum is
    /// kept. Sliding (the default): the last κ terms k = t−κ+1 … t for every t, truncated BPTT as the summary defines it.
    /// <paramref name="chunked"/>: the sequence is cut into chunks of κ steps and each L_t keeps the terms k from the
    /// start of its own chunk to t (between 1 and κ of them), which is what training chunk by chunk with a detached
    /// carried state computes.
    /// </summary>
    public static RnnGradients Gradient(RnnWeights w, IReadOnlyList<Vector<double>> xs, IReadOnlyList<Vector<double>> ys, Vector<double> h0, int? window = null,
                                        bool chunked = false)
    {
        if (chunked && window is null) throw new ArgumentException("ExplicitBptt.Gradient: chunked truncation needs a window κ");
        if (xs.Count != ys.Count) throw new ArgumentException($"ExplicitBptt.Gradient: {xs.Count} inputs but {ys.Count} targets");
        if (window is < 1) throw new ArgumentException($"ExplicitBptt.Gradient: window κ = {window} must be ≥ 1");
        var r = Forward(w, xs, h0);
        var M = Matrix<double>.Build;
        var dWhh = M.Dense(w.Hidden, w.Hidden);
        var dWxh = M.Dense(w.Hidden, w.Wxh.ColumnCount);
        var dB = Vector<double>.Build.Dense(w.Hidden);
        var dWhy = M.Dense(w.Why.RowCount, w.Hidden);
        for (int t = 1; t <= r.Length; t++)
        {
            var e = w.Why * r.H[t] - ys[t - 1];                 // ∂L_t/∂ŷ_t
            dWhy += e.OuterProduct(r.H[t]);
            var dLdh = w.Why.TransposeThisAndMultiply(e);       // ∂L_t/∂h_t (as a column)
            int first = window is not int kappa ? 1 : chunked ? (t - 1) / kappa * kappa + 1 : Math.Max(1, t - kappa + 1);
            for (int k = first; k <= t; k++)
            {
                // (∂h_t/∂h_k)ᵀ ∂L_t/∂h_t, then the immediate derivative of h_k = tanh(a_k): ∂⁺h_k/∂a_k = diag f′(a_k)
                var delta = Jacobian(w, r, t, k).TransposeThisAndMultiply(dLdh).PointwiseMultiply(r.A[k].Map(TanhPrime));
                dWhh += delta.OuterProduct(r.H[k - 1]);
                dWxh += delta.OuterProduct(r.X[k]);
                dB += delta;
            }
        }
        return new(dWhh, dWxh, dB, dWhy);
    }
}
