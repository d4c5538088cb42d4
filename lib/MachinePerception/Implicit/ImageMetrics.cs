using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>Image quality for renderings with values in [0, 1] (§8: NeRF and Gaussian splatting are judged by PSNR on held-out views).</summary>
public static class ImageMetrics
{
    /// <summary>Mean squared error over all entries of two images of one shape.</summary>
    public static double Mse(Tensor a, Tensor b)
    {
        if (!a.Shape.Equals(b.Shape)) throw new ArgumentException($"ImageMetrics.Mse: shapes {a.Shape} and {b.Shape} differ");
        var x = a.ToDoubleArray();
        var y = b.ToDoubleArray();
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (x[i] - y[i]) * (x[i] - y[i]);
        return s / x.Length;
    }

    /// <summary>Peak signal-to-noise ratio for a peak of 1: PSNR = −10 log₁₀ MSE, in dB (each halving of the error adds ≈ 3 dB).</summary>
    public static double Psnr(Tensor a, Tensor b) => PsnrFromMse(Mse(a, b));

    public static double PsnrFromMse(double mse) => -10 * Math.Log10(mse);

    /// <summary>The mean PSNR over pairs of images (the usual way a set of held-out views is summarised).</summary>
    public static double MeanPsnr(IReadOnlyList<Tensor> renders, IReadOnlyList<Tensor> truths)
    {
        if (renders.Count != truths.Count || renders.Count == 0) throw new ArgumentException($"ImageMetrics.MeanPsnr: {renders.Count} renders for {truths.Count} images");
        return renders.Zip(truths, Psnr).Average();
    }
}
