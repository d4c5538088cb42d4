using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// Edge maps of images, the control signal of the chapter's ControlNet (§6.1; ControlNet's "Canny edges" in miniature):
/// the Sobel gradient magnitude of each image, thresholded, as {0, 1} pixels. And the Dice overlap of two edge maps,
/// 2|A ∩ B|/(|A| + |B|), which measures how well a generated image follows its control.
/// </summary>
public static class EdgeMap
{
    /// <summary>Edges of images [N, 1, H, W] in [0, 1]: 1 where the Sobel magnitude exceeds <paramref name="threshold"/>.</summary>
    public static Tensor Of(Tensor images, double threshold = 1.0)
    {
        if (images.Rank != 4 || images.Shape[1] != 1)
            throw new ArgumentException($"EdgeMap.Of: expected images [N, 1, H, W], got {images.Shape}");
        int n = images.Shape[0], h = images.Shape[2], w = images.Shape[3];
        var x = images.ToDoubleArray();
        var edges = new float[x.Length];
        double At(int k, int i, int j) => i < 0 || j < 0 || i >= h || j >= w ? 0 : x[(k * h + i) * w + j];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    double gx = At(k, i - 1, j + 1) + 2 * At(k, i, j + 1) + At(k, i + 1, j + 1) - At(k, i - 1, j - 1) - 2 * At(k, i, j - 1) - At(k, i + 1, j - 1);
                    double gy = At(k, i + 1, j - 1) + 2 * At(k, i + 1, j) + At(k, i + 1, j + 1) - At(k, i - 1, j - 1) - 2 * At(k, i - 1, j) - At(k, i - 1, j + 1);
                    edges[(k * h + i) * w + j] = Math.Sqrt(gx * gx + gy * gy) > threshold ? 1 : 0;
                }
        return Tensor.FromArray(edges, n, 1, h, w);
    }

    /// <summary>The Dice overlap of each pair of {0, 1} maps [N, 1, H, W] (1 when both are empty).</summary>
    public static double[] Dice(Tensor a, Tensor b)
    {
        if (!a.Shape.Equals(b.Shape)) throw new ArgumentException($"EdgeMap.Dice: shapes {a.Shape} and {b.Shape} differ");
        int n = a.Shape[0], size = a.Size / n;
        double[] pa = a.ToDoubleArray(), pb = b.ToDoubleArray();
        var dice = new double[n];
        for (int k = 0; k < n; k++)
        {
            double both = 0, sum = 0;
            for (int i = k * size; i < (k + 1) * size; i++) { both += pa[i] * pb[i]; sum += pa[i] + pb[i]; }
            dice[k] = sum == 0 ? 1 : 2 * both / sum;
        }
        return dice;
    }
}
