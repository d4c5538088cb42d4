using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// Glow (Kingma and Dhariwal 2018; §4): a multi-scale flow over images with L levels of K steps each. A step of flow
/// is ActNorm → invertible 1×1 convolution → affine coupling. Each level first squeezes (2×2 pixels → 4 channels),
/// then runs its K steps, then — except at the last level — splits off half of the channels as a finished latent
/// with a learned conditional prior:
///     x → [squeeze → step × K → split] × (L − 1) → squeeze → step × K → z_L ~ N(0, I).
/// Early levels thus model fine detail at high resolution with few channels, late levels coarse structure with many.
/// log p(x) = Σ_l log p(z_l | h_l) + log N(z_L; 0, I) + Σ (log-determinants of every step). Images [B, C, H, W]
/// with H and W divisible by 2^L, pixel values y ∈ [0, 1) (dequantized). Before the first squeeze they are centred
/// (y − ½, log|det| = 0) or, with <c>logitAlpha</c> &gt; 0, passed through RealNVP's <see cref="LogitTransform"/>.
/// With <c>conditionChannels</c> &gt; 0 the flow is conditional (SRFlow, §4): every level receives a feature map u_l of
/// its own resolution, which each step's coupling sees beside x^B and, with <c>affineInjector</c>, an
/// <see cref="AffineInjector"/> between the 1×1 convolution and the coupling uses.
/// </summary>
public sealed class Glow : Module
{
    readonly List<FlowSequence> levelFlows = [];
    readonly List<ChannelSplit> splits = [];

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Levels { get; }
    public int Steps { get; }
    public int Hidden { get; }
    /// <summary>The logit pre-processing, or null for the plain shift y − ½.</summary>
    public LogitTransform? Logit { get; }
    /// <summary>Channels of each level's condition u_l (0: unconditional).</summary>
    public int ConditionChannels { get; }

    public Glow(int channels, int height, int width, int levels, int steps, int hidden, Rng rng,
        InvertibleConv1x1.Parameterization convolution = InvertibleConv1x1.Parameterization.Lu,
        CouplingScale scale = CouplingScale.TanhBounded, double logitAlpha = 0, int conditionChannels = 0, bool affineInjector = false,
        DType dtype = DType.Float32)
    {
        if (affineInjector && conditionChannels == 0) throw new ArgumentException("Glow: an affine injector needs a condition (conditionChannels > 0)");
        ConditionChannels = conditionChannels;
        if (logitAlpha > 0) Logit = RegisterModule("logit", new LogitTransform(logitAlpha));
        if (levels < 1 || steps < 1 || hidden < 1) throw new ArgumentException($"Glow: levels ({levels}), steps ({steps}) and hidden ({hidden}) must be positive");
        if (height % (1 << levels) != 0 || width % (1 << levels) != 0)
            throw new ArgumentException($"Glow: {levels} levels halve the image {levels} times; {height}×{width} is not divisible by {1 << levels}");
        (Channels, Height, Width, Levels, Steps, Hidden) = (channels, height, width, levels, steps, hidden);
        int c = channels;
        for (int l = 0; l < levels; l++)
        {
            c *= 4;                                                          // squeeze
            var level = new FlowSequence();
            for (int k = 0; k < steps; k++)
            {
                level.Add(new ActNorm(c, dtype));
                level.Add(new InvertibleConv1x1(c, rng, convolution, dtype));
                if (affineInjector) level.Add(new AffineInjector(c, conditionChannels, hidden, rng, dtype));
                level.Add(AffineCoupling.ForImages(c, hidden, rng, transformLast: k % 2 == 1, conditionChannels, scale, dtype: dtype));
            }
            levelFlows.Add(RegisterModule($"level{l}", level));
            if (l < levels - 1)
            {
                splits.Add(RegisterModule($"split{l}", new ChannelSplit(c, rng, dtype)));
                c /= 2;
            }
        }
    }

    /// <summary>The shapes of the latents z_1 … z_L of one image (their sizes add up to C·H·W).</summary>
    public IReadOnlyList<int[]> LatentShapes()
    {
        var shapes = new List<int[]>();
        int c = Channels, h = Height, w = Width;
        for (int l = 0; l < Levels; l++)
        {
            (c, h, w) = (4 * c, h / 2, w / 2);
            if (l < Levels - 1) { shapes.Add([c / 2, h, w]); c /= 2; }
            else shapes.Add([c, h, w]);
        }
        return shapes;
    }

    /// <summary>The flow steps of level l (for the chapter's checks of single layers).</summary>
    public FlowSequence Level(int l) => levelFlows[l];

    /// <summary>The resolution (H, W) of level l's flow steps: the image halved l + 1 times.</summary>
    public (int Height, int Width) LevelSize(int l) => (Height >> (l + 1), Width >> (l + 1));

    Tensor? ConditionOf(IReadOnlyList<Tensor>? conditions, int l, int batch)
    {
        if (ConditionChannels == 0)
        {
            if (conditions is not null) throw new ArgumentException("Glow: this flow is unconditional; pass no conditions");
            return null;
        }
        if (conditions is null || conditions.Count != Levels)
            throw new ArgumentException($"Glow: needs one condition per level ({Levels}), got {conditions?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        var (h, w) = LevelSize(l);
        var u = conditions[l];
        if (u.Rank != 4 || u.Shape[0] != batch || u.Shape[1] != ConditionChannels || u.Shape[2] != h || u.Shape[3] != w)
            throw new ArgumentException($"Glow: the condition of level {l} must be [{batch}, {ConditionChannels}, {h}, {w}], got {u.Shape}");
        return u;
    }

    /// <summary>x → (latents z_1 … z_L, log p(x) [B] in nats, log-determinant part [B]); conditions u_l per level for a conditional flow.</summary>
    public (IReadOnlyList<Tensor> Latents, Tensor LogProb, Tensor LogDet) Encode(Tensor x, IReadOnlyList<Tensor>? conditions = null)
    {
        if (x.Rank != 4 || x.Shape[1] != Channels || x.Shape[2] != Height || x.Shape[3] != Width)
            throw new ArgumentException($"Glow: expected images [B, {Channels}, {Height}, {Width}], got {x.Shape}");
        var latents = new List<Tensor>();
        Tensor h = x - 0.5, logDet = Tensor.Zeros([x.Shape[0]], x.DType, x.Device), logPrior = logDet;
        if (Logit is not null) (h, logDet) = Logit.Forward(x);
        for (int l = 0; l < Levels; l++)
        {
            h = Squeeze.Apply(h);
            var (y, ld) = levelFlows[l].Forward(h, ConditionOf(conditions, l, x.Shape[0]));
            logDet = logDet + ld;
            h = y;
            if (l < Levels - 1)
            {
                var (kept, z, lp) = splits[l].Forward(h);
                latents.Add(z);
                logPrior = logPrior + lp;
                h = kept;
            }
        }
        latents.Add(h);
        var top = FlowLayer.SumPerExample(Op.Square(h)) * -0.5 - 0.5 * Math.Log(2 * Math.PI) * (h.Size / h.Shape[0]);
        return (latents, logPrior + top + logDet, logDet);
    }

    /// <summary>log p(x) per image [B], in nats (a density over the continuous, dequantized pixel values).</summary>
    public Tensor LogProb(Tensor x, IReadOnlyList<Tensor>? conditions = null) => Encode(x, conditions).LogProb;

    /// <summary>The inverse of <see cref="Encode"/>: latents z_1 … z_L → x.</summary>
    public Tensor Decode(IReadOnlyList<Tensor> latents, IReadOnlyList<Tensor>? conditions = null)
    {
        if (latents.Count != Levels) throw new ArgumentException($"Glow.Decode: {latents.Count} latents for {Levels} levels");
        var h = latents[^1];
        for (int l = Levels - 1; l >= 0; l--)
        {
            if (l < Levels - 1) h = splits[l].Inverse(h, latents[l]);
            h = Squeeze.Unapply(levelFlows[l].Inverse(h, ConditionOf(conditions, l, h.Shape[0])));
        }
        return Logit is null ? h + 0.5 : Logit.Inverse(h);
    }

    /// <summary>
    /// n samples: z_L ~ N(0, T²I), then each split's latent from its prior at temperature T, inverted level by level.
    /// Temperatures below 1 (0.7, 0.5) give smoother, more typical images (Glow's "reduced temperature").
    /// </summary>
    public Tensor Sample(int n, double temperature, Rng rng, IReadOnlyList<Tensor>? conditions = null)
    {
        var dtype = Parameters()[0].DType;
        var top = LatentShapes()[^1];
        var h = rng.Normal([n, .. top], 0, temperature, dtype);
        for (int l = Levels - 1; l >= 0; l--)
        {
            if (l < Levels - 1) h = splits[l].Inverse(h, splits[l].SampleLatent(h, temperature, rng));
            h = Squeeze.Unapply(levelFlows[l].Inverse(h, ConditionOf(conditions, l, n)));
        }
        return Logit is null ? h + 0.5 : Logit.Inverse(h);
    }

    public override string ToString() =>
        $"Glow({Channels}×{Height}×{Width}, L = {Levels} levels × K = {Steps} steps, hidden {Hidden}, {(Logit is null ? "y − ½" : $"logit, α = {Logit.Alpha}")}, latents {string.Join(" + ", LatentShapes().Select(s => string.Join("×", s)))})";
}
