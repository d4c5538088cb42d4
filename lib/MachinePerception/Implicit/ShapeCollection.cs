using MachinePerception.Geometry;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>A named solid given by its signed distance function (negative inside), within the box [−1, 1]³.</summary>
public sealed record GeneratedShape(string Name, Func<Vec3, double> Sdf);

/// <summary>
/// The generated shapes the occupancy network and DeepSDF learn from (§8.1.1 "from watertight meshes: sample points in
/// space, compute GT occupancy/SDF"): spheres, boxes, tori and CSG combinations (a smooth union of two spheres, a box
/// with a spherical bite taken out) with random sizes and offsets, all inside [−0.9, 0.9]³. Exact SDFs stand in for the
/// meshes: inside/outside and the distance are known everywhere, so training data is free and exact.
/// </summary>
public static class ShapeCollection
{
    public static readonly string[] Kinds = ["sphere", "box", "torus", "two spheres", "box minus sphere"];

    /// <summary>One shape of kind <paramref name="kind"/> (index into <see cref="Kinds"/>) with random parameters.</summary>
    public static GeneratedShape Make(int kind, Rng rng)
    {
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        var offset = new Vec3(U(-0.1, 0.1), U(-0.1, 0.1), U(-0.1, 0.1));
        Func<Vec3, double> f = kind switch
        {
            0 => Sdf.Sphere(U(0.45, 0.75)),
            1 => Sdf.Box(new Vec3(U(0.3, 0.6), U(0.3, 0.6), U(0.3, 0.6))),
            2 => Sdf.Torus(U(0.45, 0.6), U(0.15, 0.25)),
            3 => Csg.SmoothUnion(Sdf.Sphere(U(0.3, 0.45), new Vec3(-0.35, 0, 0)), Sdf.Sphere(U(0.3, 0.45), new Vec3(0.35, 0, 0)), 0.15),
            4 => Csg.Difference(Sdf.Box(new Vec3(U(0.4, 0.6), U(0.4, 0.6), U(0.4, 0.6))), Sdf.Sphere(U(0.35, 0.5), new Vec3(0.5, 0.5, 0.5))),
            _ => throw new ArgumentException($"ShapeCollection.Make: kind {kind} is not in 0..{Kinds.Length - 1}"),
        };
        return new GeneratedShape(Kinds[kind], Csg.Translate(f, offset));
    }

    /// <summary><paramref name="count"/> shapes, kinds in turn (sphere, box, torus, …), parameters from the seed.</summary>
    public static GeneratedShape[] Random(int count, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(i => Make(i % Kinds.Length, rng)).ToArray();
    }

    /// <summary>
    /// Training points for one shape: half uniform in [−1, 1]³, half near the surface (a uniform point pulled onto the
    /// surface by p − f(p)∇f(p) twice, then jittered by N(0, σ²)), with their signed distances. Points [n, 3], SDF [n].
    /// </summary>
    public static (double[] Points, double[] Sdf) Samples(GeneratedShape shape, int n, Rng rng, double nearSigma = 0.03)
    {
        var points = new double[3 * n];
        var sdf = new double[n];
        for (int i = 0; i < n; i++)
        {
            var p = new Vec3(2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1);
            if (i % 2 == 1)
            {
                p = OntoSurface(shape.Sdf, p);
                p += nearSigma * new Vec3(rng.NextNormal(), rng.NextNormal(), rng.NextNormal());
            }
            (points[3 * i], points[3 * i + 1], points[3 * i + 2]) = (p.X, p.Y, p.Z);
            sdf[i] = shape.Sdf(p);
        }
        return (points, sdf);
    }

    /// <summary>p moved onto the zero set along the SDF's gradient (exact in one step for a true distance; twice for CSG).</summary>
    public static Vec3 OntoSurface(Func<Vec3, double> f, Vec3 p)
    {
        for (int k = 0; k < 3; k++)
        {
            var g = Sdf.Gradient(f, p, 1e-6);
            double norm = g.Norm;
            if (norm < 1e-9) break;
            p -= f(p) / (norm * norm) * g;
        }
        return p;
    }

    /// <summary>
    /// Newton steps p ← p − f(p)∇f/‖∇f‖² until |f(p)| &lt; 10⁻¹⁰ (CSG shapes are not exact distances, so one step is not
    /// enough everywhere); null when 50 steps do not get there (the caller draws another start).
    /// </summary>
    static Vec3? Converged(Func<Vec3, double> f, Vec3 p)
    {
        for (int k = 0; k < 50; k++)
        {
            double v = f(p);
            if (Math.Abs(v) < 1e-10) return p;
            var g = Sdf.Gradient(f, p, 1e-7);
            double norm = g.Norm;
            if (norm < 1e-6) return null;
            p -= v / (norm * norm) * g;
        }
        return null;
    }

    /// <summary><paramref name="n"/> points on the surface [n, 3] (uniform points moved onto it by Newton steps; a point cloud "scan").</summary>
    public static double[] SurfacePoints(GeneratedShape shape, int n, Rng rng)
    {
        var points = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            Vec3? p = null;
            while (p is null) p = Converged(shape.Sdf, new Vec3(2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1));
            (points[3 * i], points[3 * i + 1], points[3 * i + 2]) = (p.Value.X, p.Value.Y, p.Value.Z);
        }
        return points;
    }

    /// <summary>
    /// The coarse observation an occupancy network is conditioned on: the shape's occupancy at the centres of an r³ grid
    /// of cells over [−1, 1]³ (1 inside, 0 outside), flattened x fastest.
    /// </summary>
    public static double[] Voxels(GeneratedShape shape, int resolution)
    {
        var v = new double[resolution * resolution * resolution];
        double cell = 2.0 / resolution;
        for (int k = 0; k < resolution; k++)
            for (int j = 0; j < resolution; j++)
                for (int i = 0; i < resolution; i++)
                    v[(k * resolution + j) * resolution + i] = shape.Sdf(new Vec3(-1 + (i + 0.5) * cell, -1 + (j + 0.5) * cell, -1 + (k + 0.5) * cell)) < 0 ? 1 : 0;
        return v;
    }
}
