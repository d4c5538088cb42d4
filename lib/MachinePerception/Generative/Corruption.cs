using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// The corruptions an overcomplete autoencoder learns to undo (§1: "overcomplete is for denoising, inpainting"). The
/// network sees the corrupted image and is trained towards the clean one, so copying its input is no longer the
/// best it can do. Both draw from the caller's seeded <see cref="Rng"/>.
/// </summary>
public static class Corruption
{
    /// <summary>Denoising: x + σ ε with ε ~ N(0, I), clipped back to the pixel range [0, 1].</summary>
    public static Tensor GaussianNoise(Tensor images, double sigma, Rng rng)
    {
        if (!(sigma >= 0)) throw new ArgumentException($"Corruption.GaussianNoise: σ must be ≥ 0, got {sigma} (images {images.Shape})");
        return Op.Clamp(images.Detach() + rng.Normal(images.Shape, 0, sigma, images.DType), 0, 1);
    }

    /// <summary>
    /// Inpainting: in every image [N, C, H, W] a <paramref name="side"/>×<paramref name="side"/> square at a random
    /// position is set to <paramref name="fill"/>. Returns the corrupted images and the mask (1 where pixels were
    /// removed, same shape), so errors can be measured inside the hole.
    /// </summary>
    public static (Tensor Corrupted, Tensor Mask) RemoveSquare(Tensor images, int side, Rng rng, double fill = 0)
    {
        if (images.Rank != 4)
            throw new ArgumentException($"Corruption.RemoveSquare: expected images [N, C, H, W], got {images.Shape}");
        int n = images.Shape[0], c = images.Shape[1], h = images.Shape[2], w = images.Shape[3];
        if (side < 1 || side > h || side > w)
            throw new ArgumentException($"Corruption.RemoveSquare: a {side}×{side} square does not fit into {h}×{w} images ({images.Shape})");
        var x = images.ToDoubleArray();
        var mask = new double[x.Length];
        for (int i = 0; i < n; i++)
        {
            int top = rng.NextInt(h - side + 1), left = rng.NextInt(w - side + 1);
            for (int ch = 0; ch < c; ch++)
                for (int y = top; y < top + side; y++)
                    for (int xx = left; xx < left + side; xx++)
                    {
                        int at = ((i * c + ch) * h + y) * w + xx;
                        x[at] = fill;
                        mask[at] = 1;
                    }
        }
        return (Tensor.FromArray(x, images.Shape.ToArray()).To(images.DType), Tensor.FromArray(mask, images.Shape.ToArray()).To(images.DType));
    }
}
