using MachinePerception.Geometry;

namespace MachinePerception.Implicit;

/// <summary>
/// Constructive solid geometry on signed distance functions (§8): shapes combine by min/max of their SDFs. Union
/// min(f_A, f_B) and intersection max(f_A, f_B) keep the exact distance outside (union) or inside (intersection) and
/// give a lower bound elsewhere, which is all sphere tracing and meshing need. The smooth union blends the two
/// surfaces with a fillet of width k instead of a crease.
/// </summary>
public static class Csg
{
    /// <summary>Union A ∪ B: min(f_A, f_B).</summary>
    public static Func<Vec3, double> Union(Func<Vec3, double> a, Func<Vec3, double> b) => p => Math.Min(a(p), b(p));

    /// <summary>Intersection A ∩ B: max(f_A, f_B).</summary>
    public static Func<Vec3, double> Intersection(Func<Vec3, double> a, Func<Vec3, double> b) => p => Math.Max(a(p), b(p));

    /// <summary>Difference A \ B = A ∩ (complement of B): max(f_A, −f_B).</summary>
    public static Func<Vec3, double> Difference(Func<Vec3, double> a, Func<Vec3, double> b) => p => Math.Max(a(p), -b(p));

    /// <summary>
    /// The polynomial smooth minimum of a and b with blend width k &gt; 0: with h = clamp(½ + (b − a)/(2k), 0, 1),
    /// smin = b·(1 − h) + a·h − k·h(1 − h). Equal to min(a, b) once |a − b| ≥ k, below it in between (by at most k/4,
    /// at a = b), and continuously differentiable everywhere (min has a kink at a = b).
    /// </summary>
    public static double SmoothMin(double a, double b, double k)
    {
        if (!(k > 0)) throw new ArgumentException($"Csg.SmoothMin: the blend width k must be positive, got {k}");
        double h = Math.Clamp(0.5 + 0.5 * (b - a) / k, 0, 1);
        return b * (1 - h) + a * h - k * h * (1 - h);
    }

    /// <summary>Smooth union of A and B: <see cref="SmoothMin"/>(f_A, f_B, k), a fillet of width ≈ k where they meet.</summary>
    public static Func<Vec3, double> SmoothUnion(Func<Vec3, double> a, Func<Vec3, double> b, double k)
    {
        if (!(k > 0)) throw new ArgumentException($"Csg.SmoothUnion: the blend width k must be positive, got {k}");
        return p => SmoothMin(a(p), b(p), k);
    }

    /// <summary>The shape moved by t: f(p − t).</summary>
    public static Func<Vec3, double> Translate(Func<Vec3, double> f, Vec3 t) => p => f(p - t);
}
