using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>The shape of a multiresolution hash grid: L levels, 2^log2T entries of F features per level, resolutions N_min…N_max.</summary>
public sealed record HashGridConfig(int Levels = 12, int Log2TableSize = 14, int Features = 2, int MinResolution = 8, int MaxResolution = 256)
{
    public int TableSize => 1 << Log2TableSize;
    public int OutputSize => Levels * Features;

    /// <summary>N_l = ⌊N_min · b^l⌋ with the growth factor b = exp((ln N_max − ln N_min)/(L − 1)).</summary>
    public int Resolution(int level) => Levels == 1 ? MinResolution
        : (int)Math.Floor(MinResolution * Math.Exp(level * (Math.Log(MaxResolution) - Math.Log(MinResolution)) / (Levels - 1)));

    public void Validate()
    {
        if (Levels < 1 || Features < 1 || Log2TableSize is < 4 or > 24 || MinResolution < 1 || MaxResolution < MinResolution)
            throw new ArgumentException($"HashGridConfig: invalid {this}");
    }
}

/// <summary>
/// The multiresolution hash encoding of Instant-NGP (Müller et al. 2022; §8.2.3 "replace deep MLPs with learned feature
/// hash table + small MLP. For x interp. features between corners"). Level l lays a grid of resolution N_l over the unit
/// cube; a point's 8 surrounding grid corners each look up F learned features in that level's table of T entries, and
/// the point gets their trilinear interpolation. Coarse levels have fewer than T corners and index them directly; fine
/// levels hash corner (x, y, z) to (x·1 ⊕ y·2654435761 ⊕ z·805459861) mod T (the paper's primes), so several corners
/// share an entry (a collision). Collisions are not resolved: their gradients average, and the small MLP after the
/// encoding, seeing all levels, learns to ignore the ones that do not matter (where the scene is empty). The levels'
/// features are concatenated: [N, 3] → [N, L·F].
/// </summary>
public sealed class HashGridEncoding : Layer
{
    public HashGridConfig Config { get; }

    /// <summary>Where the unit cube sits in the world: p ↦ (p − min)/(max − min) before the lookup.</summary>
    public (double Min, double Max) Bounds { get; }

    public Tensor Table => Parameter("table"); // [L·T, F]

    public HashGridEncoding(HashGridConfig config, (double Min, double Max) bounds, Rng rng, DType dtype = DType.Float32)
    {
        config.Validate();
        if (!(bounds.Max > bounds.Min)) throw new ArgumentException($"HashGridEncoding: bounds need max > min, got {bounds}");
        Config = config;
        Bounds = bounds;
        // small uniform initial features (the paper's U(−10⁻⁴, 10⁻⁴)): the MLP starts near a constant field
        RegisterParameter("table", Init.Uniform([config.Levels * config.TableSize, config.Features], rng, -1e-4, 1e-4, dtype));
    }

    public int OutputSize => Config.OutputSize;

    public override Tensor Forward(Tensor points)
    {
        if (points.Rank != 2 || points.Shape[1] != 3) throw new ArgumentException($"HashGridEncoding: expected points [N, 3], got {points.Shape}");
        if (points.RequiresGrad) throw new ArgumentException("HashGridEncoding: gradients with respect to the positions are not implemented (only the table is learned); detach the points");
        var p = points.ToDoubleArray();
        double scale = 1 / (Bounds.Max - Bounds.Min);
        for (int i = 0; i < p.Length; i++) p[i] = (p[i] - Bounds.Min) * scale;
        return Encode(p, points.Shape[0], Table, Config);
    }

    /// <summary>The table index of corner (x, y, z) at a level of resolution n: direct when the (n + 1)³ corners fit, else hashed.</summary>
    public static int Slot(int x, int y, int z, int n, int tableSize)
    {
        long corners = (long)(n + 1) * (n + 1) * (n + 1);
        if (corners <= tableSize) return (int)((z * (long)(n + 1) + y) * (n + 1) + x);
        uint h = (uint)x * 1u ^ (uint)y * 2654435761u ^ (uint)z * 805459861u;
        return (int)(h & (uint)(tableSize - 1));
    }

    // the 8 table rows point i reads at one level and their trilinear weights
    static void Corners(double[] unit, int i, int res, int tableSize, int baseRow, Span<int> rows, Span<double> weights)
    {
        bool dense = (long)(res + 1) * (res + 1) * (res + 1) <= tableSize;
        uint mask = (uint)(tableSize - 1);
        double x = Math.Clamp(unit[3 * i], 0, 1) * res, y = Math.Clamp(unit[3 * i + 1], 0, 1) * res, z = Math.Clamp(unit[3 * i + 2], 0, 1) * res;
        int cx = Math.Min((int)x, res - 1), cy = Math.Min((int)y, res - 1), cz = Math.Min((int)z, res - 1);
        double fx = x - cx, fy = y - cy, fz = z - cz;
        for (int c = 0; c < 8; c++)
        {
            int dx = c & 1, dy = c >> 1 & 1, dz = c >> 2 & 1;
            weights[c] = (dx == 1 ? fx : 1 - fx) * (dy == 1 ? fy : 1 - fy) * (dz == 1 ? fz : 1 - fz);
            int x1 = cx + dx, y1 = cy + dy, z1 = cz + dz;
            rows[c] = baseRow + (dense ? (z1 * (res + 1) + y1) * (res + 1) + x1
                : (int)(((uint)x1 ^ (uint)y1 * 2654435761u ^ (uint)z1 * 805459861u) & mask));
        }
    }

    /// <summary>
    /// The lookup for unit-cube coordinates u [N, 3] (flattened; clamped into [0, 1]) and a table [L·T, F] → [N, L·F].
    /// Backward: each table entry receives Σ (trilinear weight · output gradient) over the lookups that read it; the
    /// levels own disjoint table rows, so they are accumulated in parallel, one level per task, each in point order
    /// (the corners are recomputed rather than stored: cheaper than 8 indices and weights per point and level).
    /// </summary>
    public static Tensor Encode(double[] unit, int n, Tensor table, HashGridConfig config)
    {
        int levels = config.Levels, f = config.Features, size = config.TableSize;
        if (table.Rank != 2 || table.Shape[0] != levels * size || table.Shape[1] != f)
            throw new ArgumentException($"HashGridEncoding.Encode: table must be [{levels * size}, {f}], got {table.Shape}");
        if (unit.Length != 3 * n) throw new ArgumentException($"HashGridEncoding.Encode: {unit.Length} coordinates for {n} points");
        var tab = table.ToDoubleArray();
        var output = new double[n * levels * f];
        var resolutions = Enumerable.Range(0, levels).Select(config.Resolution).ToArray();
        CpuParallel.For(n, levels * 8L * (f + 8), (i0, i1) =>
        {
            Span<int> rows = stackalloc int[8];
            Span<double> weights = stackalloc double[8];
            for (int i = i0; i < i1; i++)
                for (int l = 0; l < levels; l++)
                {
                    Corners(unit, i, resolutions[l], size, l * size, rows, weights);
                    int at = (i * levels + l) * f;
                    for (int c = 0; c < 8; c++)
                        for (int k = 0; k < f; k++) output[at + k] += weights[c] * tab[rows[c] * f + k];
                }
        });
        var result = Tensor.FromArray(output, n, levels * f).To(table.DType);
        return Autograd.Record(result, "hash_grid_encode", [table], g =>
        {
            var go = g.ToDoubleArray();
            var gTable = new double[tab.Length];
            CpuParallel.For(levels, (long)n * 8 * (f + 8), (l0, l1) =>
            {
                Span<int> rows = stackalloc int[8];
                Span<double> weights = stackalloc double[8];
                for (int l = l0; l < l1; l++)
                    for (int i = 0; i < n; i++)
                    {
                        Corners(unit, i, resolutions[l], size, l * size, rows, weights);
                        int at = (i * levels + l) * f;
                        for (int c = 0; c < 8; c++)
                            for (int k = 0; k < f; k++) gTable[rows[c] * f + k] += weights[c] * go[at + k];
                    }
            }, threshold: 0);
            return [VolumeRendering.FirstOrder(Tensor.FromArray(gTable, levels * size, f).To(table.DType), "hash_grid_encode")];
        });
    }

    public override string ToString() => $"HashGridEncoding(L = {Config.Levels}, T = 2^{Config.Log2TableSize}, F = {Config.Features}, N = {Config.MinResolution}…{Config.MaxResolution})";
}
