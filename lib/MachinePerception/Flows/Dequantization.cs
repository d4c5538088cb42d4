using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// Flows are densities over real numbers, but pixels take 256 discrete values. Uniform dequantization
/// (Theis, van den Oord and Bethge 2016) adds u ~ U[0, 1) to each pixel value b ∈ {0, …, 255} and rescales:
/// y = (b + u)/256 ∈ [0, 1). For the discrete model P(b) = ∫_{[0,1)^D} p_y((b + u)/256)·256^{−D} du, Jensen gives
///     log P(b) ≥ E_u[log p_y(y)] − D log 256,
/// so the continuous log-density must be corrected by −log 256 per pixel before it is compared with discrete models.
/// Bits per dimension: −(log P(b)) / (D ln 2).
/// </summary>
public static class Dequantization
{
    /// <summary>The number of pixel levels, 256.</summary>
    public const int Levels = 256;

    /// <summary>Pixel values in [0, 1] (stored as b/255) → y = (b + u)/256 with u ~ U[0, 1) per pixel.</summary>
    public static Tensor Uniform(Tensor images, Rng rng)
    {
        var x = images.ToDoubleArray();
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
            y[i] = (PixelLevel(x[i]) + rng.NextDouble()) / Levels;
        return Tensor.FromArray(y, images.Shape.ToArray()).To(images.DType);
    }

    /// <summary>The discrete level b = round(255·x) ∈ {0, …, 255} of a pixel value x ∈ [0, 1].</summary>
    public static int PixelLevel(double x)
    {
        if (!(x >= -1e-6 && x <= 1 + 1e-6)) throw new ArgumentException($"Dequantization: pixel value {x} is outside [0, 1]");
        return (int)Math.Round(255 * Math.Clamp(x, 0, 1));
    }

    /// <summary>
    /// Bits per dimension of the discrete data from the mean continuous log-density of dequantized images:
    /// −(mean log p_y − D log 256)/(D ln 2).
    /// </summary>
    public static double BitsPerDim(double meanLogDensity, int dimensions) =>
        -(meanLogDensity - dimensions * Math.Log(Levels)) / (dimensions * Math.Log(2));

    /// <summary>
    /// The mean of log p_y over a set of images in batches without gradients, each image dequantized once with
    /// <paramref name="rng"/> — an unbiased estimate of E_u[log p_y] averaged over the images.
    /// </summary>
    public static double MeanLogDensity(Func<Tensor, Tensor> logProb, Tensor images, Rng rng, int batchSize = 250) =>
        MeanLogDensity((y, _) => logProb(y), images, rng, batchSize);

    /// <summary>The same for a conditional model: <paramref name="logProb"/>(y, x) also sees the original batch x (e.g. to make its low-resolution version).</summary>
    public static double MeanLogDensity(Func<Tensor, Tensor, Tensor> logProb, Tensor images, Rng rng, int batchSize = 250)
    {
        using var _ = Autodiff.Autograd.NoGrad();
        double total = 0;
        int n = images.Shape[0];
        for (int start = 0; start < n; start += batchSize)
        {
            int len = Math.Min(batchSize, n - start);
            var x = Op.Slice(images, 0, start, len);
            total += Op.Sum(logProb(Uniform(x, rng), x)).Item();
        }
        return total / n;
    }
}
