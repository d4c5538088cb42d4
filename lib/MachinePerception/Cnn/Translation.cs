using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Cnn;

/// <summary>
/// The shift f(u) of §11's "invariant / equivariant" definitions for images: x [N, C, H, W] moved down by dy and
/// right by dx pixels (negative values move up / left), zeros entering at the border and pixels leaving at the
/// other border. Differentiable (a pad and a slice).
/// </summary>
public static class Translation
{
    public static Tensor Shift(Tensor x, int dy, int dx)
    {
        if (x.Rank != 4) throw new ArgumentException($"Translation.Shift: need [N, C, H, W], got {x.Shape}");
        int h = x.Shape[2], w = x.Shape[3];
        if (Math.Abs(dy) >= h || Math.Abs(dx) >= w)
            throw new ArgumentException($"Translation.Shift: shift ({dy}, {dx}) moves everything out of {x.Shape}");
        var padded = Op.Pad(x, [(Math.Max(dy, 0), Math.Max(-dy, 0)), (Math.Max(dx, 0), Math.Max(-dx, 0))]);
        var rows = Op.Slice(padded, 2, Math.Max(-dy, 0), h);  // [N, C, H, W + |dx|]
        return Op.Slice(rows, 3, Math.Max(-dx, 0), w);         // [N, C, H, W]
    }
}
