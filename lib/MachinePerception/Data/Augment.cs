using MachinePerception.Tensors;

namespace MachinePerception.Data;

/// <summary>
/// Data augmentation: label-preserving random changes of the training images, drawn afresh for every mini-batch,
/// so the network sees more variation than the dataset holds (§11, the CNN on Fashion-MNIST). Only the CPU float32
/// and float64 images of a data loader are handled; the result is a new tensor outside any autodiff graph.
/// </summary>
public static class Augment
{
    /// <summary>
    /// Mirrors each image of [N, C, H, W] left to right with probability <paramref name="p"/> (one draw per image, in
    /// order, from <paramref name="rng"/>). A shirt or a shoe mirrored is still a shirt or a shoe; a digit is not, so
    /// this is for Fashion-MNIST-like data only.
    /// </summary>
    public static Tensor RandomHorizontalFlip(Tensor images, Rng rng, double p = 0.5)
    {
        if (images.Rank != 4)
            throw new ArgumentException($"Augment.RandomHorizontalFlip: images must be [N, C, H, W], got {images.Shape}");
        if (!(p >= 0 && p <= 1))
            throw new ArgumentException($"Augment.RandomHorizontalFlip: p = {p} must lie in [0, 1]");
        var flip = new bool[images.Shape[0]];
        for (int i = 0; i < flip.Length; i++) flip[i] = rng.NextDouble() < p;
        return HorizontalFlip(images, flip);
    }

    /// <summary>Mirrors left to right the images i of [N, C, H, W] with <paramref name="flip"/>[i] set; the others are copied.</summary>
    public static Tensor HorizontalFlip(Tensor images, bool[] flip)
    {
        if (images.Rank != 4 || flip.Length != images.Shape[0])
            throw new ArgumentException($"Augment.HorizontalFlip: images must be [N, C, H, W] with one flag per image, got {images.Shape} and {flip.Length} flags");
        var result = images.Detach().Clone();
        if (result.DType == DType.Float32) FlipRows(result.AsSpan<float>(), images.Shape, flip);
        else FlipRows(result.AsSpan<double>(), images.Shape, flip);
        return result;
    }

    // an image is C·H rows of W pixels; mirroring it reverses every row in place
    static void FlipRows<T>(Span<T> data, Shape shape, bool[] flip)
    {
        int w = shape[3], rowsPerImage = shape[1] * shape[2];
        for (int i = 0; i < flip.Length; i++)
            if (flip[i])
                for (int r = 0; r < rowsPerImage; r++)
                    data.Slice((i * rowsPerImage + r) * w, w).Reverse();
    }
}
