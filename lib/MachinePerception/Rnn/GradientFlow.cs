using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Autodiff;
using MachinePerception.Basics;
using MachinePerception.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>
/// Vanishing and exploding gradients (§12, bound of §13): how ‖∂h_t/∂h_k‖ (spectral norm) changes with t − k.
/// With λ₁ = ‖W_hh‖ and γ ≥ ‖diag f′‖ (γ = 1 for tanh) each factor has norm ≤ η = λ₁γ, so ‖∂h_t/∂h_k‖ ≤ η^{t−k}.
/// </summary>
public static class GradientFlow
{
    /// <summary>A random n × n matrix (Gaussian entries) rescaled so that its largest singular value is exactly <paramref name="spectralNorm"/>.</summary>
    public static Matrix<double> RandomWithSpectralNorm(int n, double spectralNorm, Rng rng)
    {
        var w = Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextNormal());
        return w * (spectralNorm / w.L2Norm());
    }

    /// <summary>
    /// σ times a random orthogonal n × n matrix: every singular value is σ and every eigenvalue has modulus σ, so the
    /// linear part of the recurrence neither favours nor hides a direction (the bound of §13 is then tight for small h).
    /// </summary>
    public static Matrix<double> RandomScaledOrthogonal(int n, double sigma, Rng rng) =>
        Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextNormal()).QR().Q * sigma;

    /// <summary>A random symmetric n × n matrix with the given eigenvalues: W = Q diag λ Qᵀ with Q a random orthogonal matrix.</summary>
    public static Matrix<double> RandomSymmetric(double[] eigenvalues, Rng rng)
    {
        int n = eigenvalues.Length;
        var q = Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextNormal()).QR().Q;
        return q * Matrix<double>.Build.DiagonalOfDiagonalArray(eigenvalues) * q.Transpose();
    }

    /// <summary>
    /// ‖∂h_T/∂s_k‖ (spectral norm) for k = 0 … T−1 on one sequence xs [T, 1, input] through a trained engine model, by
    /// autodiff: s_k is the state after step k, h_k for the vanilla cell and (h_k, c_k) for an LSTM, whose error also
    /// flows back along the cell state. Index k of the result holds T − k steps of distance. Each Jacobian comes from
    /// one backward pass: the rest of the sequence runs on n copies of the state (n hidden units) and copy m is seeded
    /// with the m-th unit of h_T, so the gradient of copy m is row m.
    /// </summary>
    public static double[] StateSensitivity(RecurrentRegressor model, Tensor xs)
    {
        if (xs.Rank != 3 || xs.Shape[1] != 1)
            throw new ArgumentException($"GradientFlow.StateSensitivity: xs must be one sequence [T, 1, input], got {xs.Shape}");
        int length = xs.Shape[0];
        var states = new RecurrentState[length];
        var state = model.InitialState(1);
        using (Autograd.NoGrad())
            for (int t = 0; t < length; t++)
            {
                states[t] = state;                                                           // s_t, before step t + 1
                state = model.Run(Ops.Op.Slice(xs, 0, t, 1), state).Last;
            }
        int n = state.H.Shape[1];
        var seed = Tensor.Eye(n, xs.DType);
        var norms = new double[length];
        for (int k = 0; k < length; k++)
        {
            Tensor Copies(Tensor v) => Ops.Op.Concat(Enumerable.Repeat(v, n).ToArray(), 0).Detach().Clone().RequireGrad();   // [n, hidden]
            var h = Copies(states[k].H);
            var c = states[k].C is { } ck ? Copies(ck) : null;
            var rest = Ops.Op.Concat(Enumerable.Repeat(Ops.Op.Slice(xs, 0, k, length - k), n).ToArray(), 1);                   // [T − k, n, input]
            var last = model.Run(rest, new RecurrentState(h, c)).Hidden[^1];                                                    // h_T of each copy [n, hidden]
            var grads = Autograd.Grad([Ops.Op.Sum(last * seed)], c is null ? [h] : [h, c]);
            var rows = grads.Select(g => g!.To(DType.Float64).ToMatrix()).ToArray();
            norms[k] = (rows.Length == 1 ? rows[0] : rows[0].Append(rows[1])).L2Norm();                                       // [n, n] or [n, 2n]
        }
        return norms;
    }

    /// <summary>‖∂h_t/∂h_k‖ for t = k+1 … T along a trajectory (index j holds t − k = j + 1).</summary>
    public static double[] JacobianNorms(RnnWeights w, RnnTrajectory r, int k = 0)
    {
        var norms = new double[r.Length - k];
        var j = Matrix<double>.Build.DenseIdentity(w.Hidden);
        for (int t = k + 1; t <= r.Length; t++)
        {
            j = ExplicitBptt.StepJacobian(w, r, t) * j;
            norms[t - k - 1] = j.L2Norm();
        }
        return norms;
    }

    /// <summary>γ measured on a trajectory: the largest f′(a_i) = 1 − tanh²(a_i) over the steps k+1 … T (never above 1).</summary>
    public static double MaxDerivative(RnnTrajectory r, int k = 0)
    {
        double g = 0;
        for (int i = k + 1; i <= r.Length; i++) g = Math.Max(g, r.A[i].Map(ActivationTable.Tanh.Derivative).AbsoluteMaximum());
        return g;
    }

    /// <summary>
    /// The linear recurrence h_t = W h_{t−1} from h₁: returns |cos| of the angle between h_t and the eigenvector of
    /// the eigenvalue of largest modulus, for t = 1 … steps (the eigen-decomposition argument of §12).
    /// </summary>
    public static double[] AlignmentWithDominantEigenvector(Matrix<double> w, Vector<double> h1, int steps)
    {
        var evd = w.Evd();
        var values = evd.EigenValues;
        int best = 0;
        for (int i = 1; i < values.Count; i++) if (values[i].Magnitude > values[best].Magnitude) best = i;
        if (Math.Abs(values[best].Imaginary) > 1e-12)
            throw new ArgumentException($"AlignmentWithDominantEigenvector: the dominant eigenvalue {values[best]} is complex; h_t then rotates instead of settling");
        var q = evd.EigenVectors.Column(best).Normalize(2);
        var cos = new double[steps];
        var h = h1;
        for (int t = 0; t < steps; t++)
        {
            cos[t] = Math.Abs(q.DotProduct(h)) / h.L2Norm();
            h = w * h;
        }
        return cos;
    }
}
