using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// NeRF's positional encoding (§8.2.1 "replace x, y, z with pos. enc."): each coordinate p becomes
/// γ(p) = (p, sin(2⁰πp), cos(2⁰πp), …, sin(2^{L−1}πp), cos(2^{L−1}πp)), so [N, D] → [N, D(1 + 2L)]. An MLP is biased
/// towards low frequencies (spectral bias): on raw coordinates it learns a blurred field; given these features, high
/// frequencies are linear in its inputs. L = 0 is the identity (no encoding).
/// </summary>
public sealed class PositionalEncoding(int frequencies) : Layer
{
    public int Frequencies { get; } = frequencies >= 0 ? frequencies : throw new ArgumentException($"PositionalEncoding: needs L ≥ 0 frequencies, got {frequencies}");

    /// <summary>Output width for D input coordinates: D(1 + 2L).</summary>
    public int OutputSize(int inputs) => inputs * (1 + 2 * Frequencies);

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 2) throw new ArgumentException($"PositionalEncoding: expected points [N, D], got {x.Shape}");
        var parts = new List<Tensor> { x };
        for (int k = 0; k < Frequencies; k++)
        {
            var scaled = x * (Math.PI * (1 << k));
            parts.Add(Op.Sin(scaled));
            parts.Add(Op.Cos(scaled));
        }
        return parts.Count == 1 ? x : Op.Concat(parts, 1);
    }

    public override string ToString() => $"PositionalEncoding(L = {Frequencies})";
}

/// <summary>
/// Random Fourier features (Tancik et al. 2020, §8.2.1 "or rand. Fourier feats."): γ(p) = (sin(2πpB), cos(2πpB)) with a
/// fixed random B [D, M] drawn from N(0, scale²). The scale sets the frequencies the MLP can fit easily: too small
/// blurs, too large gives noisy interpolation between training points.
/// </summary>
public sealed class RandomFourierFeatures : Layer
{
    public Tensor B => Buffer("b"); // [D, M]

    public RandomFourierFeatures(int inputs, int features, double scale, Rng rng, DType dtype = DType.Float32)
    {
        if (inputs < 1 || features < 1 || !(scale > 0))
            throw new ArgumentException($"RandomFourierFeatures: needs D ≥ 1, M ≥ 1 and scale > 0, got {inputs}, {features}, {scale}");
        RegisterBuffer("b", rng.Normal([inputs, features], 0, scale, dtype));
    }

    /// <summary>Output width: 2M.</summary>
    public int OutputSize => 2 * B.Shape[1];

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 2 || x.Shape[1] != B.Shape[0]) throw new ArgumentException($"RandomFourierFeatures: expected points [N, {B.Shape[0]}], got {x.Shape}");
        var projected = Op.MatMul(x, B) * (2 * Math.PI);   // [N, M]
        return Op.Concat([Op.Sin(projected), Op.Cos(projected)], 1);
    }
}
