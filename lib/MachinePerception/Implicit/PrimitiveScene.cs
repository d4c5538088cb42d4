using MachinePerception.Backends;
using MachinePerception.Geometry;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>The shapes a <see cref="PrimitiveScene"/> is built from (the SDF primitives of <see cref="Sdf"/>).</summary>
public enum PrimitiveKind { Sphere = 0, Box = 1, Torus = 2 }

/// <summary>
/// One coloured primitive: a sphere (Size.X = radius), an axis-aligned box (Size = half-extents) or a torus around the z
/// axis (Size.X = R, Size.Y = r), centred at Center. A checkered one darkens alternate cubes of side 1/<see cref="Checker"/>.
/// </summary>
public sealed record Primitive(PrimitiveKind Kind, Vec3 Center, Vec3 Size, Vec3 Color, double Checker = 0);

/// <summary>
/// The known scene the NeRF, DVR and Gaussian-splatting sections learn from (§8): a union of coloured primitives in
/// front of a white background, rendered by <b>sphere tracing</b> (ray marching that steps by the signed distance, which
/// can never overshoot the surface) with Lambertian shading under a fixed light. The light is fixed in the world, so a
/// surface point has the same colour from every view (no view-dependent effects), and the images are consistent as
/// multi-view training data must be.
/// </summary>
public sealed class PrimitiveScene(IReadOnlyList<Primitive> primitives)
{
    /// <summary>Values per primitive in <see cref="Pack"/>: kind, centre (3), size (3), colour (3), checker.</summary>
    public const int PackedSize = 11;

    /// <summary>The light direction (towards the light) and the ambient share of the shading: c = albedo·(a + (1 − a)·max(0, n·l)).</summary>
    public static readonly Vec3 Light = new Vec3(0.4, -0.5, 0.75).Normalized();
    public const double Ambient = 0.35;

    public IReadOnlyList<Primitive> Primitives { get; } = primitives.Count > 0 ? primitives : throw new ArgumentException("PrimitiveScene: needs at least one primitive");

    /// <summary>
    /// The book's scene, inside the ball of radius 1.1: a red sphere, a checkered blue box (high-frequency texture, the
    /// spectral-bias test), and a yellow torus.
    /// </summary>
    public static PrimitiveScene Default() => new(
    [
        new(PrimitiveKind.Sphere, new(0.35, -0.3, 0.2), new(0.42, 0, 0), new(0.85, 0.2, 0.15)),
        new(PrimitiveKind.Box, new(-0.35, 0.25, -0.2), new(0.3, 0.3, 0.3), new(0.2, 0.45, 0.9), Checker: 6),
        new(PrimitiveKind.Torus, new(0.1, 0.35, 0.45), new(0.35, 0.1, 0), new(0.95, 0.8, 0.15)),
    ]);

    /// <summary>A one-line description of every primitive (what a checkpoint's configuration records about its scene).</summary>
    public string Describe() => string.Join("; ", Primitives.Select(p => FormattableString.Invariant(
        $"{p.Kind} at {p.Center} size {p.Size} colour {p.Color}{(p.Checker > 0 ? $" checker {p.Checker}" : "")}")));

    /// <summary>The primitives as numbers, <see cref="PackedSize"/> per primitive (what the GPU kernels read).</summary>
    public double[] Pack() => Primitives.SelectMany(p => new[]
    {
        (double)(int)p.Kind, p.Center.X, p.Center.Y, p.Center.Z, p.Size.X, p.Size.Y, p.Size.Z, p.Color.X, p.Color.Y, p.Color.Z, p.Checker,
    }).ToArray();

    static double PrimitiveDistance(Primitive s, Vec3 p)
    {
        var q = p - s.Center;
        return s.Kind switch
        {
            PrimitiveKind.Sphere => q.Norm - s.Size.X,
            PrimitiveKind.Box => Sdf.Box(s.Size)(q),
            _ => Sdf.Torus(s.Size.X, s.Size.Y)(q),
        };
    }

    /// <summary>The scene's signed distance: the union (minimum) of its primitives'.</summary>
    public double Distance(Vec3 p)
    {
        double d = double.PositiveInfinity;
        foreach (var s in Primitives) d = Math.Min(d, PrimitiveDistance(s, p));
        return d;
    }

    /// <summary>The albedo at p: the nearest primitive's colour, checkered if it is.</summary>
    public Vec3 Albedo(Vec3 p)
    {
        Primitive? nearest = null;
        double best = double.PositiveInfinity;
        foreach (var s in Primitives)
        {
            double d = PrimitiveDistance(s, p);
            if (d < best) (best, nearest) = (d, s);
        }
        var c = nearest!.Color;
        if (nearest.Checker > 0)
        {
            var q = p - nearest.Center;
            long parity = (long)Math.Floor(q.X * nearest.Checker) + (long)Math.Floor(q.Y * nearest.Checker) + (long)Math.Floor(q.Z * nearest.Checker);
            if ((parity & 1) == 1) c = new Vec3(0.95, 0.95, 0.95);
        }
        return c;
    }

    /// <summary>Sphere tracing from o along the unit direction w: the first t with |f(o + t w)| &lt; ε, or null before <paramref name="far"/>.</summary>
    public double? Trace(Vec3 o, Vec3 w, double near, double far, int maxSteps = 256, double epsilon = 1e-5)
    {
        double t = near;
        for (int i = 0; i < maxSteps && t < far; i++)
        {
            double d = Distance(o + t * w);
            if (d < epsilon) return t;
            t += d;
        }
        return null;
    }

    /// <summary>The shaded colour of the surface point p: albedo·(a + (1 − a)·max(0, n·l)), n by centred differences of the SDF.</summary>
    public Vec3 Shade(Vec3 p)
    {
        var n = Sdf.Gradient(Distance, p, 1e-5).Normalized();
        double light = Ambient + (1 - Ambient) * Math.Max(0, n.Dot(Light));
        return light * Albedo(p);
    }

    /// <summary>
    /// The image [3, H, W] seen by <paramref name="camera"/> (white where a ray misses), its depth map [H, W] (distance
    /// along the ray; NaN where it misses) and the mask of hit pixels. Rows are traced in parallel (fixed partitioning).
    /// </summary>
    public (Tensor Image, double[] Depth, bool[] Hit) Render(Camera camera, double near, double far, DType dtype = DType.Float32)
    {
        int w = camera.Width, h = camera.Height;
        var rgb = new double[3 * h * w];
        var depth = new double[h * w];
        var hit = new bool[h * w];
        var origin = camera.Center;
        CpuParallel.For(h, w * 2000L, (j0, j1) =>
        {
            for (int j = j0; j < j1; j++)
                for (int i = 0; i < w; i++)
                {
                    int k = j * w + i;
                    var dir = camera.Direction(i + 0.5, j + 0.5);
                    var t = Trace(origin, dir, near, far);
                    var c = t is double tt ? Shade(origin + tt * dir) : new Vec3(1, 1, 1);
                    depth[k] = t ?? double.NaN;
                    hit[k] = t is not null;
                    (rgb[k], rgb[h * w + k], rgb[2 * h * w + k]) = (c.X, c.Y, c.Z);
                }
        });
        return (Tensor.FromArray(rgb, 3, h, w).To(dtype), depth, hit);
    }
}
