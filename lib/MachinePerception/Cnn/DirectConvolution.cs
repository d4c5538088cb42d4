using MachinePerception.Backends;

namespace MachinePerception.Cnn;

/// <summary>
/// The course's definitions of §11 written as plain loops over 2-D arrays, as an independent reference for the
/// im2col + GEMM path of <c>Op.Conv2d</c>: correlation I′(i, j) = Σ_{m,n} K(m, n) I(i + m, j + n), convolution
/// = correlation with the kernel rotated by 180°, and single-window max pooling. "Valid" positions only (the
/// kernel lies inside the image), output (H − KH + 1) × (W − KW + 1).
/// </summary>
public static class DirectConvolution
{
    /// <summary>ROT180(K): K flipped upside down and left to right, ROT180(K)(m, n) = K(KH−1−m, KW−1−n).</summary>
    public static double[,] Rot180(double[,] k)
    {
        int h = k.GetLength(0), w = k.GetLength(1);
        var r = new double[h, w];
        for (int m = 0; m < h; m++)
            for (int n = 0; n < w; n++)
                r[m, n] = k[h - 1 - m, w - 1 - n];
        return r;
    }

    /// <summary>Valid correlation: I′(i, j) = Σ_{m,n} K(m, n) I(i + m, j + n) (the kernel is not flipped).</summary>
    public static double[,] Correlate(double[,] image, double[,] kernel)
    {
        int h = image.GetLength(0), w = image.GetLength(1), kh = kernel.GetLength(0), kw = kernel.GetLength(1);
        if (kh > h || kw > w)
            throw new ArgumentException($"DirectConvolution.Correlate: kernel {kh}×{kw} larger than image {h}×{w}");
        var y = new double[h - kh + 1, w - kw + 1];
        for (int i = 0; i <= h - kh; i++)
            for (int j = 0; j <= w - kw; j++)
            {
                double s = 0;
                for (int m = 0; m < kh; m++)
                    for (int n = 0; n < kw; n++)
                        s += kernel[m, n] * image[i + m, j + n];
                y[i, j] = s;
            }
        return y;
    }

    /// <summary>Valid convolution: the correlation with ROT180(K), i.e. I′(i, j) = Σ_{m,n} K(−m, −n) I(i + m, j + n) with centred indices.</summary>
    public static double[,] Convolve(double[,] image, double[,] kernel) => Correlate(image, Rot180(kernel));

    /// <summary>Full convolution (zero padding KH−1, KW−1 on every side): output (H + KH − 1) × (W + KW − 1).</summary>
    public static double[,] ConvolveFull(double[,] image, double[,] kernel)
    {
        int h = image.GetLength(0), w = image.GetLength(1), kh = kernel.GetLength(0), kw = kernel.GetLength(1);
        var padded = new double[h + 2 * (kh - 1), w + 2 * (kw - 1)];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
                padded[i + kh - 1, j + kw - 1] = image[i, j];
        return Convolve(padded, kernel);
    }

    /// <summary>The output length ⌊(in + 2·pad − dil·(kern − 1) − 1) / stride⌋ + 1 of a convolution or pooling window (§11).</summary>
    public static int OutputSize(int input, int kernel, int stride = 1, int padding = 0, int dilation = 1)
    {
        int span = input + 2 * padding - dilation * (kernel - 1) - 1;
        if (stride < 1 || span < 0 || kernel < 1 || dilation < 1 || padding < 0)
            throw new ArgumentException($"DirectConvolution.OutputSize: no output for in {input}, pad {padding}, dil {dilation}, kern {kernel}, stride {stride}");
        return ConvGeometry.OutputSize(input, kernel, stride, padding, dilation);
    }

    /// <summary>
    /// The output length (in − 1)·stride − 2·pad + dil·(kern − 1) + outputPadding + 1 of a transposed convolution (§11):
    /// the length that a convolution with the same settings maps back to <paramref name="input"/>.
    /// </summary>
    public static int TransposedOutputSize(int input, int kernel, int stride = 1, int padding = 0, int outputPadding = 0, int dilation = 1)
    {
        int size = ConvGeometry.TransposedOutputSize(input, kernel, stride, padding, outputPadding, dilation);
        if (input < 1 || stride < 1 || kernel < 1 || dilation < 1 || padding < 0 || outputPadding < 0 || outputPadding >= stride || size < 1)
            throw new ArgumentException($"DirectConvolution.TransposedOutputSize: no output for in {input}, kern {kernel}, stride {stride}, pad {padding}, " +
                $"output padding {outputPadding} (must be in [0, stride)), dil {dilation}");
        return size;
    }

    /// <summary>
    /// The number of window positions along one axis, counted one by one: the window starts at −pad, −pad + stride, …
    /// and counts while its last tap, start + dil·(kern − 1), still lies inside the padded input. An independent check
    /// of <see cref="OutputSize"/>'s formula.
    /// </summary>
    public static int CountWindowPositions(int input, int kernel, int stride = 1, int padding = 0, int dilation = 1)
    {
        int count = 0;
        for (int start = -padding; start + dilation * (kernel - 1) <= input - 1 + padding; start += stride) count++;
        return count;
    }
}
