using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// RealNVP's pre-processing of pixel values y ∈ [0, 1) as a flow layer (Dinh et al. 2017, §4.1): squash into
/// [α, 1 − α], then take the logit, z = logit(α + (1 − 2α)·y). It stretches the narrow bins near 0 and 1, where most
/// MNIST pixels sit, into long intervals that a Gaussian-based flow can model. It is elementwise and invertible,
/// y = (σ(z) − α)/(1 − 2α), with dz/dy = (1 − 2α)/(p(1 − p)), p = α + (1 − 2α)y, so
/// log|det| = Σ_i [log(1 − 2α) − log p_i − log(1 − p_i)]. Counting this term keeps log p(y) a density of the
/// original pixels, so bits per dimension stay comparable.
/// </summary>
public sealed class LogitTransform : FlowLayer
{
    public double Alpha { get; }

    public LogitTransform(double alpha)
    {
        if (!(alpha > 0 && alpha < 0.5)) throw new ArgumentException($"LogitTransform: α must be in (0, ½), got {alpha}");
        Alpha = alpha;
    }

    public override (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor? condition = null)
    {
        var p = x * (1 - 2 * Alpha) + Alpha;
        var logP = Op.Log(p);
        var log1mP = Op.Log(1 - p);
        var logDet = SumPerExample(-logP - log1mP) + Math.Log(1 - 2 * Alpha) * (x.Size / x.Shape[0]);
        return (logP - log1mP, logDet);
    }

    public override Tensor Inverse(Tensor y, Tensor? condition = null) => (Op.Sigmoid(y) - Alpha) * (1 / (1 - 2 * Alpha));

    public override string ToString() => $"LogitTransform(α = {Alpha})";
}
