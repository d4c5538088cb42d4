using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Geometry;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// An implicit function sampled on a regular lattice of m × m × m points over a box (§8 "inference: sample points,
/// predict occupancy/SDF, use marching cubes"): the input of <see cref="MarchingCubes"/> and
/// <see cref="MarchingTetrahedra"/>. Values are stored x fastest: index (k·m + j)·m + i for the point
/// min + (i, j, k)·step. The surface is the level set value = <see cref="Level"/>, "inside" where value &lt; level
/// (a signed distance with level 0; an occupancy probability 1 − o with level ½, see <see cref="FromBatches"/>).
/// </summary>
public sealed class SampledGrid
{
    public Vec3 Min { get; }
    public Vec3 Max { get; }

    /// <summary>Samples per axis (cells per axis + 1).</summary>
    public int Samples { get; }

    public double Level { get; }
    public double[] Values { get; }

    public SampledGrid(double[] values, Vec3 min, Vec3 max, int samples, double level = 0)
    {
        if (samples < 2) throw new ArgumentException($"SampledGrid: needs at least 2 samples per axis, got {samples}");
        if (!(max.X > min.X && max.Y > min.Y && max.Z > min.Z))
            throw new ArgumentException($"SampledGrid: the box needs max > min on every axis, got {min} to {max}");
        if (values.Length != samples * samples * samples)
            throw new ArgumentException($"SampledGrid: {values.Length} values for {samples}³ = {samples * samples * samples} samples");
        foreach (var v in values)
            if (double.IsNaN(v)) throw new ArgumentException("SampledGrid: a sampled value is NaN");
        (Min, Max, Samples, Level, Values) = (min, max, samples, level, values);
    }

    public Vec3 Step => new((Max.X - Min.X) / (Samples - 1), (Max.Y - Min.Y) / (Samples - 1), (Max.Z - Min.Z) / (Samples - 1));

    public int Index(int i, int j, int k) => (k * Samples + j) * Samples + i;

    public Vec3 Point(int i, int j, int k)
    {
        var s = Step;
        return new(Min.X + i * s.X, Min.Y + j * s.Y, Min.Z + k * s.Z);
    }

    public bool Inside(int index) => Values[index] < Level;

    /// <summary>f at every lattice point (in parallel, fixed partitioning).</summary>
    public static SampledGrid Sample(Func<Vec3, double> f, Vec3 min, Vec3 max, int samples, double level = 0)
    {
        var grid = new SampledGrid(new double[samples * samples * samples], min, max, samples, level);
        CpuParallel.For(samples, samples * samples * 64L, (k0, k1) =>
        {
            for (int k = k0; k < k1; k++)
                for (int j = 0; j < samples; j++)
                    for (int i = 0; i < samples; i++)
                        grid.Values[grid.Index(i, j, k)] = f(grid.Point(i, j, k));
        });
        foreach (var v in grid.Values)
            if (double.IsNaN(v)) throw new ArgumentException("SampledGrid.Sample: f returned NaN");
        return grid;
    }

    /// <summary>
    /// A batched field (a network: points [N, 3] → values [N]) on the lattice, <paramref name="batch"/> points per call,
    /// without recording a graph. For an occupancy network pass <c>p =&gt; 1 − o(p)</c> with level ½, so inside is below.
    /// </summary>
    public static SampledGrid FromBatches(Func<Tensor, Tensor> field, Vec3 min, Vec3 max, int samples, double level = 0,
        int batch = 16384, DType dtype = DType.Float32)
    {
        int total = samples * samples * samples;
        var values = new double[total];
        var shell = new SampledGrid(new double[total], min, max, samples, level);
        using var _ = Autograd.NoGrad();
        var points = new double[Math.Min(batch, total) * 3];
        for (int start = 0; start < total; start += batch)
        {
            int count = Math.Min(batch, total - start);
            for (int n = 0; n < count; n++)
            {
                int id = start + n, i = id % samples, j = id / samples % samples, k = id / (samples * samples);
                var p = shell.Point(i, j, k);
                (points[3 * n], points[3 * n + 1], points[3 * n + 2]) = (p.X, p.Y, p.Z);
            }
            var x = Tensor.FromArray(points.AsSpan(0, count * 3).ToArray(), count, 3).To(dtype);
            var f = field(x);
            if (f.Size != count) throw new ArgumentException($"SampledGrid.FromBatches: the field mapped [{count}, 3] points to {f.Shape}, expected [{count}]");
            f.ToDoubleArray().CopyTo(values, start);
        }
        return new SampledGrid(values, min, max, samples, level);
    }

    /// <summary>Lattice points on the box's six faces that are inside: where the surface leaves the grid (then any mesh of it is open).</summary>
    public int InsideOnBoundary()
    {
        int m = Samples, count = 0;
        for (int k = 0; k < m; k++)
            for (int j = 0; j < m; j++)
                for (int i = 0; i < m; i++)
                {
                    bool onFace = i == 0 || j == 0 || k == 0 || i == m - 1 || j == m - 1 || k == m - 1;
                    if (onFace && Inside(Index(i, j, k))) count++;
                }
        return count;
    }

    /// <summary>
    /// The checks every mesh extractor makes before meshing: a clear error for a grid with no surface in it, and for a
    /// surface that leaves the box (its mesh would be open) unless the caller asked for an open mesh. Returns whether
    /// the mesh will be open.
    /// </summary>
    internal bool CheckMeshable(string who, bool allowOpen)
    {
        int inside = Values.Count(v => v < Level);
        if (inside == 0 || inside == Values.Length)
            throw new ArgumentException($"{who}: no surface in the grid: all {Values.Length} samples are {(inside == 0 ? "outside (≥" : "inside (<")} level {Level}); " +
                "the values range over [" + Values.Min().ToString("G4") + ", " + Values.Max().ToString("G4") + "]");
        int boundary = InsideOnBoundary();
        if (boundary > 0 && !allowOpen)
            throw new ArgumentException($"{who}: the surface leaves the grid box {Min} to {Max}: {boundary} samples on its faces are inside, " +
                "so the mesh would be open (no area/volume). Enlarge the box, or pass allowOpen: true to get the open mesh (Mesh.IsOpen)");
        return boundary > 0;
    }
}

/// <summary>
/// The vertices of an extracted surface: one per grid edge whose end values straddle the level, placed where the
/// linear interpolant of f along the edge reaches it, created once and shared by every cube (or tetrahedron)
/// around the edge, so neighbouring cells stitch together without cracks.
/// </summary>
internal sealed class EdgeVertices(SampledGrid grid)
{
    readonly Dictionary<(int, int), int> ids = [];

    public List<Vec3> Vertices { get; } = [];

    public int On(int a, int b, Vec3 pa, Vec3 pb)
    {
        var key = a < b ? (a, b) : (b, a);
        if (ids.TryGetValue(key, out int v)) return v;
        double fa = grid.Values[a] - grid.Level, fb = grid.Values[b] - grid.Level;
        double t = fa / (fa - fb);
        Vertices.Add(pa + t * (pb - pa));
        ids[key] = Vertices.Count - 1;
        return Vertices.Count - 1;
    }
}
