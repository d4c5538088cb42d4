using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// SRFlow's affine injector (Lugmayr et al. 2020; §4), placed between the 1×1 convolution and the coupling of a
/// conditional flow step. Unlike a coupling it transforms all channels, with a scale and shift computed from the
/// condition u alone (the encoded low-resolution image):
///     h^{n+1} = exp(β_s(u)) ⊙ h^n + β_b(u),     h^n = exp(−β_s(u)) ⊙ (h^{n+1} − β_b(u)),
/// whose Jacobian in h is diagonal, so log|det| = Σ_{i,j,k} β_s(u)_{i,j,k}. It lets the condition reach every
/// channel directly. β is a small CNN with a zero last layer (the injector starts as the identity).
/// </summary>
public sealed class AffineInjector : FlowLayer
{
    public Layer Network { get; }
    public int Channels { get; }
    public int ConditionChannels { get; }

    public AffineInjector(int channels, int conditionChannels, int hidden, Rng rng, DType dtype = DType.Float32)
    {
        if (channels < 1 || conditionChannels < 1) throw new ArgumentException($"AffineInjector: channels ({channels}) and condition channels ({conditionChannels}) must be positive");
        Channels = channels;
        ConditionChannels = conditionChannels;
        Network = RegisterModule("network", Conditioner.Cnn(conditionChannels, hidden, 2 * channels, rng, dtype));
    }

    /// <summary>(β_s(u), β_b(u)), each [B, C, H, W].</summary>
    public (Tensor LogScale, Tensor Shift) ScaleAndShift(Tensor h, Tensor? condition)
    {
        if (h.Rank != 4 || h.Shape[1] != Channels) throw new ArgumentException($"AffineInjector: expected h [B, {Channels}, H, W], got {h.Shape}");
        if (condition is null || condition.Rank != 4 || condition.Shape[1] != ConditionChannels || condition.Shape[0] != h.Shape[0]
            || condition.Shape[2] != h.Shape[2] || condition.Shape[3] != h.Shape[3])
            throw new ArgumentException($"AffineInjector: needs a condition u [{h.Shape[0]}, {ConditionChannels}, {h.Shape[2]}, {h.Shape[3]}], got {condition?.Shape.ToString() ?? "none"}");
        var p = Op.Split(Network.Forward(condition), 1, Channels, Channels);
        return (p[0], p[1]);
    }

    public override (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor? condition = null)
    {
        var (s, b) = ScaleAndShift(x, condition);
        return (Op.Exp(s) * x + b, SumPerExample(s));          // log|det| = Σ β_s
    }

    public override Tensor Inverse(Tensor y, Tensor? condition = null)
    {
        var (s, b) = ScaleAndShift(y, condition);
        return Op.Exp(-s) * (y - b);
    }

    public override string ToString() => $"AffineInjector({Channels} channels, condition {ConditionChannels})";
}
