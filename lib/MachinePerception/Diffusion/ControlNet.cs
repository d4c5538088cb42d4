using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// ControlNet (§6.1; Zhang, Rao and Agrawala 2023): adds a control input c (here an edge map [B, 1, H, W]) to a trained
/// diffusion U-Net without retraining it. The U-Net is frozen; a trainable copy of its contracting path (initialised
/// with the same weights) reads x_t plus the control, and its features are added to the frozen path's skips and
/// bottleneck through 1×1 <b>zero convolutions</b> (weights and biases initialised to 0):
///   features = frozen.Encode(x_t) + Z(copy.Encode(x_t, + Z_in(hint(c)))),   ε̂ = frozen.Decode(features).
/// At initialisation every Z outputs exactly 0, so the output equals the frozen model's, bit for bit, and training
/// cannot start by damaging it. The zero convolutions still learn: the gradient of a weight is (input) × (output
/// gradient), and their inputs are not zero, so the output-side ones move at the first step, after which gradients
/// reach the copy. The frozen U-Net is held, not registered: it is neither trained nor saved with the ControlNet.
/// </summary>
public sealed class ControlNet : Module
{
    /// <summary>The frozen base model.</summary>
    public UNet Base { get; }
    /// <summary>The trainable copy (only its step embedding and contracting path are used).</summary>
    public UNet Copy { get; }
    readonly Sequential hint;
    /// <summary>The zero convolutions: on the control features, then on the copy's two skips and its bottleneck.</summary>
    public Conv2d[] ZeroConvolutions { get; }

    public ControlNet(UNet frozen, Rng rng, int controlChannels = 1)
    {
        Base = frozen;
        foreach (var p in frozen.Parameters()) p.RequiresGrad = false;     // frozen: no gradients are computed for it
        var c = frozen.Config;
        var dtype = frozen.Parameters()[0].DType;
        Copy = RegisterModule("copy", new UNet(c, rng, dtype));
        using (var weights = new MemoryStream())
        {
            Serialization.Save(frozen, weights);
            Serialization.Load(Copy, new MemoryStream(weights.ToArray()), "the frozen U-Net");   // the copy starts as the base
        }
        hint = RegisterModule("hint", new Sequential(
            new Conv2d(controlChannels, c.Channels1, 3, rng, padding: 1, dtype: dtype), new ReLU(),
            new Conv2d(c.Channels1, c.Channels1, 3, rng, padding: 1, dtype: dtype)));
        ZeroConvolutions =
        [
            RegisterModule("zeroInput", ZeroConvolution(c.Channels1, dtype)),
            RegisterModule("zeroSkip1", ZeroConvolution(c.Channels1, dtype)),
            RegisterModule("zeroSkip2", ZeroConvolution(c.Channels2, dtype)),
            RegisterModule("zeroMiddle", ZeroConvolution(c.Channels3, dtype)),
        ];
    }

    /// <summary>A 1×1 convolution whose weights and bias are exactly 0.</summary>
    public static Conv2d ZeroConvolution(int channels, DType dtype = DType.Float32)
    {
        var conv = new Conv2d(channels, channels, 1, new Rng(0), dtype: dtype);
        foreach (var p in conv.Parameters())
            if (dtype == DType.Float32) p.AsSpan<float>().Clear();
            else p.AsSpan<double>().Clear();
        return conv;
    }

    /// <summary>ε̂ for x_t [B, C, H, W] under the control c [B, Cc, H, W] (labels go to both paths, as to the base).</summary>
    public Tensor PredictNoise(Tensor xt, IReadOnlyList<double> t, Tensor control, int[]? labels = null)
    {
        NoisePredictor.CheckBatch("ControlNet", xt, t, labels);
        if (control.Rank != 4 || control.Shape[0] != xt.Shape[0] || control.Shape[2] != xt.Shape[2] || control.Shape[3] != xt.Shape[3])
            throw new ArgumentException($"ControlNet: control {control.Shape} must be [B, Cc, H, W] like x_t {xt.Shape}");
        var e = Base.Embed(t, labels);
        var frozenFeatures = Base.Encode(xt, e);
        var copyFeatures = Copy.Encode(xt, Copy.Embed(t, labels), ZeroConvolutions[0].Forward(hint.Forward(control)));
        var residual = new UNetFeatures(ZeroConvolutions[1].Forward(copyFeatures.Skip1), ZeroConvolutions[2].Forward(copyFeatures.Skip2),
            ZeroConvolutions[3].Forward(copyFeatures.Middle));
        return Base.Decode(frozenFeatures.Plus(residual), e);
    }

    /// <summary>The ControlNet with a fixed control, as a noise predictor for the samplers.</summary>
    public INoisePredictor WithControl(Tensor control) => new Controlled(this, control);

    sealed class Controlled(ControlNet net, Tensor control) : INoisePredictor
    {
        public Tensor PredictNoise(Tensor xt, IReadOnlyList<double> t, int[]? labels = null) =>
            net.PredictNoise(xt, t, control.Shape[0] == xt.Shape[0] ? control : throw new ArgumentException(
                $"ControlNet: the control has {control.Shape[0]} images for a batch of {xt.Shape[0]}"), labels);
    }
}
