using MachinePerception.Geometry;

namespace MachinePerception.Implicit;

/// <summary>
/// A pinhole camera (§8 NeRF and Gaussian splatting: "use camera params. to project"): a world point p goes to camera
/// coordinates q = W p + t (W a rotation, rows = the camera's x right, y down, z forward axes in world coordinates), then
/// to the pixel u = f q_x/q_z + c_x, v = f q_y/q_z + c_y. Pixel (i, j) covers [i, i + 1) × [j, j + 1), so its centre is
/// (i + ½, j + ½). The ray through a pixel starts at the camera centre −Wᵀt and runs along Wᵀ(u − c_x, v − c_y, f)/‖·‖.
/// </summary>
public sealed class Camera
{
    /// <summary>W, row-major [3, 3]: the world-to-camera rotation.</summary>
    public double[] Rotation { get; }
    public Vec3 Translation { get; }
    public double Focal { get; }
    public int Width { get; }
    public int Height { get; }
    public double Cx => Width / 2.0;
    public double Cy => Height / 2.0;

    public Camera(double[] rotation, Vec3 translation, double focal, int width, int height)
    {
        if (rotation.Length != 9) throw new ArgumentException($"Camera: the rotation needs 9 entries (row-major 3×3), got {rotation.Length}");
        if (!(focal > 0) || width < 1 || height < 1) throw new ArgumentException($"Camera: needs focal > 0 and a positive image size, got f = {focal}, {width}×{height}");
        (Rotation, Translation, Focal, Width, Height) = ((double[])rotation.Clone(), translation, focal, width, height);
    }

    /// <summary>A camera at <paramref name="eye"/> looking at <paramref name="target"/>, the image's up close to <paramref name="up"/>, vertical field of view in degrees.</summary>
    public static Camera LookAt(Vec3 eye, Vec3 target, int width, int height, double fovYDegrees, Vec3? up = null)
    {
        var forward = (target - eye).Normalized();
        var upHint = up ?? new Vec3(0, 0, 1);
        if (Math.Abs(forward.Dot(upHint.Normalized())) > 0.999) upHint = new Vec3(0, 1, 0);  // looking along the up direction
        var right = forward.Cross(upHint).Normalized();
        var down = forward.Cross(right);
        double[] w = [right.X, right.Y, right.Z, down.X, down.Y, down.Z, forward.X, forward.Y, forward.Z];
        var t = -1 * new Vec3(right.Dot(eye), down.Dot(eye), forward.Dot(eye));
        double focal = height / 2.0 / Math.Tan(fovYDegrees * Math.PI / 360);
        return new Camera(w, t, focal, width, height);
    }

    /// <summary>
    /// <paramref name="count"/> cameras on a sphere of radius <paramref name="radius"/> around the origin, all looking at
    /// it: a Fibonacci spiral (evenly spread directions), turned by <paramref name="phase"/> radians about the z axis so
    /// that a second set with another phase gives views between the first set's (held-out views).
    /// </summary>
    public static Camera[] Orbit(int count, double radius, int width, int height, double fovYDegrees, double phase = 0, double maxElevationDegrees = 75)
    {
        if (count < 1) throw new ArgumentException($"Camera.Orbit: needs at least one camera, got {count}");
        double golden = Math.PI * (3 - Math.Sqrt(5)), zMax = Math.Sin(maxElevationDegrees * Math.PI / 180);
        var cameras = new Camera[count];
        for (int i = 0; i < count; i++)
        {
            double z = zMax * (1 - 2 * (i + 0.5) / count), r = Math.Sqrt(1 - z * z), a = phase + golden * i;
            var eye = radius * new Vec3(r * Math.Cos(a), r * Math.Sin(a), z);
            cameras[i] = LookAt(eye, default, width, height, fovYDegrees);
        }
        return cameras;
    }

    /// <summary>The camera centre in world coordinates, −Wᵀt.</summary>
    public Vec3 Center => -1 * RotateBack(Translation);

    /// <summary>q = W p + t.</summary>
    public Vec3 ToCamera(Vec3 p) => new(
        Rotation[0] * p.X + Rotation[1] * p.Y + Rotation[2] * p.Z + Translation.X,
        Rotation[3] * p.X + Rotation[4] * p.Y + Rotation[5] * p.Z + Translation.Y,
        Rotation[6] * p.X + Rotation[7] * p.Y + Rotation[8] * p.Z + Translation.Z);

    /// <summary>Wᵀ v: a camera-frame direction in world coordinates.</summary>
    public Vec3 RotateBack(Vec3 v) => new(
        Rotation[0] * v.X + Rotation[3] * v.Y + Rotation[6] * v.Z,
        Rotation[1] * v.X + Rotation[4] * v.Y + Rotation[7] * v.Z,
        Rotation[2] * v.X + Rotation[5] * v.Y + Rotation[8] * v.Z);

    /// <summary>The pixel position (u, v) of a world point and its depth q_z.</summary>
    public (double U, double V, double Depth) Project(Vec3 p)
    {
        var q = ToCamera(p);
        return (Focal * q.X / q.Z + Cx, Focal * q.Y / q.Z + Cy, q.Z);
    }

    /// <summary>The unit direction (world) of the ray through image position (u, v).</summary>
    public Vec3 Direction(double u, double v) => RotateBack(new Vec3(u - Cx, v - Cy, Focal)).Normalized();

    /// <summary>One ray per pixel, row by row: origins and unit directions, each [H·W, 3] flattened.</summary>
    public (double[] Origins, double[] Directions) Rays()
    {
        var o = new double[Width * Height * 3];
        var d = new double[Width * Height * 3];
        var c = Center;
        for (int j = 0; j < Height; j++)
            for (int i = 0; i < Width; i++)
            {
                int k = 3 * (j * Width + i);
                var w = Direction(i + 0.5, j + 0.5);
                (o[k], o[k + 1], o[k + 2]) = (c.X, c.Y, c.Z);
                (d[k], d[k + 1], d[k + 2]) = (w.X, w.Y, w.Z);
            }
        return (o, d);
    }
}
