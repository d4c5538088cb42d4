namespace MachinePerception.Geometry;

/// <summary>A 3-vector of doubles with the few operations the geometry of the book needs.</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vec3 operator *(double s, Vec3 a) => new(s * a.X, s * a.Y, s * a.Z);
    public static Vec3 operator *(Vec3 a, double s) => s * a;
    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);

    public double Dot(Vec3 b) => X * b.X + Y * b.Y + Z * b.Z;

    /// <summary>a × b = (a₂b₃ − a₃b₂, a₃b₁ − a₁b₃, a₁b₂ − a₂b₁) (§14), perpendicular to both.</summary>
    public Vec3 Cross(Vec3 b) => new(Y * b.Z - Z * b.Y, Z * b.X - X * b.Z, X * b.Y - Y * b.X);

    public double Norm => Math.Sqrt(Dot(this));

    public Vec3 Normalized()
    {
        double n = Norm;
        if (n == 0) throw new InvalidOperationException("Vec3.Normalized: the zero vector has no direction");
        return (1 / n) * this;
    }

    public override string ToString() => FormattableString.Invariant($"({X:G6}, {Y:G6}, {Z:G6})");
}

/// <summary>
/// An implicit plane n·p + k = 0 (§14 Appendix). The sign of n·p + k tells on which side a point lies; divided by
/// ‖n‖ it is the signed distance, the plane's SDF (§8).
/// </summary>
public readonly record struct Plane(Vec3 Normal, double K)
{
    /// <summary>The plane through three points: n = (p₂ − p₁) × (p₃ − p₁), then k = −n·p₁ (substitute any point).</summary>
    public static Plane Through(Vec3 p1, Vec3 p2, Vec3 p3)
    {
        var n = (p2 - p1).Cross(p3 - p1);
        if (n.Norm <= 1e-12 * Math.Max(1, Math.Max((p2 - p1).Norm, (p3 - p1).Norm)))
            throw new ArgumentException($"Plane.Through: the points {p1}, {p2}, {p3} are collinear; they fix no plane");
        return new Plane(n, -n.Dot(p1));
    }

    /// <summary>
    /// The plane with axis intercepts (x₁,0,0), (0,y₁,0), (0,0,z₁): x/x₁ + y/y₁ + z/z₁ − 1 = 0 (§14).
    /// </summary>
    public static Plane FromIntercepts(double x1, double y1, double z1)
    {
        if (x1 == 0 || y1 == 0 || z1 == 0)
            throw new ArgumentException($"Plane.FromIntercepts: intercepts ({x1}, {y1}, {z1}) must be non-zero");
        return new Plane(new Vec3(1 / x1, 1 / y1, 1 / z1), -1);
    }

    /// <summary>n·p + k: zero on the plane.</summary>
    public double Evaluate(Vec3 p) => Normal.Dot(p) + K;

    /// <summary>(n·p + k)/‖n‖: the signed distance of p from the plane.</summary>
    public double SignedDistance(Vec3 p) => Evaluate(p) / Normal.Norm;

    /// <summary>The same plane scaled so that ‖n‖ = 1 and, for comparisons, the first non-zero normal entry is positive.</summary>
    public Plane Canonical()
    {
        double s = 1 / Normal.Norm;
        double first = Normal.X != 0 ? Normal.X : Normal.Y != 0 ? Normal.Y : Normal.Z;
        if (first < 0) s = -s;
        return new Plane(s * Normal, s * K);
    }
}
