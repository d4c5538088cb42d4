using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// A Gaussian prior on the body pose (§9.3.1: "fit SMPL … with prior regularization"): mean μ and covariance Σ of the
/// 69 axis-angle numbers of joints 1–23 (the global orientation is free), fitted to example poses — the chapter's are CMU
/// motion capture retargeted to the model (SMPLify fits a mixture of 8 Gaussians to the same database). Its energy is the
/// squared Mahalanobis distance ½‖L(θ − μ)‖², with LᵀL = Σ⁻¹ (Σ regularised by <c>ridge</c>·I): as residuals L(θ − μ) it
/// fits straight into least squares.
/// </summary>
public sealed class PosePrior
{
    public double[] Mean { get; }

    /// <summary>L [69, 69] with LᵀL = Σ⁻¹.</summary>
    public Matrix<double> Whitening { get; }

    readonly Tensor whitening, mean;

    public int Dimension => Mean.Length;

    PosePrior(double[] mean, Matrix<double> whitening)
    {
        (Mean, Whitening) = (mean, whitening);
        this.whitening = Tensor.FromArray(whitening.ToArray());
        this.mean = Tensor.FromArray(mean, mean.Length);
    }

    static double Component(Vec3 v, int i) => i == 0 ? v.X : i == 1 ? v.Y : v.Z;

    public static PosePrior Fit(IReadOnlyList<Vec3[]> poses, double ridge = 0.005)
    {
        if (poses.Count < 2) throw new ArgumentException($"PosePrior.Fit: needs at least two poses, got {poses.Count}");
        int d = 3 * (poses[0].Length - 1);
        var x = Matrix<double>.Build.Dense(poses.Count, d, (n, i) => Component(poses[n][1 + i / 3], i % 3));
        var mean = Enumerable.Range(0, d).Select(i => x.Column(i).Average()).ToArray();
        var centred = x - Matrix<double>.Build.Dense(poses.Count, d, (_, i) => mean[i]);
        var cov = centred.TransposeThisAndMultiply(centred) / poses.Count + ridge * Matrix<double>.Build.DenseIdentity(d);
        // Σ = C Cᵀ (Cholesky) ⇒ Σ⁻¹ = C⁻ᵀ C⁻¹, so L = C⁻¹
        return new PosePrior(mean, cov.Cholesky().Factor.Inverse());
    }

    /// <summary>Residuals L(θ − μ) [B, 69] for poses [B, 24, 3] (joints 1–23 used), differentiable.</summary>
    public Tensor Residuals(Tensor pose)
    {
        int b = pose.Shape[0];
        if (pose.Rank != 3 || 3 * (pose.Shape[1] - 1) != Dimension || pose.Shape[2] != 3)
            throw new ArgumentException($"PosePrior.Residuals: poses must be [B, {Dimension / 3 + 1}, 3], got {pose.Shape}");
        var body = Op.Reshape(Op.Slice(pose, 1, 1, pose.Shape[1] - 1), b, Dimension) - mean;
        return Op.MatMul(body, whitening, transB: true);
    }

    /// <summary>½‖L(θ − μ)‖² of one pose.</summary>
    public double Energy(IReadOnlyList<Vec3> pose)
    {
        var diff = Vector<double>.Build.Dense(Dimension, i => Component(pose[1 + i / 3], i % 3) - Mean[i]);
        var r = Whitening * diff;
        return 0.5 * r.DotProduct(r);
    }

    /// <summary>The mean pose (global orientation zero).</summary>
    public Vec3[] MeanPose() =>
        [new Vec3(), .. Enumerable.Range(0, Dimension / 3).Select(j => new Vec3(Mean[3 * j], Mean[3 * j + 1], Mean[3 * j + 2]))];
}
