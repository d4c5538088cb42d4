using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// Glow's squeeze (§4, "reshape, increase channels"): every 2×2 block of pixels becomes 4 channels of one pixel,
/// [B, C, H, W] → [B, 4C, H/2, W/2], with output channel 4c + 2·dy + dx holding input channel c at offset (dy, dx).
/// It only moves numbers around, so it is invertible with log|det| = 0 (its Jacobian is a permutation matrix).
/// It lets the 1×1 convolutions and couplings, which act across channels, mix neighbouring pixels.
/// </summary>
public sealed class Squeeze : FlowLayer
{
    /// <summary>[B, C, H, W] → [B, 4C, H/2, W/2]; H and W must be even.</summary>
    public static Tensor Apply(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[2] % 2 != 0 || x.Shape[3] % 2 != 0)
            throw new ArgumentException($"Squeeze: expected [B, C, H, W] with even H and W, got {x.Shape}");
        int b = x.Shape[0], c = x.Shape[1], h = x.Shape[2] / 2, w = x.Shape[3] / 2;
        var blocks = Op.Reshape(x, b, c, h, 2, w, 2);                       // [B, C, H/2, dy, W/2, dx]
        return Op.Reshape(Op.Permute(blocks, 0, 1, 3, 5, 2, 4), b, 4 * c, h, w);
    }

    /// <summary>The inverse: [B, 4C, H, W] → [B, C, 2H, 2W].</summary>
    public static Tensor Unapply(Tensor y)
    {
        if (y.Rank != 4 || y.Shape[1] % 4 != 0)
            throw new ArgumentException($"Squeeze.Inverse: expected [B, 4C, H, W], got {y.Shape}");
        int b = y.Shape[0], c = y.Shape[1] / 4, h = y.Shape[2], w = y.Shape[3];
        var blocks = Op.Reshape(y, b, c, 2, 2, h, w);                       // [B, C, dy, dx, H, W]
        return Op.Reshape(Op.Permute(blocks, 0, 1, 4, 2, 5, 3), b, c, 2 * h, 2 * w);
    }

    public override (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor? condition = null) =>
        (Apply(x), Tensor.Zeros([x.Shape[0]], x.DType, x.Device));

    public override Tensor Inverse(Tensor y, Tensor? condition = null) => Unapply(y);

    public override string ToString() => "Squeeze";
}
