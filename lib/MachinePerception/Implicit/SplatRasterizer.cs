using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// The image size and the thresholds of the splat rasterizer: splats fainter than <see cref="MinAlpha"/> at a pixel are
/// skipped, α is capped at <see cref="MaxAlpha"/> (so 1 − α never vanishes in the backward pass), a pixel stops once its
/// transmittance would fall below <see cref="MinTransmittance"/>, and a splat is binned to the tiles of
/// <see cref="TileSize"/>² pixels that its <see cref="Extent"/>·σ ellipse box touches. Setting the three thresholds to
/// 0, 1 and 0 and one tile over the whole image makes the rasterizer a smooth function (what the gradient checks use).
/// </summary>
public sealed record SplatSettings(int Width, int Height, double MinAlpha = 1.0 / 255, double MaxAlpha = 0.99,
    double MinTransmittance = 1e-4, int TileSize = 16, double Extent = 3)
{
    public int TilesX => (Width + TileSize - 1) / TileSize;
    public int TilesY => (Height + TileSize - 1) / TileSize;

    public void Validate()
    {
        if (Width < 1 || Height < 1 || TileSize < 1 || !(MinAlpha >= 0) || !(MaxAlpha > MinAlpha && MaxAlpha < 1) || !(MinTransmittance >= 0) || !(Extent > 0))
            throw new ArgumentException($"SplatSettings: invalid {this}");
    }

    /// <summary>The smooth variant for gradient checks: no thresholds, one tile.</summary>
    public static SplatSettings Exact(int width, int height) =>
        new(width, height, MinAlpha: 0, MaxAlpha: 0.999999, MinTransmittance: 0, TileSize: Math.Max(width, height), Extent: 1e6);
}

/// <summary>
/// Splats sorted by depth and binned into screen tiles: <see cref="Entries"/> lists, tile after tile, the splats whose
/// ellipse box touches the tile, nearest first (one global depth sort, then appends in that order, keeps each tile's list
/// sorted). Entry e of tile k lies in [TileStart[k], TileStart[k] + TileCount[k]).
/// </summary>
public sealed class SplatBins
{
    public required int[] Entries { get; init; }
    public required int[] TileStart { get; init; }
    public required int[] TileCount { get; init; }
    public required double[] Conics { get; init; }   // [N, 3]: (A, B, C) of Σ'⁻¹ = [[A, B], [B, C]]
    public required int Visible { get; init; }
}

/// <summary>
/// The differentiable rasterizer of Gaussian splatting (§8.3 "Rasterization: for each pixel sort Gaussians by depth,
/// opacity α = o·exp(−½(x − μ′)ᵀΣ′⁻¹(x − μ′)), rest same as NeRF"): the splats are 2-D Gaussians with centre μ′ (pixels),
/// covariance Σ′ = [[a, b], [b, c]], opacity o, colour c and a depth; each pixel composites them front to back,
/// C = Σ_i c_i α_i T_i + T_final·background, T_i = Π_{j&lt;i}(1 − α_j), as in volume rendering. Backward, per pixel from
/// back to front: T_i = T_{i+1}/(1 − α_i) is recovered by division, the colour seen behind splat i updates as
/// R ← α_i c_i + (1 − α_i) R (starting from the background), ∂C/∂c_i = α_i T_i, ∂C/∂α_i = T_i (c_i − R_i); then the
/// chain through α = o·exp(−q/2), q = dᵀKd (K = Σ′⁻¹, d = x − μ′) gives ∂q/∂μ′ = −2Kd, ∂q/∂K = ddᵀ and
/// ∂L/∂Σ′ = −K (∂L/∂K) K. Tiles run in parallel; each writes its own pixels and its own per-entry gradients, which are
/// then summed per splat in entry order, so results do not depend on threads. Steps are public (<see cref="Bin"/>,
/// <see cref="Forward"/>, <see cref="Backward"/>) so a benchmark can time them apart; <see cref="Render"/> is the op.
/// </summary>
public static class SplatRasterizer
{
    /// <summary>
    /// Sorts and bins N splats (means [N·2], covariances [N·3] as (a, b, c), depths [N]); a splat with depth ≤ 0 or NaN
    /// (behind the camera) or a covariance that is not positive definite is left out.
    /// </summary>
    public static SplatBins Bin(double[] means, double[] cov, double[] depth, SplatSettings s)
    {
        s.Validate();
        int n = depth.Length;
        if (means.Length != 2 * n || cov.Length != 3 * n) throw new ArgumentException($"SplatRasterizer.Bin: means [{means.Length}] and covariances [{cov.Length}] must be [2N], [3N] for N = {n} depths");
        var conics = new double[3 * n];
        var visible = new List<int>();
        var box = new (int X0, int X1, int Y0, int Y1)[n];
        for (int i = 0; i < n; i++)
        {
            double a = cov[3 * i], b = cov[3 * i + 1], c = cov[3 * i + 2], det = a * c - b * b;
            if (!(depth[i] > 0) || !(a > 0) || !(det > 0)) continue;
            (conics[3 * i], conics[3 * i + 1], conics[3 * i + 2]) = (c / det, -b / det, a / det);
            double mid = 0.5 * (a + c), lambda = mid + Math.Sqrt(Math.Max(0, mid * mid - det)), radius = s.Extent * Math.Sqrt(lambda);
            double mx = means[2 * i], my = means[2 * i + 1];
            if (!double.IsFinite(mx) || !double.IsFinite(my)) continue;
            int x0 = (int)Math.Floor((mx - radius) / s.TileSize), x1 = (int)Math.Floor((mx + radius) / s.TileSize);
            int y0 = (int)Math.Floor((my - radius) / s.TileSize), y1 = (int)Math.Floor((my + radius) / s.TileSize);
            if (x1 < 0 || y1 < 0 || x0 >= s.TilesX || y0 >= s.TilesY) continue;
            box[i] = (Math.Max(x0, 0), Math.Min(x1, s.TilesX - 1), Math.Max(y0, 0), Math.Min(y1, s.TilesY - 1));
            visible.Add(i);
        }
        // nearest first; ties by index, so the order never depends on the sort's internals
        visible.Sort((p, q) => depth[p] != depth[q] ? depth[p].CompareTo(depth[q]) : p.CompareTo(q));
        int tiles = s.TilesX * s.TilesY;
        var count = new int[tiles];
        foreach (int i in visible)
            for (int ty = box[i].Y0; ty <= box[i].Y1; ty++)
                for (int tx = box[i].X0; tx <= box[i].X1; tx++) count[ty * s.TilesX + tx]++;
        var start = new int[tiles];
        for (int k = 1; k < tiles; k++) start[k] = start[k - 1] + count[k - 1];
        var entries = new int[tiles == 0 ? 0 : start[tiles - 1] + count[tiles - 1]];
        var fill = (int[])start.Clone();
        foreach (int i in visible)
            for (int ty = box[i].Y0; ty <= box[i].Y1; ty++)
                for (int tx = box[i].X0; tx <= box[i].X1; tx++) entries[fill[ty * s.TilesX + tx]++] = i;
        return new SplatBins { Entries = entries, TileStart = start, TileCount = count, Conics = conics, Visible = visible.Count };
    }

    /// <summary>What the backward pass needs from the forward one: each pixel's final transmittance and last contributing entry.</summary>
    public sealed record ForwardState(double[] FinalTransmittance, int[] LastEntry);

    // α of splat g at pixel centre (px, py); also the Gaussian factor and the quadratic form
    static double Alpha(SplatBins bins, double[] means, double[] opacity, int g, double px, double py, out double gauss, out double dx, out double dy)
    {
        dx = px - means[2 * g];
        dy = py - means[2 * g + 1];
        double q = bins.Conics[3 * g] * dx * dx + 2 * bins.Conics[3 * g + 1] * dx * dy + bins.Conics[3 * g + 2] * dy * dy;
        gauss = Math.Exp(-0.5 * q);
        return opacity[g] * gauss;
    }

    /// <summary>Composites every pixel: the image [C, H, W] (flattened) and the state for <see cref="Backward"/>.</summary>
    public static (double[] Image, ForwardState State) Forward(SplatBins bins, double[] means, double[] opacity, double[] colours, int channels, double[] background, SplatSettings s)
    {
        int w = s.Width, h = s.Height, hw = w * h;
        var image = new double[channels * hw];
        var finalT = new double[hw];
        var last = new int[hw];
        CpuParallel.For(s.TilesX * s.TilesY, s.TileSize * s.TileSize * 64L, (k0, k1) =>
        {
            for (int k = k0; k < k1; k++)
            {
                int tx = k % s.TilesX, ty = k / s.TilesX, e0 = bins.TileStart[k], e1 = e0 + bins.TileCount[k];
                for (int y = ty * s.TileSize; y < Math.Min(h, (ty + 1) * s.TileSize); y++)
                    for (int x = tx * s.TileSize; x < Math.Min(w, (tx + 1) * s.TileSize); x++)
                    {
                        int pixel = y * w + x, lastEntry = e0 - 1;
                        double t = 1;
                        for (int e = e0; e < e1; e++)
                        {
                            int g = bins.Entries[e];
                            double alpha = Math.Min(s.MaxAlpha, Alpha(bins, means, opacity, g, x + 0.5, y + 0.5, out _, out _, out _));
                            if (alpha < s.MinAlpha) continue;
                            double next = t * (1 - alpha);
                            if (next < s.MinTransmittance) break;
                            for (int c = 0; c < channels; c++) image[c * hw + pixel] += colours[g * channels + c] * alpha * t;
                            t = next;
                            lastEntry = e;
                        }
                        for (int c = 0; c < channels; c++) image[c * hw + pixel] += t * background[c];
                        finalT[pixel] = t;
                        last[pixel] = lastEntry;
                    }
            }
        });
        return (image, new ForwardState(finalT, last));
    }

    /// <summary>The gradients of Σ_pixels gradImage ⊙ image with respect to means [N·2], covariances [N·3], opacities [N] and colours [N·C].</summary>
    public static (double[] Means, double[] Cov, double[] Opacity, double[] Colours) Backward(SplatBins bins, double[] means, double[] opacity, double[] colours,
        int channels, double[] background, SplatSettings s, ForwardState state, double[] gradImage)
    {
        int w = s.Width, h = s.Height, hw = w * h, n = opacity.Length, stride = 6 + channels;
        var perEntry = new double[bins.Entries.Length * stride];   // [entries, (μx, μy, A, B, C, o, colour…)]
        CpuParallel.For(s.TilesX * s.TilesY, s.TileSize * s.TileSize * 128L, (k0, k1) =>
        {
            var behind = new double[channels];
            for (int k = k0; k < k1; k++)
            {
                int tx = k % s.TilesX, ty = k / s.TilesX, e0 = bins.TileStart[k];
                for (int y = ty * s.TileSize; y < Math.Min(h, (ty + 1) * s.TileSize); y++)
                    for (int x = tx * s.TileSize; x < Math.Min(w, (tx + 1) * s.TileSize); x++)
                    {
                        int pixel = y * w + x;
                        double t = state.FinalTransmittance[pixel];
                        for (int c = 0; c < channels; c++) behind[c] = background[c];
                        for (int e = state.LastEntry[pixel]; e >= e0; e--)
                        {
                            int g = bins.Entries[e];
                            double raw = Alpha(bins, means, opacity, g, x + 0.5, y + 0.5, out double gauss, out double dx, out double dy);
                            double alpha = Math.Min(s.MaxAlpha, raw);
                            if (alpha < s.MinAlpha) continue;
                            t /= 1 - alpha;                                          // T_i from T_{i+1}
                            double gAlpha = 0;
                            int at = e * stride;
                            for (int c = 0; c < channels; c++)
                            {
                                double gc = gradImage[c * hw + pixel], col = colours[g * channels + c];
                                perEntry[at + 6 + c] += alpha * t * gc;
                                gAlpha += gc * t * (col - behind[c]);
                                behind[c] = alpha * col + (1 - alpha) * behind[c];
                            }
                            if (raw >= s.MaxAlpha) continue;                         // capped: α does not move with o or q
                            perEntry[at + 5] += gAlpha * gauss;                      // ∂α/∂o
                            double gq = -0.5 * raw * gAlpha;                         // ∂α/∂q = −α/2
                            double kA = bins.Conics[3 * g], kB = bins.Conics[3 * g + 1], kC = bins.Conics[3 * g + 2];
                            perEntry[at] += gq * -2 * (kA * dx + kB * dy);           // ∂q/∂μ = −2Kd
                            perEntry[at + 1] += gq * -2 * (kB * dx + kC * dy);
                            perEntry[at + 2] += gq * dx * dx;                        // ∂q/∂A, ∂q/∂B, ∂q/∂C
                            perEntry[at + 3] += gq * 2 * dx * dy;
                            perEntry[at + 4] += gq * dy * dy;
                        }
                    }
            }
        });
        var gMeans = new double[2 * n];
        var gConic = new double[3 * n];
        var gOpacity = new double[n];
        var gColours = new double[channels * n];
        for (int e = 0; e < bins.Entries.Length; e++)
        {
            int g = bins.Entries[e], at = e * stride;
            gMeans[2 * g] += perEntry[at];
            gMeans[2 * g + 1] += perEntry[at + 1];
            for (int j = 0; j < 3; j++) gConic[3 * g + j] += perEntry[at + 2 + j];
            gOpacity[g] += perEntry[at + 5];
            for (int c = 0; c < channels; c++) gColours[g * channels + c] += perEntry[at + 6 + c];
        }
        // from K = Σ′⁻¹ to Σ′: ∂L/∂Σ′ = −K G K with G the symmetric gradient [[gA, gB/2], [gB/2, gC]]
        var gCov = new double[3 * n];
        for (int g = 0; g < n; g++)
        {
            double kA = bins.Conics[3 * g], kB = bins.Conics[3 * g + 1], kC = bins.Conics[3 * g + 2];
            double gA = gConic[3 * g], gB = 0.5 * gConic[3 * g + 1], gC = gConic[3 * g + 2];
            // KG = [[kA gA + kB gB, kA gB + kB gC], [kB gA + kC gB, kB gB + kC gC]]; H = −(KG)K
            double m00 = kA * gA + kB * gB, m01 = kA * gB + kB * gC, m10 = kB * gA + kC * gB, m11 = kB * gB + kC * gC;
            double h00 = -(m00 * kA + m01 * kB), h01 = -(m00 * kB + m01 * kC), h11 = -(m10 * kB + m11 * kC);
            (gCov[3 * g], gCov[3 * g + 1], gCov[3 * g + 2]) = (h00, 2 * h01, h11);
        }
        return (gMeans, gCov, gOpacity, gColours);
    }

    /// <summary>
    /// The rasterizer as a differentiable op: means [N, 2] (pixels), covariances [N, 3] (a, b, c), opacities [N] in
    /// (0, 1), colours [N, C], depths [N] (sort keys, not differentiated) and the background [C] → the image [C, H, W].
    /// </summary>
    public static Tensor Render(Tensor means, Tensor cov, Tensor opacity, Tensor colours, double[] depth, double[] background, SplatSettings s)
    {
        int n = depth.Length;
        if (means.Rank != 2 || means.Shape[0] != n || means.Shape[1] != 2 || cov.Rank != 2 || cov.Shape[0] != n || cov.Shape[1] != 3
            || opacity.Rank != 1 || opacity.Shape[0] != n || colours.Rank != 2 || colours.Shape[0] != n || background.Length != colours.Shape[1])
            throw new ArgumentException($"SplatRasterizer.Render: expected means [N, 2], cov [N, 3], opacity [N], colours [N, C], background [C] for N = {n}; got {means.Shape}, {cov.Shape}, {opacity.Shape}, {colours.Shape}, [{background.Length}]");
        int channels = colours.Shape[1];
        double[] m = means.ToDoubleArray(), cv = cov.ToDoubleArray(), o = opacity.ToDoubleArray(), col = colours.ToDoubleArray();
        var bins = Bin(m, cv, depth, s);
        var (image, state) = Forward(bins, m, o, col, channels, background, s);
        var result = Tensor.FromArray(image, channels, s.Height, s.Width).To(colours.DType);
        return Autograd.Record(result, "splat_rasterize", [means, cov, opacity, colours], g =>
        {
            var (gm, gc, go, gcol) = Backward(bins, m, o, col, channels, background, s, state, g.ToDoubleArray());
            const string op = "splat_rasterize";
            return [VolumeRendering.FirstOrder(Tensor.FromArray(gm, n, 2).To(means.DType), op),
                    VolumeRendering.FirstOrder(Tensor.FromArray(gc, n, 3).To(cov.DType), op),
                    VolumeRendering.FirstOrder(Tensor.FromArray(go, n).To(opacity.DType), op),
                    VolumeRendering.FirstOrder(Tensor.FromArray(gcol, n, channels).To(colours.DType), op)];
        });
    }
}
