using MachinePerception.Geometry;

namespace MachinePerception.Implicit;

/// <summary>
/// Signed distance functions (§8, §14): f(p) &lt; 0 inside, 0 on the surface, &gt; 0 outside, and |f(p)| the distance to
/// the surface, so ‖∇f‖ = 1 wherever f is differentiable (the eikonal equation). Shapes combine by CSG with min/max
/// (<see cref="Csg"/>).
/// </summary>
public static class Sdf
{
    /// <summary>Sphere of radius r at c: ‖p − c‖ − r.</summary>
    public static Func<Vec3, double> Sphere(double r, Vec3 center = default) => p => (p - center).Norm - r;

    /// <summary>
    /// Torus around the z axis, centred at 0 (§14: (√(x² + y²) − R)² + z² = r²): the distance from p to the tube's
    /// centre circle, minus the tube radius: √((√(x² + y²) − R)² + z²) − r.
    /// </summary>
    public static Func<Vec3, double> Torus(double majorRadius, double minorRadius)
    {
        if (!(majorRadius > minorRadius && minorRadius > 0))
            throw new ArgumentException($"Sdf.Torus: needs R > r > 0, got R = {majorRadius}, r = {minorRadius}");
        return p =>
        {
            double q = Math.Sqrt(p.X * p.X + p.Y * p.Y) - majorRadius;
            return Math.Sqrt(q * q + p.Z * p.Z) - minorRadius;
        };
    }

    /// <summary>The torus in its implicit (not distance) form of §14: (√(x² + y²) − R)² + z² − r², zero on the same surface.</summary>
    public static Func<Vec3, double> TorusImplicit(double majorRadius, double minorRadius) => p =>
    {
        double q = Math.Sqrt(p.X * p.X + p.Y * p.Y) - majorRadius;
        return q * q + p.Z * p.Z - minorRadius * minorRadius;
    };

    /// <summary>Axis-aligned box with half-extents h at the origin: outside distance plus (negative) inside distance.</summary>
    public static Func<Vec3, double> Box(Vec3 halfExtents) => p =>
    {
        double qx = Math.Abs(p.X) - halfExtents.X, qy = Math.Abs(p.Y) - halfExtents.Y, qz = Math.Abs(p.Z) - halfExtents.Z;
        double outside = new Vec3(Math.Max(qx, 0), Math.Max(qy, 0), Math.Max(qz, 0)).Norm;
        double inside = Math.Min(Math.Max(qx, Math.Max(qy, qz)), 0);
        return outside + inside;
    };

    /// <summary>The gradient by centered differences (for checks of the eikonal property ‖∇f‖ = 1).</summary>
    public static Vec3 Gradient(Func<Vec3, double> f, Vec3 p, double h = 1e-6) => new(
        (f(p + new Vec3(h, 0, 0)) - f(p - new Vec3(h, 0, 0))) / (2 * h),
        (f(p + new Vec3(0, h, 0)) - f(p - new Vec3(0, h, 0))) / (2 * h),
        (f(p + new Vec3(0, 0, h)) - f(p - new Vec3(0, 0, h))) / (2 * h));
}
