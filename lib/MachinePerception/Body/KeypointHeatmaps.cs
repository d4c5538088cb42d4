using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// Keypoint heatmaps (§9.2): instead of regressing a joint's two coordinates, a network paints one map per joint that is
/// high where the joint is. Training targets are Gaussians centred on the true position,
/// <code>H_k(u, v) = exp(−((u − x_k)² + (v − y_k)²) / 2σ²),</code>
/// and a position is read back either as the arg max (one grid cell: quantised to the map's resolution) or as the
/// soft-argmax, the expectation of the position under the map normalised to a distribution,
/// <code>x̂ = Σ_{u,v} u · softmax(β H)(u, v),</code>
/// which is sub-pixel and differentiable. Map coordinates: cell (u, v) has its centre at u, v; an image pixel position x
/// maps to x / stride − ½ (<see cref="ToMap"/>).
/// </summary>
public static class KeypointHeatmaps
{
    /// <summary>Image pixel coordinates → heatmap coordinates for maps <paramref name="stride"/> times smaller.</summary>
    public static double ToMap(double x, int stride) => x / stride - 0.5;

    /// <summary>Heatmap coordinates → image pixel coordinates.</summary>
    public static double ToImage(double u, int stride) => (u + 0.5) * stride;

    /// <summary>Gaussian targets [N, K, H, W] for keypoints [N, K, 2] given in map coordinates (x, y).</summary>
    public static Tensor Targets(Tensor keypoints, int height, int width, double sigma)
    {
        if (keypoints.Rank != 3 || keypoints.Shape[2] != 2)
            throw new ArgumentException($"KeypointHeatmaps.Targets: keypoints must be [N, K, 2], got {keypoints.Shape}");
        if (!(sigma > 0)) throw new ArgumentException($"KeypointHeatmaps.Targets: σ = {sigma} must be positive");
        int n = keypoints.Shape[0], k = keypoints.Shape[1];
        var p = keypoints.ToDoubleArray();
        var maps = new float[n * k * height * width];
        for (int i = 0; i < n * k; i++)
        {
            double x = p[2 * i], y = p[2 * i + 1];
            for (int v = 0; v < height; v++)
                for (int u = 0; u < width; u++)
                    maps[(i * height + v) * width + u] = (float)Math.Exp(-((u - x) * (u - x) + (v - y) * (v - y)) / (2 * sigma * sigma));
        }
        return Tensor.FromArray(maps, n, k, height, width);
    }

    /// <summary>The cell of each map's maximum as (x, y) map coordinates [N, K, 2].</summary>
    public static Tensor ArgMax(Tensor heatmaps)
    {
        CheckMaps("ArgMax", heatmaps);
        int h = heatmaps.Shape[2], w = heatmaps.Shape[3], nk = heatmaps.Shape[0] * heatmaps.Shape[1];
        var m = heatmaps.ToDoubleArray();
        var result = new double[nk * 2];
        for (int i = 0; i < nk; i++)
        {
            int best = 0;
            for (int j = 1; j < h * w; j++) if (m[i * h * w + j] > m[i * h * w + best]) best = j;
            result[2 * i] = best % w;
            result[2 * i + 1] = best / w;
        }
        return Tensor.FromArray(result, heatmaps.Shape[0], heatmaps.Shape[1], 2);
    }

    /// <summary>
    /// Soft-argmax, differentiable: softmax(β·H) over each map's H·W cells, then the expected (x, y) [N, K, 2]. Large β
    /// approaches the arg max; small β averages over the whole map (and is pulled towards its centre by the background).
    /// </summary>
    public static Tensor SoftArgMax(Tensor heatmaps, double beta)
    {
        CheckMaps("SoftArgMax", heatmaps);
        int n = heatmaps.Shape[0], k = heatmaps.Shape[1], h = heatmaps.Shape[2], w = heatmaps.Shape[3];
        var p = Op.Softmax(Op.Reshape(heatmaps, n, k, h * w) * beta, -1);          // [N, K, HW]
        var xs = new double[h * w];
        var ys = new double[h * w];
        for (int j = 0; j < h * w; j++) (xs[j], ys[j]) = (j % w, j / w);
        var grid = Tensor.FromArray([.. xs, .. ys], 2, h * w);                         // [2, HW]
        if (grid.DType != heatmaps.DType) grid = grid.To(heatmaps.DType);
        return Op.MatMul(Op.Reshape(p, n * k, h * w), grid, transB: true).Reshape(n, k, 2);
    }

    /// <summary>
    /// The arg max refined by the centroid of the map in a (2r + 1)² window around it (values below zero ignored): sub-pixel
    /// like the soft-argmax, but blind to activity elsewhere in the map.
    /// </summary>
    public static Tensor LocalCentroid(Tensor heatmaps, int radius = 1)
    {
        CheckMaps("LocalCentroid", heatmaps);
        int h = heatmaps.Shape[2], w = heatmaps.Shape[3], nk = heatmaps.Shape[0] * heatmaps.Shape[1];
        var m = heatmaps.ToDoubleArray();
        var peak = ArgMax(heatmaps).ToDoubleArray();
        var result = new double[nk * 2];
        for (int i = 0; i < nk; i++)
        {
            int px = (int)peak[2 * i], py = (int)peak[2 * i + 1];
            double sx = 0, sy = 0, sw = 0;
            for (int v = Math.Max(0, py - radius); v <= Math.Min(h - 1, py + radius); v++)
                for (int u = Math.Max(0, px - radius); u <= Math.Min(w - 1, px + radius); u++)
                {
                    double value = Math.Max(0, m[(i * h + v) * w + u]);
                    sx += value * u; sy += value * v; sw += value;
                }
            (result[2 * i], result[2 * i + 1]) = sw > 0 ? (sx / sw, sy / sw) : (px, py);
        }
        return Tensor.FromArray(result, heatmaps.Shape[0], heatmaps.Shape[1], 2);
    }

    /// <summary>
    /// PCK@α: the fraction of keypoints within α × the image's scale (its torso diameter) of the truth. Predictions and truth
    /// [N, K, 2] in the same (image) coordinates.
    /// </summary>
    public static double Pck(Tensor predicted, Tensor truth, IReadOnlyList<double> scales, double alpha = 0.2)
    {
        var (errors, _) = Errors(predicted, truth);
        int n = truth.Shape[0], k = truth.Shape[1], correct = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) if (errors[i * k + j] <= alpha * scales[i]) correct++;
        return (double)correct / (n * k);
    }

    /// <summary>Euclidean error of every keypoint [N·K] and their mean.</summary>
    public static (double[] Errors, double Mean) Errors(Tensor predicted, Tensor truth)
    {
        if (!predicted.Shape.Equals(truth.Shape) || truth.Rank != 3 || truth.Shape[2] != 2)
            throw new ArgumentException($"KeypointHeatmaps.Errors: predictions {predicted.Shape} and truth {truth.Shape} must both be [N, K, 2]");
        var a = predicted.ToDoubleArray();
        var b = truth.ToDoubleArray();
        var e = new double[a.Length / 2];
        for (int i = 0; i < e.Length; i++) e[i] = Math.Sqrt((a[2 * i] - b[2 * i]) * (a[2 * i] - b[2 * i]) + (a[2 * i + 1] - b[2 * i + 1]) * (a[2 * i + 1] - b[2 * i + 1]));
        return (e, e.Average());
    }

    static void CheckMaps(string op, Tensor heatmaps)
    {
        if (heatmaps.Rank != 4) throw new ArgumentException($"KeypointHeatmaps.{op}: heatmaps must be [N, K, H, W], got {heatmaps.Shape}");
    }
}
