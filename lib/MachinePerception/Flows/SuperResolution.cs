using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// The yardsticks of the super-resolution demo (§4, SRFlow): the 2×2 average that makes a low-resolution image,
/// bicubic upsampling (the classical baseline), PSNR, and the diversity of several samples.
/// </summary>
public static class SuperResolution
{
    /// <summary>x [B, C, H, W] → the mean of each 2×2 block, [B, C, H/2, W/2].</summary>
    public static Tensor Downsample(Tensor images) => Op.AvgPool2d(images, 2);

    /// <summary>
    /// Bicubic upsampling by an integer factor (Keys' cubic convolution kernel with a = −½, half-pixel centres: output
    /// pixel i samples the input at (i + ½)/factor − ½, borders repeated), in plain loops. [B, C, h, w] → [B, C, h·f, w·f].
    /// </summary>
    public static Tensor Bicubic(Tensor images, int factor)
    {
        if (images.Rank != 4 || factor < 1) throw new ArgumentException($"SuperResolution.Bicubic: expected [B, C, H, W] and factor ≥ 1, got {images.Shape}, {factor}");
        int b = images.Shape[0], c = images.Shape[1], h = images.Shape[2], w = images.Shape[3], hh = h * factor, ww = w * factor;
        var x = images.ToDoubleArray();
        var y = new double[b * c * hh * ww];
        static double Kernel(double t)
        {
            t = Math.Abs(t);
            const double a = -0.5;
            return t <= 1 ? (a + 2) * t * t * t - (a + 3) * t * t + 1 : t < 2 ? a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a : 0;
        }
        for (int plane = 0; plane < b * c; plane++)
            for (int i = 0; i < hh; i++)
            {
                double si = (i + 0.5) / factor - 0.5;
                int i0 = (int)Math.Floor(si);
                for (int j = 0; j < ww; j++)
                {
                    double sj = (j + 0.5) / factor - 0.5, sum = 0;
                    int j0 = (int)Math.Floor(sj);
                    for (int m = -1; m <= 2; m++)
                        for (int n = -1; n <= 2; n++)
                        {
                            int r = Math.Clamp(i0 + m, 0, h - 1), q = Math.Clamp(j0 + n, 0, w - 1);
                            sum += Kernel(si - (i0 + m)) * Kernel(sj - (j0 + n)) * x[(plane * h + r) * w + q];
                        }
                    y[(plane * hh + i) * ww + j] = sum;
                }
            }
        return Tensor.FromArray(y, b, c, hh, ww).To(images.DType);
    }

    /// <summary>Peak signal-to-noise ratio 10 log₁₀(1/MSE) in dB for images in [0, 1] (predictions clamped to [0, 1]).</summary>
    public static double Psnr(Tensor prediction, Tensor target)
    {
        if (!prediction.Shape.Equals(target.Shape)) throw new ArgumentException($"SuperResolution.Psnr: shapes differ, {prediction.Shape} vs {target.Shape}");
        double mse = Op.Mean(Op.Square(Op.Clamp(prediction, 0, 1) - target)).Item();
        return 10 * Math.Log10(1 / mse);
    }

    /// <summary>The mean over pixels of the standard deviation across samples: samples [B·k, ...] grouped k per input.</summary>
    public static double Diversity(Tensor samples, int perInput)
    {
        int n = samples.Shape[0] / perInput;
        var grouped = Op.Reshape(samples, n, perInput, samples.Size / samples.Shape[0]);
        return Op.Mean(Op.Std(grouped, 1)).Item();
    }
}
