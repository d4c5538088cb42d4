using MachinePerception.Geometry;
using MachinePerception.Ops;

namespace MachinePerception.Body;

/// <summary>
/// A pinhole camera at the origin looking along +z, image x to the right and y down (the computer-vision convention):
/// a point (X, Y, Z) lands at pixel (f X/Z + c_x, f Y/Z + c_y). The body models are y up, so a person standing upright in
/// front of this camera has global orientation R_x(π) (<see cref="Upright"/>).
/// </summary>
public sealed record PinholeCamera(double Focal = 1000, double Cx = 500, double Cy = 500)
{
    /// <summary>The rotation that stands a y-up body upright in front of the camera, facing it.</summary>
    public static Matrix3 Upright => Matrix3.RotationX(Math.PI);

    public (double X, double Y) Project(Vec3 p) => (Focal * p.X / p.Z + Cx, Focal * p.Y / p.Z + Cy);

    /// <summary>Points [B, K, 3] → pixels [B, K, 2], differentiable.</summary>
    public Tensor Project(Tensor points)
    {
        if (points.Rank != 3 || points.Shape[2] != 3) throw new ArgumentException($"PinholeCamera.Project: points must be [B, K, 3], got {points.Shape}");
        var xy = Op.Slice(points, 2, 0, 2);
        var z = Op.Slice(points, 2, 2, 1);
        var centre = Tensor.FromArray(new[] { Cx, Cy }, 2);
        if (centre.DType != points.DType) centre = centre.To(points.DType);
        return xy / z * Focal + centre;
    }
}
