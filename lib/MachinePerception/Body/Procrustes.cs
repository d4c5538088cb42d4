using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Geometry;

namespace MachinePerception.Body;

/// <summary>
/// Pose errors as pose-estimation papers report them: MPJPE, the mean per-joint position error (Euclidean, after aligning the
/// roots), and PA-MPJPE, the same after the best similarity transform (Procrustes analysis: scale s, rotation R,
/// translation t minimising Σ‖s R x_j + t − y_j‖², solved by the SVD of the cross-covariance, Umeyama 1991). PA-MPJPE
/// ignores the global pose and the overall size, so it measures the shape of the pose alone.
/// </summary>
public static class Procrustes
{
    /// <summary>The similarity transform (s, R, t) that best maps <paramref name="x"/> onto <paramref name="y"/>.</summary>
    public static (double Scale, Matrix3 Rotation, Vec3 Translation) Align(IReadOnlyList<Vec3> x, IReadOnlyList<Vec3> y)
    {
        if (x.Count != y.Count || x.Count < 3) throw new ArgumentException($"Procrustes.Align: needs two sets of ≥ 3 matching points, got {x.Count} and {y.Count}");
        int n = x.Count;
        var mx = new Vec3(); var my = new Vec3();
        for (int i = 0; i < n; i++) { mx += (1.0 / n) * x[i]; my += (1.0 / n) * y[i]; }
        var cov = Matrix<double>.Build.Dense(3, 3);
        double varX = 0;
        for (int i = 0; i < n; i++)
        {
            var a = x[i] - mx; var b = y[i] - my;
            double[] av = [a.X, a.Y, a.Z], bv = [b.X, b.Y, b.Z];
            for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) cov[r, c] += bv[r] * av[c] / n;
            varX += a.Dot(a) / n;
        }
        var svd = cov.Svd(computeVectors: true);
        var d = Matrix<double>.Build.DenseIdentity(3);
        if (svd.U.Determinant() * svd.VT.Determinant() < 0) d[2, 2] = -1; // a rotation, not a reflection
        var r3 = svd.U * d * svd.VT;
        double scale = varX > 0 ? (svd.S[0] * d[0, 0] + svd.S[1] * d[1, 1] + svd.S[2] * d[2, 2]) / varX : 1;
        var rotation = new Matrix3(r3[0, 0], r3[0, 1], r3[0, 2], r3[1, 0], r3[1, 1], r3[1, 2], r3[2, 0], r3[2, 1], r3[2, 2]);
        return (scale, rotation, my - scale * (rotation * mx));
    }

    /// <summary>Mean ‖x_j − y_j‖ after moving x so that its joint <paramref name="root"/> coincides with y's.</summary>
    public static double Mpjpe(IReadOnlyList<Vec3> x, IReadOnlyList<Vec3> y, int root = 0)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Procrustes.Mpjpe: {x.Count} vs {y.Count} joints");
        var shift = y[root] - x[root];
        return Enumerable.Range(0, x.Count).Average(j => (x[j] + shift - y[j]).Norm);
    }

    /// <summary>Mean ‖s R x_j + t − y_j‖ after the best similarity transform.</summary>
    public static double PaMpjpe(IReadOnlyList<Vec3> x, IReadOnlyList<Vec3> y)
    {
        var (s, r, t) = Align(x, y);
        return Enumerable.Range(0, x.Count).Average(j => (s * (r * x[j]) + t - y[j]).Norm);
    }
}
