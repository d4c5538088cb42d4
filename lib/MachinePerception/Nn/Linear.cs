using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// A fully connected layer z = W x + b (§10, the MLP layer), applied to each row: x [..., in] → z [..., out].
/// W is [out, in] as in the summary's W x; the batch form computes X Wᵀ without copying the transpose.
/// Initialisation: W and b uniform in ±1/√in (the variance-1/(3·in) default that PyTorch also uses).
/// </summary>
public sealed class Linear : Layer
{
    public Tensor Weight => Parameter("weight"); // [out, in]
    public Tensor? Bias => TryParameter("bias"); // [out]
    public int InFeatures { get; }
    public int OutFeatures { get; }

    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true, DType dtype = DType.Float32)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Linear: sizes must be positive, got in = {inFeatures}, out = {outFeatures}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1 / Math.Sqrt(inFeatures);
        RegisterParameter("weight", Init.Uniform([outFeatures, inFeatures], rng, -bound, bound, dtype));
        if (bias) RegisterParameter("bias", Init.Uniform([outFeatures], rng, -bound, bound, dtype));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank == 0 || x.Shape[-1] != InFeatures)
            throw new ArgumentException($"Linear: expected input [..., {InFeatures}], got {x.Shape}");
        // fold leading axes into one batch axis: [..., in] → [N, in]
        var lead = x.Shape.ToArray()[..^1];
        var x2 = x.Rank == 2 ? x : Op.Reshape(x, -1, InFeatures);
        var z = Op.Linear(x2, Weight, Bias); // [N, out] = x Wᵀ + b
        return x.Rank == 2 ? z : Op.Reshape(z, [.. lead, OutFeatures]);
    }

    public override string ToString() => $"Linear({InFeatures} → {OutFeatures}{(Bias is null ? ", no bias" : "")})";
}
