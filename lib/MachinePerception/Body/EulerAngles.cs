using MachinePerception.Geometry;

namespace MachinePerception.Body;

/// <summary>
/// Rotations from Euler angles, as motion-capture files store them: a sequence of rotations about the coordinate axes,
/// in degrees. BVH lists a joint's channels in the order they compose, "Zrotation Xrotation Yrotation" meaning
/// R = R_z(α)·R_x(β)·R_y(γ) (each about the already rotated axes, i.e. intrinsic; applied to a column vector the last one
/// acts first). The order matters: rotations do not commute.
/// </summary>
public static class EulerAngles
{
    /// <summary>R = R_{axes[0]}(degrees[0]) · R_{axes[1]}(degrees[1]) · …, axes among 'X', 'Y', 'Z'.</summary>
    public static Matrix3 ToRotation(ReadOnlySpan<char> axes, ReadOnlySpan<double> degrees)
    {
        if (axes.Length != degrees.Length)
            throw new ArgumentException($"EulerAngles.ToRotation: {axes.Length} axes but {degrees.Length} angles");
        var r = Matrix3.Identity;
        for (int i = 0; i < axes.Length; i++) r *= Axis(axes[i], degrees[i] * Math.PI / 180);
        return r;
    }

    /// <summary>The rotation by <paramref name="radians"/> about axis 'X', 'Y' or 'Z'.</summary>
    public static Matrix3 Axis(char axis, double radians) => char.ToUpperInvariant(axis) switch
    {
        'X' => Matrix3.RotationX(radians),
        'Y' => Matrix3.RotationY(radians),
        'Z' => Matrix3.RotationZ(radians),
        _ => throw new ArgumentException($"EulerAngles.Axis: '{axis}' is not one of X, Y, Z"),
    };
}
