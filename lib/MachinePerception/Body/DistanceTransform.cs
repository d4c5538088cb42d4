namespace MachinePerception.Body;

/// <summary>
/// The generalized distance transform of Felzenszwalb and Huttenlocher (2004), the step that makes pictorial structures
/// fast: for costs f(q) on the grid q = 0 … n−1 and a stiffness w &gt; 0,
/// <code>D(p) = min_q f(q) + w (p − q)²</code>
/// at any query positions p (real numbers, also outside the grid). Each q contributes a parabola opening upwards with its
/// vertex at (q, f(q)); D is their lower envelope. All parabolas have the same shape, so two of them cross exactly once,
/// at s = ((f(q) + w q²) − (f(r) + w r²)) / (2w(q − r)), and the envelope is built in one left-to-right pass, O(n),
/// instead of the O(n²) of trying every q for every p. In 2-D the quadratic separates, w_x(Δx)² + w_y(Δy)², so one pass
/// along every row and then one along every column gives the 2-D transform.
/// </summary>
public static class DistanceTransform
{
    /// <summary>D(p) and the minimising q for each query p (queries in increasing order).</summary>
    public static (double[] Values, int[] ArgMin) OneD(ReadOnlySpan<double> f, double w, ReadOnlySpan<double> queries)
    {
        int n = f.Length;
        if (n == 0) throw new ArgumentException("DistanceTransform.OneD: no costs");
        if (!(w > 0)) throw new ArgumentException($"DistanceTransform.OneD: stiffness w = {w} must be positive");
        for (int i = 1; i < queries.Length; i++)
            if (queries[i] < queries[i - 1]) throw new ArgumentException("DistanceTransform.OneD: queries must be increasing");
        var v = new int[n];          // vertices of the parabolas on the envelope
        var z = new double[n + 1];   // the envelope uses parabola v[k] on [z[k], z[k+1])
        int k = 0;
        int first = -1;
        for (int q = 0; q < n; q++) if (double.IsFinite(f[q])) { first = q; break; }
        if (first < 0) throw new ArgumentException("DistanceTransform.OneD: every cost is infinite");
        v[0] = first;
        z[0] = double.NegativeInfinity;
        z[1] = double.PositiveInfinity;
        for (int q = first + 1; q < n; q++)
        {
            if (!double.IsFinite(f[q])) continue; // an impossible location never wins
            int r = v[k];
            double s = (f[q] + w * q * q - (f[r] + w * r * r)) / (2 * w * (q - r));
            while (s <= z[k]) // parabola v[k] is below the new one nowhere on its piece: drop it
            {
                r = v[--k];
                s = (f[q] + w * q * q - (f[r] + w * r * r)) / (2 * w * (q - r));
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = double.PositiveInfinity;
        }
        var values = new double[queries.Length];
        var arg = new int[queries.Length];
        int j = 0;
        for (int i = 0; i < queries.Length; i++)
        {
            double p = queries[i];
            while (z[j + 1] < p) j++;
            arg[i] = v[j];
            values[i] = f[v[j]] + w * (p - v[j]) * (p - v[j]);
        }
        return (values, arg);
    }

    /// <summary>
    /// 2-D: D(px, py) = min_{x,y} f[y, x] + w_x (px − x)² + w_y (py − y)² on the query grid px = x + shiftX, py = y + shiftY
    /// (x, y over the same H×W grid), with the minimising location (x, y) of each query as a flat index y·W + x.
    /// </summary>
    public static (double[] Values, int[] ArgMin) TwoD(double[] f, int height, int width, double wx, double wy, double shiftX, double shiftY)
    {
        if (f.Length != height * width) throw new ArgumentException($"DistanceTransform.TwoD: {f.Length} costs for a {height}×{width} grid");
        var qx = Enumerable.Range(0, width).Select(x => x + shiftX).ToArray();
        var qy = Enumerable.Range(0, height).Select(y => y + shiftY).ToArray();
        var rows = new double[height * width];
        var rowArg = new int[height * width];
        for (int y = 0; y < height; y++)
        {
            var (values, arg) = OneD(f.AsSpan(y * width, width), wx, qx);
            values.CopyTo(rows, y * width);
            arg.CopyTo(rowArg, y * width);
        }
        var result = new double[height * width];
        var argMin = new int[height * width];
        var column = new double[height];
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++) column[y] = rows[y * width + x];
            var (values, arg) = OneD(column, wy, qy);
            for (int y = 0; y < height; y++)
            {
                result[y * width + x] = values[y];
                int bestY = arg[y];
                argMin[y * width + x] = bestY * width + rowArg[bestY * width + x];
            }
        }
        return (result, argMin);
    }
}
