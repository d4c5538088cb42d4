using MachinePerception.Backends;
using MachinePerception.Geometry;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>How close a reconstructed shape is to the truth (§8.1): volumetric IoU and the Chamfer distance.</summary>
public static class ShapeMetrics
{
    /// <summary>
    /// Intersection over union of two solids given as inside tests on a grid: the lattice points of
    /// <paramref name="a"/> and <paramref name="b"/> (same box and resolution) inside each, |A ∩ B| / |A ∪ B|. On the
    /// lattice a mesh from marching cubes and its field agree (the mesh interpolates the same samples), so this is the
    /// IoU of the extracted meshes up to the cell size.
    /// </summary>
    public static double IoU(SampledGrid a, SampledGrid b)
    {
        if (a.Samples != b.Samples || a.Min != b.Min || a.Max != b.Max)
            throw new ArgumentException($"ShapeMetrics.IoU: the grids differ ({a.Samples}³ over {a.Min}–{a.Max} vs {b.Samples}³ over {b.Min}–{b.Max})");
        long both = 0, either = 0;
        for (int i = 0; i < a.Values.Length; i++)
        {
            bool ia = a.Inside(i), ib = b.Inside(i);
            if (ia && ib) both++;
            if (ia || ib) either++;
        }
        if (either == 0) throw new ArgumentException("ShapeMetrics.IoU: both solids are empty on the grid");
        return (double)both / either;
    }

    /// <summary>
    /// The symmetric Chamfer distance between point sets P and Q ([n·3] flattened): ½(mean_p min_q ‖p − q‖ + mean_q
    /// min_p ‖p − q‖), by brute force in parallel.
    /// </summary>
    public static double Chamfer(double[] p, double[] q) => 0.5 * (MeanNearest(p, q) + MeanNearest(q, p));

    /// <summary>The mean over points of P of the distance to the nearest point of Q.</summary>
    public static double MeanNearest(double[] p, double[] q)
    {
        int n = p.Length / 3, m = q.Length / 3;
        if (n == 0 || m == 0 || p.Length != 3 * n || q.Length != 3 * m) throw new ArgumentException($"ShapeMetrics: point sets must be non-empty [n·3], got {p.Length} and {q.Length} numbers");
        var nearest = new double[n];
        CpuParallel.For(n, 8L * m, (i0, i1) =>
        {
            for (int i = i0; i < i1; i++)
            {
                double best = double.PositiveInfinity;
                for (int j = 0; j < m; j++)
                {
                    double dx = p[3 * i] - q[3 * j], dy = p[3 * i + 1] - q[3 * j + 1], dz = p[3 * i + 2] - q[3 * j + 2];
                    best = Math.Min(best, dx * dx + dy * dy + dz * dz);
                }
                nearest[i] = Math.Sqrt(best);
            }
        });
        return nearest.Average();
    }

    /// <summary>
    /// The Chamfer distance between a reconstructed mesh and a true surface given by its exact SDF and samples on it
    /// (the "Chamfer distance to the true surface"): ½(mean over the true samples of their distance to the mesh
    /// + mean over points spread uniformly on the mesh (by area) of |SDF(p)|, their distance to the true surface). Both
    /// halves are exact distances, so no sampling density enters as a bias.
    /// </summary>
    public static double ChamferToSurface(Mesh mesh, Func<Vec3, double> trueSdf, double[] trueSamples, int meshSamples, Rng rng)
    {
        var onMesh = SampleSurface(mesh, meshSamples, rng);
        double toTruth = Enumerable.Range(0, meshSamples).Average(i => Math.Abs(trueSdf(new Vec3(onMesh[3 * i], onMesh[3 * i + 1], onMesh[3 * i + 2]))));
        return 0.5 * (DistanceToMesh(mesh, trueSamples).Average() + toTruth);
    }

    /// <summary>Points [n·3] uniform on a mesh's area: a triangle drawn in proportion to its area, then a uniform point in it.</summary>
    public static double[] SampleSurface(Mesh mesh, int n, Rng rng)
    {
        var cumulative = new double[mesh.Triangles.Count];
        double total = 0;
        for (int t = 0; t < cumulative.Length; t++)
        {
            var (a, b, c) = mesh.Triangles[t];
            total += 0.5 * (mesh.Vertices[b] - mesh.Vertices[a]).Cross(mesh.Vertices[c] - mesh.Vertices[a]).Norm;
            cumulative[t] = total;
        }
        var points = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            int t = Array.BinarySearch(cumulative, rng.NextDouble() * total);
            if (t < 0) t = Math.Min(~t, cumulative.Length - 1);
            var (a, b, c) = mesh.Triangles[t];
            double r1 = Math.Sqrt(rng.NextDouble()), r2 = rng.NextDouble();
            var p = (1 - r1) * mesh.Vertices[a] + r1 * (1 - r2) * mesh.Vertices[b] + r1 * r2 * mesh.Vertices[c];
            (points[3 * i], points[3 * i + 1], points[3 * i + 2]) = (p.X, p.Y, p.Z);
        }
        return points;
    }

    /// <summary>
    /// The exact distance from each point [n·3] to the nearest triangle of the mesh. Triangles are binned into a uniform
    /// grid of cells; a query searches growing shells of cells around its own until no unsearched cell can be nearer.
    /// </summary>
    public static double[] DistanceToMesh(Mesh mesh, double[] points)
    {
        if (mesh.Triangles.Count == 0) throw new ArgumentException("ShapeMetrics.DistanceToMesh: the mesh has no triangles");
        var lo = new Vec3(mesh.Vertices.Min(v => v.X), mesh.Vertices.Min(v => v.Y), mesh.Vertices.Min(v => v.Z));
        var hi = new Vec3(mesh.Vertices.Max(v => v.X), mesh.Vertices.Max(v => v.Y), mesh.Vertices.Max(v => v.Z));
        int cells = Math.Clamp((int)Math.Cbrt(mesh.Triangles.Count / 2.0), 1, 64);
        double size = Math.Max(hi.X - lo.X, Math.Max(hi.Y - lo.Y, hi.Z - lo.Z)) / cells + 1e-12;
        int Cell(double v, double origin) => Math.Clamp((int)Math.Floor((v - origin) / size), 0, cells - 1);
        var bins = new List<int>[cells * cells * cells];
        for (int t = 0; t < mesh.Triangles.Count; t++)
        {
            var (a, b, c) = mesh.Triangles[t];
            Vec3 pa = mesh.Vertices[a], pb = mesh.Vertices[b], pc = mesh.Vertices[c];
            if ((pb - pa).Cross(pc - pa).Norm < 1e-15) continue;   // degenerate (marching cubes makes some): its edges belong to neighbours
            int x0 = Cell(Math.Min(pa.X, Math.Min(pb.X, pc.X)), lo.X), x1 = Cell(Math.Max(pa.X, Math.Max(pb.X, pc.X)), lo.X);
            int y0 = Cell(Math.Min(pa.Y, Math.Min(pb.Y, pc.Y)), lo.Y), y1 = Cell(Math.Max(pa.Y, Math.Max(pb.Y, pc.Y)), lo.Y);
            int z0 = Cell(Math.Min(pa.Z, Math.Min(pb.Z, pc.Z)), lo.Z), z1 = Cell(Math.Max(pa.Z, Math.Max(pb.Z, pc.Z)), lo.Z);
            for (int z = z0; z <= z1; z++)
                for (int y = y0; y <= y1; y++)
                    for (int x = x0; x <= x1; x++) (bins[(z * cells + y) * cells + x] ??= []).Add(t);
        }
        int n = points.Length / 3;
        var distance = new double[n];
        CpuParallel.For(n, 20_000, (i0, i1) =>
        {
            for (int i = i0; i < i1; i++)
            {
                var p = new Vec3(points[3 * i], points[3 * i + 1], points[3 * i + 2]);
                int cx = Cell(p.X, lo.X), cy = Cell(p.Y, lo.Y), cz = Cell(p.Z, lo.Z);
                // how far p lies outside the grid box: every cell is at least this far
                double outside = new Vec3(Math.Max(0, Math.Max(lo.X - p.X, p.X - hi.X)), Math.Max(0, Math.Max(lo.Y - p.Y, p.Y - hi.Y)), Math.Max(0, Math.Max(lo.Z - p.Z, p.Z - hi.Z))).Norm;
                double best = double.PositiveInfinity;
                for (int ring = 0; ring < cells; ring++)
                {
                    // cells of this shell are at least (ring − 1)·size away from p's cell's points
                    if (ring > 0 && Math.Max(outside, (ring - 1) * size) > Math.Sqrt(best)) break;
                    for (int z = cz - ring; z <= cz + ring; z++)
                        for (int y = cy - ring; y <= cy + ring; y++)
                            for (int x = cx - ring; x <= cx + ring; x++)
                            {
                                if (Math.Max(Math.Abs(x - cx), Math.Max(Math.Abs(y - cy), Math.Abs(z - cz))) != ring) continue;
                                if (x < 0 || y < 0 || z < 0 || x >= cells || y >= cells || z >= cells) continue;
                                var bin = bins[(z * cells + y) * cells + x];
                                if (bin is null) continue;
                                foreach (int t in bin)
                                {
                                    var (a, b, c) = mesh.Triangles[t];
                                    var e = ClosestOnTriangle(p, mesh.Vertices[a], mesh.Vertices[b], mesh.Vertices[c]) - p;
                                    best = Math.Min(best, e.Dot(e));
                                }
                            }
                }
                distance[i] = Math.Sqrt(best);
            }
        });
        return distance;
    }

    /// <summary>The point of triangle abc nearest to p (by the region of the triangle's Voronoi diagram p falls in).</summary>
    public static Vec3 ClosestOnTriangle(Vec3 p, Vec3 a, Vec3 b, Vec3 c)
    {
        Vec3 ab = b - a, ac = c - a, ap = p - a;
        if (ab.Cross(ac).Norm <= 1e-15 * Math.Max(1, ab.Dot(ab) + ac.Dot(ac)))
        {
            // a degenerate (zero-area) triangle: the nearest point of its three edges
            Vec3 OnSegment(Vec3 u, Vec3 v)
            {
                var e = v - u;
                double len = e.Dot(e), t = len > 0 ? Math.Clamp((p - u).Dot(e) / len, 0, 1) : 0;
                return u + t * e;
            }
            return new[] { OnSegment(a, b), OnSegment(b, c), OnSegment(c, a) }.MinBy(q => (q - p).Dot(q - p));
        }
        double d1 = ab.Dot(ap), d2 = ac.Dot(ap);
        if (d1 <= 0 && d2 <= 0) return a;
        var bp = p - b;
        double d3 = ab.Dot(bp), d4 = ac.Dot(bp);
        if (d3 >= 0 && d4 <= d3) return b;
        double vc = d1 * d4 - d3 * d2;
        if (vc <= 0 && d1 >= 0 && d3 <= 0) return a + d1 / (d1 - d3) * ab;
        var cp = p - c;
        double d5 = ab.Dot(cp), d6 = ac.Dot(cp);
        if (d6 >= 0 && d5 <= d6) return c;
        double vb = d5 * d2 - d1 * d6;
        if (vb <= 0 && d2 >= 0 && d6 <= 0) return a + d2 / (d2 - d6) * ac;
        double va = d3 * d6 - d5 * d4;
        if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) return b + (d4 - d3) / (d4 - d3 + (d5 - d6)) * (c - b);
        double sum = va + vb + vc;
        return a + vb / sum * ab + vc / sum * ac;
    }

    /// <summary>The vertices of a mesh as a point set [n·3].</summary>
    public static double[] Points(Mesh mesh) => mesh.Vertices.SelectMany(v => new[] { v.X, v.Y, v.Z }).ToArray();
}
