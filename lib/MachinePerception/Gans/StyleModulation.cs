using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// Adaptive instance normalisation, StyleGAN's style modulation (§5; Huang and Belongie 2017, Karras et al. 2019):
/// each channel of each image is normalised over its pixels and then scaled and shifted by the style,
/// <code>AdaIN(x, y_s, y_b)[n, c] = y_s[n, c] · (x[n, c] − μ_{n,c}) / √(σ²_{n,c} + ε) + y_b[n, c],</code>
/// μ, σ² the mean and variance of x[n, c, ·, ·]. The summary calls it "batchnorm with scale and mean from W"; the statistics
/// are per image and channel (instance norm), not over the batch, so one image's style does not leak into another's.
/// The normalisation erases the previous layer's per-channel scale, so each layer's style acts on its own.
/// </summary>
public static class AdaIn
{
    /// <summary>x [B, C, H, W], scale and bias [B, C] → [B, C, H, W].</summary>
    public static Tensor Apply(Tensor x, Tensor scale, Tensor bias, double epsilon = 1e-5)
    {
        if (x.Rank != 4 || scale.Rank != 2 || !scale.Shape.Equals(bias.Shape) || scale.Shape[0] != x.Shape[0] || scale.Shape[1] != x.Shape[1])
            throw new ArgumentException($"AdaIn.Apply: expected x [B, C, H, W] and scale, bias [B, C]; got x {x.Shape}, scale {scale.Shape}, bias {bias.Shape}");
        var mean = Op.Mean(x, [2, 3], keepDims: true);                          // [B, C, 1, 1]
        var centered = x - mean;
        var variance = Op.Mean(Op.Square(centered), [2, 3], keepDims: true);    // [B, C, 1, 1]
        var normalized = centered / Op.Sqrt(variance + epsilon);
        int b = x.Shape[0], c = x.Shape[1];
        return normalized * Op.Reshape(scale, b, c, 1, 1) + Op.Reshape(bias, b, c, 1, 1);
    }
}

/// <summary>
/// StyleGAN's mapping network f: z → w (§5): z is first normalised to unit mean square (pixel norm), then an MLP with
/// LeakyReLU(0.2) maps it into the intermediate latent space 𝒲, which need not follow the shape of the prior and so can
/// be "less entangled" than z. z [B, Z] → w [B, W].
/// </summary>
public sealed class MappingNetwork : Layer
{
    readonly Linear[] layers;
    public int LatentSize { get; }
    public int StyleSize { get; }

    public MappingNetwork(int latentSize, int styleSize, int depth, Rng rng, DType dtype = DType.Float32)
    {
        if (depth < 1) throw new ArgumentException($"MappingNetwork: depth {depth} must be ≥ 1");
        LatentSize = latentSize;
        StyleSize = styleSize;
        layers = new Linear[depth];
        for (int i = 0; i < depth; i++)
            layers[i] = RegisterModule($"fc{i}", new Linear(i == 0 ? latentSize : styleSize, styleSize, rng, dtype: dtype));
    }

    public override Tensor Forward(Tensor z)
    {
        if (z.Rank != 2 || z.Shape[1] != LatentSize)
            throw new ArgumentException($"MappingNetwork: expected z [B, {LatentSize}], got {z.Shape}");
        var h = z / Op.Sqrt(Op.Mean(Op.Square(z), 1, keepDims: true) + 1e-8);   // pixel norm
        foreach (var layer in layers) h = Op.LeakyRelu(layer.Forward(h), 0.2);
        return h;                                                                // [B, W]
    }
}

/// <summary>
/// One synthesis block of a style-based generator: (optional ×2 nearest upsampling) → 3×3 convolution → add per-pixel
/// noise scaled by a learned per-channel factor → LeakyReLU(0.2) → AdaIN with the style A(w) (a learned affine map of w
/// to a scale and a bias per channel, the scale centred on 1). x [B, Cin, H, W] → [B, Cout, H', W'].
/// </summary>
public sealed class StyleBlock : Module
{
    readonly Conv2d conv;
    readonly Linear affine;
    public bool Upsample { get; }
    public int Channels { get; }
    /// <summary>The learned per-channel strength B of the noise [Cout] (zero at initialisation, as in StyleGAN).</summary>
    public Tensor NoiseStrength => Parameter("noise_strength");

    public StyleBlock(int inChannels, int outChannels, int styleSize, bool upsample, Rng rng, DType dtype = DType.Float32)
    {
        Upsample = upsample;
        Channels = outChannels;
        conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, 3, rng, padding: 1, dtype: dtype));
        affine = RegisterModule("style", new Linear(styleSize, 2 * outChannels, rng, dtype: dtype));
        RegisterParameter("noise_strength", Init.Zeros([outChannels], dtype));
    }

    /// <summary>x [B, Cin, H, W], w [B, W], noise [B, 1, H', W'] (one noise image per sample, shared by the channels).</summary>
    public Tensor Forward(Tensor x, Tensor w, Tensor noise)
    {
        var h = Upsample ? Op.Upsample(x, 2) : x;
        h = conv.Forward(h);                                                     // [B, C, H', W']
        if (noise.Rank != 4 || noise.Shape[0] != h.Shape[0] || noise.Shape[1] != 1 || noise.Shape[2] != h.Shape[2] || noise.Shape[3] != h.Shape[3])
            throw new ArgumentException($"StyleBlock: noise must be [{h.Shape[0]}, 1, {h.Shape[2]}, {h.Shape[3]}], got {noise.Shape}");
        h = h + noise * Op.Reshape(NoiseStrength, 1, Channels, 1, 1);
        h = Op.LeakyRelu(h, 0.2);
        var style = affine.Forward(w);                                           // [B, 2C]
        var scale = Op.Slice(style, 1, 0, Channels) + 1;
        var bias = Op.Slice(style, 1, Channels, Channels);
        return AdaIn.Apply(h, scale, bias);
    }
}

/// <summary>
/// A small style-based generator for 28×28 images (§5, StyleGAN's ideas at small scale): a learned constant 7×7 input,
/// three <see cref="StyleBlock"/>s at 7×7, 14×14 and 28×28, each modulated by its own copy of w and given its own
/// noise image, and a 1×1 convolution to one grey channel with a sigmoid. Style mixing gives the blocks different w:
/// the coarse (7×7) block sets the global shape, the fine ones (28×28) the detail.
/// </summary>
public sealed class StyleGenerator : Layer
{
    public MappingNetwork Mapping { get; }
    readonly StyleBlock[] blocks;
    readonly Conv2d toImage;
    public int LatentSize => Mapping.LatentSize;
    public static readonly int[] Resolutions = [7, 14, 28];

    public StyleGenerator(int latentSize, int styleSize, int channels, Rng rng, int mappingDepth = 3, DType dtype = DType.Float32)
    {
        Mapping = RegisterModule("mapping", new MappingNetwork(latentSize, styleSize, mappingDepth, rng, dtype));
        RegisterParameter("constant", Init.Normal([1, channels, 7, 7], rng, 0, 1, dtype));
        blocks =
        [
            RegisterModule("block7", new StyleBlock(channels, channels, styleSize, upsample: false, rng, dtype)),
            RegisterModule("block14", new StyleBlock(channels, channels, styleSize, upsample: true, rng, dtype)),
            RegisterModule("block28", new StyleBlock(channels, channels / 2, styleSize, upsample: true, rng, dtype)),
        ];
        toImage = RegisterModule("to_image", new Conv2d(channels / 2, 1, 1, rng, dtype: dtype));
    }

    /// <summary>The blocks, coarse to fine.</summary>
    public IReadOnlyList<StyleBlock> Blocks => blocks;

    /// <summary>z [B, Z] → images [B, 1, 28, 28] with fresh noise from a generator seeded by the batch size (deterministic).</summary>
    public override Tensor Forward(Tensor z) => Synthesize(Mapping.Forward(z), new Rng((ulong)z.Shape[0] * 7919UL + 17));

    /// <summary>One w [B, W] for every block, noise drawn from <paramref name="noiseRng"/>.</summary>
    public Tensor Synthesize(Tensor w, Rng noiseRng) => Synthesize([w, w, w], Noise(w.Shape[0], noiseRng, w.DType));

    /// <summary>
    /// Per-block styles (coarse to fine, each [B, W]) and per-block noise images ([B, 1, r, r] for r = 7, 14, 28) →
    /// images [B, 1, 28, 28].
    /// </summary>
    public Tensor Synthesize(IReadOnlyList<Tensor> styles, IReadOnlyList<Tensor> noise)
    {
        if (styles.Count != blocks.Length || noise.Count != blocks.Length)
            throw new ArgumentException($"StyleGenerator.Synthesize: needs {blocks.Length} styles and {blocks.Length} noise images, got {styles.Count} and {noise.Count}");
        int b = styles[0].Shape[0];
        var constant = Parameter("constant");
        var h = Op.BroadcastTo(constant, new Shape(b, constant.Shape[1], 7, 7));  // [B, C, 7, 7]
        for (int i = 0; i < blocks.Length; i++) h = blocks[i].Forward(h, styles[i], noise[i]);
        return Op.Sigmoid(toImage.Forward(h));                                  // [B, 1, 28, 28]
    }

    /// <summary>Standard normal noise images for the three blocks: [B, 1, 7, 7], [B, 1, 14, 14], [B, 1, 28, 28].</summary>
    public static Tensor[] Noise(int batch, Rng rng, DType dtype = DType.Float32) =>
        Resolutions.Select(r => rng.Normal([batch, 1, r, r], dtype: dtype)).ToArray();
}
