using System.Text.Json.Nodes;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The sizes of a <see cref="UNet"/>: image channels, the channels at full, half and quarter resolution, the sizes of
/// the step embedding, the group count of GroupNorm, and the number of classes (0: unconditional).
/// </summary>
public sealed record UNetConfig(int ImageChannels = 1, int Channels1 = 16, int Channels2 = 32, int Channels3 = 64,
    int TimeFeatures = 32, int EmbeddingSize = 64, int Groups = 8, int Classes = 0)
{
    /// <summary>The sizes as JSON (a checkpoint's configuration).</summary>
    public JsonObject ToJson() => new()
    {
        ["image_channels"] = ImageChannels, ["channels"] = new JsonArray(Channels1, Channels2, Channels3),
        ["time_features"] = TimeFeatures, ["embedding"] = EmbeddingSize, ["groups"] = Groups, ["classes"] = Classes,
    };
}

/// <summary>What the U-Net's contracting half hands to its expanding half: the skips at full and half resolution and the bottleneck.</summary>
public sealed record UNetFeatures(Tensor Skip1, Tensor Skip2, Tensor Middle)
{
    /// <summary>Each feature plus a residual (ControlNet adds its zero-convolved features this way).</summary>
    public UNetFeatures Plus(UNetFeatures r) => new(Skip1 + r.Skip1, Skip2 + r.Skip2, Middle + r.Middle);
}

/// <summary>
/// A small U-Net noise predictor ε_θ(x_t, t, y) for images (§6; Ronneberger et al. 2015, as used by Ho et al. 2020):
/// a contracting path (residual blocks, stride-2 convolutions: H → H/2 → H/4) and an expanding path (nearest-neighbour
/// upsampling, residual blocks) joined by skip connections that concatenate the features of the same resolution, so
/// fine detail does not have to pass through the bottleneck. The step t enters through a <see cref="TimeEmbedding"/>
/// added inside every <see cref="ResidualBlock"/>; a class label (optional) adds a learned vector to that embedding, with
/// one extra row for "no label" (<see cref="NoisePredictor.NullLabel"/>, classifier-free guidance §6.1).
/// x [B, C, H, W] (H, W multiples of 4) → ε̂ [B, C, H, W].
/// </summary>
public sealed class UNet : Module, INoisePredictor
{
    public UNetConfig Config { get; }
    readonly TimeEmbedding time;
    readonly Embedding? classes;
    readonly Conv2d input, downsample1, downsample2, output;
    readonly ResidualBlock down1, down2, middle, up2, up1;
    readonly GroupNorm outputNorm;

    public UNet(UNetConfig config, Rng rng, DType dtype = DType.Float32)
    {
        Config = config;
        var (c1, c2, c3, e, g) = (config.Channels1, config.Channels2, config.Channels3, config.EmbeddingSize, config.Groups);
        if (config.ImageChannels <= 0 || c1 <= 0 || c2 <= 0 || c3 <= 0 || config.Classes < 0)
            throw new ArgumentException($"UNet: sizes must be positive, got {config}");
        time = RegisterModule("time", new TimeEmbedding(config.TimeFeatures, e, rng, dtype));
        if (config.Classes > 0) classes = RegisterModule("classes", new Embedding(config.Classes + 1, e, rng, dtype));
        input = RegisterModule("input", new Conv2d(config.ImageChannels, c1, 3, rng, padding: 1, dtype: dtype));
        down1 = RegisterModule("down1", new ResidualBlock(c1, c1, e, g, rng, dtype));
        downsample1 = RegisterModule("downsample1", new Conv2d(c1, c1, 3, rng, stride: 2, padding: 1, dtype: dtype));
        down2 = RegisterModule("down2", new ResidualBlock(c1, c2, e, g, rng, dtype));
        downsample2 = RegisterModule("downsample2", new Conv2d(c2, c2, 3, rng, stride: 2, padding: 1, dtype: dtype));
        middle = RegisterModule("middle", new ResidualBlock(c2, c3, e, g, rng, dtype));
        up2 = RegisterModule("up2", new ResidualBlock(c3 + c2, c2, e, g, rng, dtype));
        up1 = RegisterModule("up1", new ResidualBlock(c2 + c1, c1, e, g, rng, dtype));
        outputNorm = RegisterModule("outputNorm", new GroupNorm(g, c1, dtype: dtype));
        output = RegisterModule("output", new Conv2d(c1, config.ImageChannels, 3, rng, padding: 1, dtype: dtype));
    }

    /// <summary>The step embedding plus, for a conditional U-Net, the label's vector: [B, E].</summary>
    public Tensor Embed(IReadOnlyList<double> t, int[]? labels)
    {
        var e = time.Forward(t);
        if (classes is null)
        {
            if (labels is not null && labels.Any(l => l != NoisePredictor.NullLabel))
                throw new ArgumentException("UNet: labels given to an unconditional U-Net (Classes = 0)");
            return e;
        }
        var rows = new int[t.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            int label = labels?[i] ?? NoisePredictor.NullLabel;
            if (label != NoisePredictor.NullLabel && (label < 0 || label >= Config.Classes))
                throw new ArgumentException($"UNet: label {label} at position {i} is not in 0..{Config.Classes - 1} or NullLabel");
            rows[i] = label == NoisePredictor.NullLabel ? Config.Classes : label;
        }
        return e + classes.Forward(rows);
    }

    /// <summary>
    /// The contracting path: x [B, C, H, W] → skips [B, c1, H, W], [B, c2, H/2, W/2] and bottleneck [B, c3, H/4, W/4].
    /// <paramref name="inputResidual"/> [B, c1, H, W] is added after the first convolution (ControlNet's control input).
    /// </summary>
    public UNetFeatures Encode(Tensor x, Tensor embedding, Tensor? inputResidual = null)
    {
        if (x.Rank != 4 || x.Shape[1] != Config.ImageChannels || x.Shape[2] % 4 != 0 || x.Shape[3] % 4 != 0)
            throw new ArgumentException($"UNet: expected x [B, {Config.ImageChannels}, H, W] with H, W multiples of 4, got {x.Shape}");
        var h = input.Forward(x);                                                     // [B, c1, H, W]
        if (inputResidual is not null) h = h + inputResidual;
        var skip1 = down1.Forward(h, embedding);                                      // [B, c1, H, W]
        var skip2 = down2.Forward(downsample1.Forward(skip1), embedding);            // [B, c2, H/2, W/2]
        var bottom = middle.Forward(downsample2.Forward(skip2), embedding);          // [B, c3, H/4, W/4]
        return new UNetFeatures(skip1, skip2, bottom);
    }

    /// <summary>The expanding path: features → ε̂ [B, C, H, W].</summary>
    public Tensor Decode(UNetFeatures f, Tensor embedding)
    {
        var h = Op.Upsample(f.Middle, 2);                                             // [B, c3, H/2, W/2]
        h = up2.Forward(Op.Concat([h, f.Skip2], 1), embedding);                       // [B, c2, H/2, W/2]
        h = Op.Upsample(h, 2);                                                        // [B, c2, H, W]
        h = up1.Forward(Op.Concat([h, f.Skip1], 1), embedding);                       // [B, c1, H, W]
        return output.Forward(Op.Relu(outputNorm.Forward(h)));                        // [B, C, H, W]
    }

    public Tensor PredictNoise(Tensor xt, IReadOnlyList<double> t, int[]? labels = null)
    {
        NoisePredictor.CheckBatch("UNet", xt, t, labels);
        var e = Embed(t, labels);
        return Decode(Encode(xt, e), e);
    }

    public override string ToString() =>
        $"UNet(channels {Config.Channels1}/{Config.Channels2}/{Config.Channels3}, embedding {Config.EmbeddingSize}, classes {Config.Classes}, {ParameterCount:N0} parameters)";
}
