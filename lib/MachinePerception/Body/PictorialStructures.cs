using MachinePerception.Geometry;

namespace MachinePerception.Body;

/// <summary>A spring between a part and its parent: the child sits near parent + (Dx, Dy), with stiffness (Wx, Wy) per axis.</summary>
public readonly record struct Spring(double Dx, double Dy, double Wx, double Wy)
{
    /// <summary>d(l_parent, l_child) = w_x (x_c − x_p − d_x)² + w_y (y_c − y_p − d_y)².</summary>
    public double Cost(int xParent, int yParent, int xChild, int yChild) =>
        Wx * Sq(xChild - xParent - Dx) + Wy * Sq(yChild - yParent - Dy);

    static double Sq(double v) => v * v;

    /// <summary>
    /// The spring of a Gaussian prior on the offset child − parent, fitted to examples: d = mean offset, w = 1/(2σ²) per
    /// axis (so the spring cost is the negative log-density up to a constant). σ is floored at <paramref name="minSigma"/>.
    /// </summary>
    public static Spring Fit(IReadOnlyList<(double Dx, double Dy)> offsets, double minSigma = 0.5)
    {
        if (offsets.Count < 2) throw new ArgumentException($"Spring.Fit: needs at least two offsets, got {offsets.Count}");
        double mx = offsets.Average(o => o.Dx), my = offsets.Average(o => o.Dy);
        double vx = offsets.Average(o => (o.Dx - mx) * (o.Dx - mx)), vy = offsets.Average(o => (o.Dy - my) * (o.Dy - my));
        double sx = Math.Max(Math.Sqrt(vx), minSigma), sy = Math.Max(Math.Sqrt(vy), minSigma);
        return new Spring(mx, my, 1 / (2 * sx * sx), 1 / (2 * sy * sy));
    }
}

/// <summary>
/// Pictorial structures (§9.1, Fischler and Elschlager 1973; Felzenszwalb and Huttenlocher 2005): a body as parts on a tree,
/// each part at a location l_i of an H×W grid, scored by
/// <code>E(l) = Σ_i m_i(l_i) + Σ_(parent p, child c) d_pc(l_p, l_c),</code>
/// unary terms m_i (how little the image looks like part i at l_i, e.g. −log of a detector's heatmap) plus pairwise spring
/// terms d (how far the child is from where its parent expects it). On a tree the minimum (the MAP configuration, when
/// E is a negative log-posterior) is found exactly by dynamic programming from the leaves to the root:
/// <code>B_c(l_p) = min_{l_c} [ m_c(l_c) + Σ_{children g of c} B_g(l_c) + d_pc(l_p, l_c) ],</code>
/// then the root's best location and a backward pass down the tree. With quadratic springs each min is a generalized
/// distance transform (<see cref="DistanceTransform"/>), O(HW) instead of O((HW)²) per part.
/// </summary>
public sealed class PictorialStructures
{
    public KinematicTree Tree { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>m_i(l) [part][y·W + x].</summary>
    public IReadOnlyList<double[]> Unary { get; }

    /// <summary>The spring from each part's parent to it (entry 0, the root's, is unused).</summary>
    public IReadOnlyList<Spring> Springs { get; }

    public PictorialStructures(KinematicTree tree, int height, int width, IReadOnlyList<double[]> unary, IReadOnlyList<Spring> springs)
    {
        if (unary.Count != tree.Count || springs.Count != tree.Count)
            throw new ArgumentException($"PictorialStructures: {unary.Count} unary maps and {springs.Count} springs for {tree.Count} parts");
        for (int i = 0; i < unary.Count; i++)
            if (unary[i].Length != height * width)
                throw new ArgumentException($"PictorialStructures: unary map of part {i} has {unary[i].Length} entries, the grid {height}×{width}");
        for (int i = 1; i < springs.Count; i++)
            if (!(springs[i].Wx > 0 && springs[i].Wy > 0))
                throw new ArgumentException($"PictorialStructures: spring of part {i} has stiffness ({springs[i].Wx}, {springs[i].Wy}); both must be positive");
        Tree = tree;
        Height = height;
        Width = width;
        Unary = unary;
        Springs = springs;
    }

    /// <summary>E(l) for locations given as flat indices y·W + x.</summary>
    public double Energy(IReadOnlyList<int> locations)
    {
        double e = 0;
        for (int i = 0; i < Tree.Count; i++)
        {
            e += Unary[i][locations[i]];
            int p = Tree.Parents[i];
            if (p >= 0) e += Springs[i].Cost(locations[p] % Width, locations[p] / Width, locations[i] % Width, locations[i] / Width);
        }
        return e;
    }

    /// <summary>Exact MAP by dynamic programming with distance transforms: O(parts · H · W).</summary>
    public (int[] Locations, double Energy) MapByDistanceTransform() =>
        Solve((child, cost) =>
        {
            var s = Springs[child];
            // B(l_p) = min_{l_c} cost(l_c) + w_x (x_c − (x_p + d_x))² + …: the transform queried at l_p + d
            return DistanceTransform.TwoD(cost, Height, Width, s.Wx, s.Wy, s.Dx, s.Dy);
        });

    /// <summary>The same recursion with each min taken by trying every child location for every parent location: O(parts · (HW)²).</summary>
    public (int[] Locations, double Energy) MapByDynamicProgramming() =>
        Solve((child, cost) =>
        {
            int n = Height * Width;
            var values = new double[n];
            var arg = new int[n];
            for (int lp = 0; lp < n; lp++)
            {
                double best = double.PositiveInfinity;
                int at = 0;
                for (int lc = 0; lc < n; lc++)
                {
                    double v = cost[lc] + Springs[child].Cost(lp % Width, lp / Width, lc % Width, lc / Width);
                    if (v < best) { best = v; at = lc; }
                }
                values[lp] = best;
                arg[lp] = at;
            }
            return (values, arg);
        });

    // leaves to root: cost_c = m_c + Σ messages of c's children, message B_c = min over l_c; then the root, then back down
    (int[] Locations, double Energy) Solve(Func<int, double[], (double[] Values, int[] ArgMin)> message)
    {
        int parts = Tree.Count, n = Height * Width;
        var cost = Unary.Select(u => (double[])u.Clone()).ToArray();
        var best = new int[parts][];
        for (int c = parts - 1; c >= 1; c--)
        {
            var (values, arg) = message(c, cost[c]);
            best[c] = arg;
            var parentCost = cost[Tree.Parents[c]];
            for (int l = 0; l < n; l++) parentCost[l] += values[l];
        }
        var locations = new int[parts];
        double energy = double.PositiveInfinity;
        for (int l = 0; l < n; l++)
            if (cost[0][l] < energy) { energy = cost[0][l]; locations[0] = l; }
        for (int c = 1; c < parts; c++) locations[c] = best[c][locations[Tree.Parents[c]]];
        return (locations, energy);
    }

    /// <summary>The minimum over all (HW)^parts configurations, for checking the recursion on tiny instances.</summary>
    public (int[] Locations, double Energy) MapByBruteForce()
    {
        int parts = Tree.Count, n = Height * Width;
        if (Math.Pow(n, parts) > 2e7) throw new ArgumentException($"PictorialStructures.MapByBruteForce: {n}^{parts} configurations are too many");
        var l = new int[parts];
        var bestL = new int[parts];
        double best = double.PositiveInfinity;
        while (true)
        {
            double e = Energy(l);
            if (e < best) { best = e; l.CopyTo(bestL, 0); }
            int i = 0;
            while (i < parts && ++l[i] == n) l[i++] = 0;
            if (i == parts) break;
        }
        return (bestL, best);
    }

    /// <summary>Each part at the minimum of its own unary term, ignoring the springs (what independent detectors give).</summary>
    public int[] IndependentMinima() =>
        Unary.Select(u => Array.IndexOf(u, u.Min())).ToArray();
}
