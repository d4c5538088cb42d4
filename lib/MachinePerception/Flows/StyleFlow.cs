using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// StyleFlow at small scale (Abdal et al. 2021; §4). StyleFlow takes a trained generator (StyleGAN) and replaces the
/// network that maps noise z to the generator's auxiliary latent w by a normalizing flow conditioned on attributes a:
/// w = f(z | a). Because f is invertible, an existing image can be edited: encode its w to z = f⁻¹(w | a) under its
/// own attributes, then decode the same z under new attributes, w′ = f(z | a′) — z keeps what the attributes do not
/// describe (the "style"). Here the generator is a VAE's decoder (chapter 02), w its latent code, and f a
/// conditional <see cref="RealNvp"/> over codes.
/// </summary>
public sealed class StyleFlow : Module
{
    public RealNvp Flow { get; }

    public StyleFlow(int latentSize, int attributes, int couplings, int hidden, Rng rng, DType dtype = DType.Float32)
    {
        Flow = RegisterModule("flow", new RealNvp(latentSize, couplings, hidden, rng, conditionFeatures: attributes, actNorm: true,
            mixing: true, dtype: dtype));
    }

    /// <summary>log p(w | a) per code [B].</summary>
    public Tensor LogProb(Tensor codes, Tensor attributes) => Flow.LogProb(codes, attributes);

    /// <summary>w′ = f(f⁻¹(w | a) | a′): the codes with their attributes changed from a to a′.</summary>
    public Tensor Edit(Tensor codes, Tensor attributes, Tensor newAttributes)
    {
        var (z, _) = Flow.Encode(codes, attributes);
        return Flow.Decode(z, newAttributes);
    }

    /// <summary>
    /// Attributes of digit images [B, 1, H, W] (or [B, D]): the class as one-hot (10) followed by the stroke's ink,
    /// the mean pixel value standardised with the given mean and standard deviation (a stand-in for stroke width).
    /// </summary>
    public static Tensor DigitAttributes(int[] labels, double[] ink, double inkMean, double inkStd)
    {
        if (labels.Length != ink.Length) throw new ArgumentException($"StyleFlow.DigitAttributes: {labels.Length} labels for {ink.Length} ink values");
        var a = new double[labels.Length * 11];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is < 0 or > 9) throw new ArgumentException($"StyleFlow.DigitAttributes: label {labels[i]} is not a digit");
            a[i * 11 + labels[i]] = 1;
            a[i * 11 + 10] = (ink[i] - inkMean) / inkStd;
        }
        return Tensor.FromArray(a, labels.Length, 11).To(DType.Float32);
    }

    /// <summary>The mean pixel value of each image, a simple measure of how thick the strokes are.</summary>
    public static double[] Ink(Tensor images) => Op.Mean(Op.Reshape(images, images.Shape[0], -1), 1).ToDoubleArray();
}
