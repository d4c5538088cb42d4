using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// Random 3-D shapes built by constructive solid geometry from two primitives, a sphere and an axis-aligned box, on an
/// N×N×N voxel grid over [−1, 1]³ (§5.1's training data for PlatonicGAN): each shape is a sphere, a box, their union,
/// or a box with a sphere cut out of it (difference), with random sizes and centres. Occupancy is 1 inside, 0 outside,
/// tested at voxel centres. The shapes are made only to be photographed: the GAN never sees the grids, only silhouettes.
/// </summary>
public static class CsgVoxelShapes
{
    /// <summary>The four kinds of shape, in the order of the labels.</summary>
    public static readonly string[] Kinds = ["sphere", "box", "sphere ∪ box", "box − sphere"];

    /// <summary>n occupancy grids [n, N, N, N] (values 0 or 1) and the kind of each.</summary>
    public static (Tensor Occupancy, int[] Kinds) Generate(int n, int size, Rng rng)
    {
        if (n < 1 || size < 4) throw new ArgumentException($"CsgVoxelShapes.Generate: need n ≥ 1 and size ≥ 4, got n = {n}, size = {size}");
        var grid = new float[n * size * size * size];
        var kinds = new int[n];
        for (int s = 0; s < n; s++)
        {
            int kind = kinds[s] = rng.NextInt(4);
            double Uniform(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
            // sphere centre c and radius r; box centre b and half-extents h
            var c = new[] { Uniform(-0.25, 0.25), Uniform(-0.25, 0.25), Uniform(-0.25, 0.25) };
            double r = Uniform(0.3, 0.6);
            var b = new[] { Uniform(-0.2, 0.2), Uniform(-0.2, 0.2), Uniform(-0.2, 0.2) };
            var h = new[] { Uniform(0.2, 0.55), Uniform(0.2, 0.55), Uniform(0.2, 0.55) };
            if (kind == 3) { r = Uniform(0.3, 0.45); c = [b[0] + h[0], b[1] + h[1], b[2] + h[2]]; } // the bite takes a corner
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                    for (int k = 0; k < size; k++)
                    {
                        double x = -1 + (2 * i + 1.0) / size, y = -1 + (2 * j + 1.0) / size, z = -1 + (2 * k + 1.0) / size;
                        bool inSphere = (x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) + (z - c[2]) * (z - c[2]) <= r * r;
                        bool inBox = Math.Abs(x - b[0]) <= h[0] && Math.Abs(y - b[1]) <= h[1] && Math.Abs(z - b[2]) <= h[2];
                        bool inside = kind switch
                        {
                            0 => inSphere,
                            1 => inBox,
                            2 => inSphere || inBox,
                            _ => inBox && !inSphere,
                        };
                        if (inside) grid[((s * size + i) * size + j) * size + k] = 1;
                    }
        }
        return (Tensor.FromArray(grid, n, size, size, size), kinds);
    }

    /// <summary>
    /// The binary silhouette of each occupancy grid [B, N, N, N] seen along axis a ∈ {0, 1, 2} (any occupied voxel on
    /// the ray makes the pixel 1): the "photographs" PlatonicGAN's discriminator sees as real. → [B, 1, N, N].
    /// </summary>
    public static Tensor Silhouettes(Tensor occupancy, int[] axes)
    {
        if (occupancy.Rank != 4 || axes.Length != occupancy.Shape[0] || occupancy.Shape[1] != occupancy.Shape[2] || occupancy.Shape[2] != occupancy.Shape[3])
            throw new ArgumentException($"CsgVoxelShapes.Silhouettes: expected cubic grids [B, N, N, N] and one axis each, got {occupancy.Shape} and {axes.Length} axes");
        int n = occupancy.Shape[1], b = axes.Length;
        var o = occupancy.ToDoubleArray();
        var image = new float[b * n * n];
        for (int s = 0; s < b; s++)
        {
            if (axes[s] is < 0 or > 2) throw new ArgumentException($"CsgVoxelShapes.Silhouettes: axis {axes[s]} must be 0, 1 or 2");
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    for (int k = 0; k < n; k++)
                    {
                        if (o[((s * n + i) * n + j) * n + k] < 0.5) continue;
                        // drop the axis looked along: the image keeps the other two in order
                        var (u, v) = axes[s] switch { 0 => (j, k), 1 => (i, k), _ => (i, j) };
                        image[(s * n + u) * n + v] = 1;
                    }
        }
        return Tensor.FromArray(image, b, 1, n, n);
    }
}
