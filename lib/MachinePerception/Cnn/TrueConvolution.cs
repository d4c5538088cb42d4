using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Cnn;

/// <summary>
/// Convolution in the course's sense (§11), z⁽ˡ⁾ = w * z⁽ˡ⁻¹⁾ = Σ_{m,n} w_{m,n} z_{i−m, j−n}, on top of
/// <c>Op.Conv2d</c>, which (like every deep-learning library) computes the correlation: a convolution is the
/// correlation with ROT180(w). Both pieces are differentiable ops, so autodiff runs through them.
/// </summary>
public static class TrueConvolution
{
    /// <summary>ROT180 of the last two axes of w [..., KH, KW]: w flipped upside down and left to right (differentiable).</summary>
    public static Tensor Rot180(Tensor w)
    {
        if (w.Rank < 2) throw new ArgumentException($"Rot180: need at least two axes, got {w.Shape}");
        int kh = w.Shape[w.Rank - 2], kw = w.Shape[w.Rank - 1];
        var flipped = Op.IndexSelect(w, w.Rank - 2, Enumerable.Range(0, kh).Reverse().ToArray());
        return Op.IndexSelect(flipped, w.Rank - 1, Enumerable.Range(0, kw).Reverse().ToArray());
    }

    /// <summary>The convolution x [N, C, H, W] * w [Cout, C, KH, KW] = the correlation of x with ROT180(w).</summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Size2d? padding = null) => Op.Conv2d(x, Rot180(w), padding: padding);
}
