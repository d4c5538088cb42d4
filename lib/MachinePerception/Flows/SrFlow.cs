using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// SRFlow at small scale (Lugmayr et al. 2020; §4): super-resolution as a conditional flow p(x_HR | x_LR). A CNN
/// encodes the low-resolution image into a feature map u_l for each level of a conditional <see cref="Glow"/>, whose
/// steps are ActNorm → 1×1 convolution → <see cref="AffineInjector"/>(u) → conditional coupling(x^B, u). Trained by
/// maximum likelihood of the high-resolution images; sampling different z for the same x_LR gives different,
/// equally plausible high-resolution images instead of the one blurry average a regression loss would give.
/// Here x_HR is 1×28×28 (pixel values y ∈ [0, 1), dequantized) and x_LR its 2×2 average, 1×14×14.
/// </summary>
public sealed class SrFlow : Module
{
    public Glow Flow { get; }
    public Sequential Encoder { get; }
    public Sequential Downscale { get; }
    public int Factor => 2;

    public SrFlow(int steps, int hidden, int featureChannels, Rng rng, double logitAlpha = 1e-6, DType dtype = DType.Float32)
    {
        Flow = RegisterModule("flow", new Glow(1, 28, 28, 2, steps, hidden, rng, logitAlpha: logitAlpha,
            conditionChannels: featureChannels, affineInjector: true, dtype: dtype));
        // u_0 at 14×14 from the LR image; u_1 at 7×7 from u_0
        Encoder = RegisterModule("encoder", new Sequential(
            new Conv2d(1, hidden, 3, rng, padding: 1, dtype: dtype), new ReLU(),
            new Conv2d(hidden, featureChannels, 3, rng, padding: 1, dtype: dtype)));
        Downscale = RegisterModule("downscale", new Sequential(
            new AvgPool2d(2), new Conv2d(featureChannels, featureChannels, 3, rng, padding: 1, dtype: dtype)));
    }

    /// <summary>The conditions (u_0 [B, F, 14, 14], u_1 [B, F, 7, 7]) of low-resolution images [B, 1, 14, 14].</summary>
    public IReadOnlyList<Tensor> Features(Tensor lowResolution)
    {
        if (lowResolution.Rank != 4 || lowResolution.Shape[1] != 1 || lowResolution.Shape[2] != 14 || lowResolution.Shape[3] != 14)
            throw new ArgumentException($"SrFlow: expected low-resolution images [B, 1, 14, 14], got {lowResolution.Shape}");
        var u0 = Encoder.Forward(lowResolution - 0.5);
        return [u0, Downscale.Forward(u0)];
    }

    /// <summary>log p(x_HR | x_LR) per image [B], in nats.</summary>
    public Tensor LogProb(Tensor highResolution, Tensor lowResolution) => Flow.LogProb(highResolution, Features(lowResolution));

    /// <summary><paramref name="perInput"/> samples for each low-resolution image: [B·perInput, 1, 28, 28], the samples of image b in rows b·perInput …</summary>
    public Tensor Sample(Tensor lowResolution, int perInput, double temperature, Rng rng)
    {
        var repeated = Op.IndexSelect(lowResolution, 0, Enumerable.Range(0, lowResolution.Shape[0] * perInput).Select(i => i / perInput).ToArray());
        return Flow.Sample(repeated.Shape[0], temperature, rng, Features(repeated));
    }

    public override string ToString() => $"SrFlow(14×14 → 28×28; {Flow})";
}
