using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// Image domains made from MNIST digits for image translation (§5.2): the edge map of a digit (Pix2Pix's "sketch" X, paired
/// with the digit Y), and thick digits (CycleGAN's domain Y; X is the digits as written). All are built from
/// grey-scale morphology with 3×3 windows on images [B, 1, H, W] in [0, 1]:
/// dilation = 3×3 max, erosion = 3×3 min (= −max of −x), and the morphological gradient dilation − erosion, which is large
/// exactly on the stroke's borders.
/// </summary>
public static class DigitDomains
{
    /// <summary>Grey-scale dilation: the 3×3 maximum around each pixel (strokes grow by one pixel on each side).</summary>
    public static Tensor Dilate(Tensor images)
    {
        Check("Dilate", images);
        using var _ = Autograd.NoGrad();
        return Op.MaxPool2d(images.Detach(), 3, 1, 1);
    }

    /// <summary>Grey-scale erosion: the 3×3 minimum around each pixel (strokes shrink by one pixel on each side).</summary>
    public static Tensor Erode(Tensor images)
    {
        Check("Erode", images);
        using var _ = Autograd.NoGrad();
        return -Op.MaxPool2d(-images.Detach(), 3, 1, 1);
    }

    /// <summary>Edge maps: the morphological gradient dilate − erode, thresholded at <paramref name="threshold"/> to {0, 1}.</summary>
    public static Tensor Edges(Tensor images, double threshold = 0.5)
    {
        var gradient = Dilate(images) - Erode(images);
        return Op.Greater(gradient, Tensor.FullLike(gradient, threshold)).To(images.DType);
    }

    /// <summary>
    /// Thick digits: one dilation of the sharpened digit (pixels ≥ 0.5 set to 1 first), about twice the ink. (An erosion
    /// would make thin digits, but MNIST strokes are only 2–3 pixels wide and break apart.)
    /// </summary>
    public static Tensor Thick(Tensor images) => Dilate(Sharpen(images));

    // pixels of the stroke's core to 1, the faint anti-aliased rim kept as it is
    static Tensor Sharpen(Tensor images) => Op.Maximum(images.Detach(), Op.Greater(images.Detach(), Tensor.FullLike(images, 0.5)).To(images.DType));

    /// <summary>The mean pixel value per image [B] (how much ink: thick digits have about twice a thin one's).</summary>
    public static double[] Ink(Tensor images)
    {
        Check("Ink", images);
        return Op.Mean(images.Detach(), [1, 2, 3]).ToDoubleArray();
    }

    static void Check(string op, Tensor images)
    {
        if (images.Rank != 4 || images.Shape[1] != 1)
            throw new ArgumentException($"DigitDomains.{op}: expected grey images [B, 1, H, W], got {images.Shape}");
    }
}
