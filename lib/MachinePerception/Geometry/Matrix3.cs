namespace MachinePerception.Geometry;

/// <summary>
/// A 3×3 matrix of doubles, row-major (M00 M01 M02 / M10 … / M20 …): the rotations of the body models (§9.3) in plain
/// arithmetic, beside the differentiable tensor versions. Rotations act on column vectors, R·p.
/// </summary>
public readonly record struct Matrix3(
    double M00, double M01, double M02,
    double M10, double M11, double M12,
    double M20, double M21, double M22)
{
    public static Matrix3 Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    /// <summary>From 9 numbers in row-major order (e.g. a slice of a [.., 3, 3] array).</summary>
    public static Matrix3 FromRowMajor(ReadOnlySpan<double> m)
    {
        if (m.Length < 9) throw new ArgumentException($"Matrix3.FromRowMajor: needs 9 numbers, got {m.Length}");
        return new(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);
    }

    /// <summary>The 9 entries in row-major order.</summary>
    public double[] ToRowMajor() => [M00, M01, M02, M10, M11, M12, M20, M21, M22];

    /// <summary>The matrix with columns a, b, c.</summary>
    public static Matrix3 FromColumns(Vec3 a, Vec3 b, Vec3 c) => new(a.X, b.X, c.X, a.Y, b.Y, c.Y, a.Z, b.Z, c.Z);

    /// <summary>[v]×, the cross-product matrix: [v]× p = v × p.</summary>
    public static Matrix3 Skew(Vec3 v) => new(0, -v.Z, v.Y, v.Z, 0, -v.X, -v.Y, v.X, 0);

    /// <summary>u vᵀ.</summary>
    public static Matrix3 Outer(Vec3 u, Vec3 v) =>
        new(u.X * v.X, u.X * v.Y, u.X * v.Z, u.Y * v.X, u.Y * v.Y, u.Y * v.Z, u.Z * v.X, u.Z * v.Y, u.Z * v.Z);

    /// <summary>Rotation by <paramref name="angle"/> (radians, right-handed) about the x, y or z axis.</summary>
    public static Matrix3 RotationX(double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return new(1, 0, 0, 0, c, -s, 0, s, c);
    }

    public static Matrix3 RotationY(double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return new(c, 0, s, 0, 1, 0, -s, 0, c);
    }

    public static Matrix3 RotationZ(double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return new(c, -s, 0, s, c, 0, 0, 0, 1);
    }

    public static Matrix3 operator *(Matrix3 a, Matrix3 b) => new(
        a.M00 * b.M00 + a.M01 * b.M10 + a.M02 * b.M20, a.M00 * b.M01 + a.M01 * b.M11 + a.M02 * b.M21, a.M00 * b.M02 + a.M01 * b.M12 + a.M02 * b.M22,
        a.M10 * b.M00 + a.M11 * b.M10 + a.M12 * b.M20, a.M10 * b.M01 + a.M11 * b.M11 + a.M12 * b.M21, a.M10 * b.M02 + a.M11 * b.M12 + a.M12 * b.M22,
        a.M20 * b.M00 + a.M21 * b.M10 + a.M22 * b.M20, a.M20 * b.M01 + a.M21 * b.M11 + a.M22 * b.M21, a.M20 * b.M02 + a.M21 * b.M12 + a.M22 * b.M22);

    public static Vec3 operator *(Matrix3 m, Vec3 p) => new(
        m.M00 * p.X + m.M01 * p.Y + m.M02 * p.Z,
        m.M10 * p.X + m.M11 * p.Y + m.M12 * p.Z,
        m.M20 * p.X + m.M21 * p.Y + m.M22 * p.Z);

    public static Matrix3 operator *(double s, Matrix3 m) =>
        new(s * m.M00, s * m.M01, s * m.M02, s * m.M10, s * m.M11, s * m.M12, s * m.M20, s * m.M21, s * m.M22);

    public static Matrix3 operator +(Matrix3 a, Matrix3 b) =>
        new(a.M00 + b.M00, a.M01 + b.M01, a.M02 + b.M02, a.M10 + b.M10, a.M11 + b.M11, a.M12 + b.M12, a.M20 + b.M20, a.M21 + b.M21, a.M22 + b.M22);

    public static Matrix3 operator -(Matrix3 a, Matrix3 b) => a + (-1) * b;

    public Matrix3 Transpose() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    public double Trace => M00 + M11 + M22;

    public double Determinant =>
        M00 * (M11 * M22 - M12 * M21) - M01 * (M10 * M22 - M12 * M20) + M02 * (M10 * M21 - M11 * M20);

    public Vec3 Column(int j) => j switch
    {
        0 => new(M00, M10, M20),
        1 => new(M01, M11, M21),
        2 => new(M02, M12, M22),
        _ => throw new ArgumentException($"Matrix3.Column: column {j} of a 3×3 matrix"),
    };

    /// <summary>Largest |entry| of a − b.</summary>
    public static double MaxAbsDifference(Matrix3 a, Matrix3 b) => (a - b).ToRowMajor().Max(Math.Abs);

    public override string ToString() => FormattableString.Invariant(
        $"[[{M00:G5}, {M01:G5}, {M02:G5}], [{M10:G5}, {M11:G5}, {M12:G5}], [{M20:G5}, {M21:G5}, {M22:G5}]]");
}
