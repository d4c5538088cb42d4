using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// RealNVP for vectors (Dinh, Sohl-Dickstein and Bengio 2017; §4): a stack of affine couplings that alternate which
/// half of the coordinates they transform, optionally each preceded by an ActNorm and an invertible 1×1 "convolution"
/// (a learned C×C mixing matrix, as in Glow), over a base distribution p_z. The density of a point is
/// log p_x(x) = log p_z(f⁻¹(x)) + log|det ∂f⁻¹/∂x|; a sample is x = f(z) with z ~ p_z. With conditionFeatures &gt; 0
/// every coupling also sees a condition w (a conditional flow p(x | w): StyleFlow, C-Flow).
/// </summary>
public sealed class RealNvp : Module
{
    public FlowSequence Flow { get; }
    public BaseDistribution Base { get; }
    public int Features { get; }
    public int ConditionFeatures { get; }

    public RealNvp(int features, int couplings, int hidden, Rng rng, int conditionFeatures = 0, bool actNorm = false, bool mixing = false,
        BaseDistribution? baseDistribution = null, int depth = 2, CouplingScale scale = CouplingScale.TanhBounded, double scaleBound = 2.0,
        DType dtype = DType.Float32)
    {
        if (features < 2) throw new ArgumentException($"RealNvp: needs at least 2 features, got {features}");
        if (couplings < 1) throw new ArgumentException($"RealNvp: needs at least one coupling, got {couplings}");
        Base = baseDistribution ?? new StandardNormal(features);
        if (Base.Dimension != features) throw new ArgumentException($"RealNvp: base distribution has dimension {Base.Dimension}, data {features}");
        Features = features;
        ConditionFeatures = conditionFeatures;
        Flow = RegisterModule("flow", new FlowSequence());
        for (int k = 0; k < couplings; k++)
        {
            if (actNorm) Flow.Add(new ActNorm(features, dtype));
            if (mixing) Flow.Add(new InvertibleConv1x1(features, rng, dtype: dtype));
            Flow.Add(AffineCoupling.ForVectors(features, hidden, rng, transformLast: k % 2 == 1, conditionFeatures, depth, scale, scaleBound, dtype));
        }
    }

    void CheckCondition(Tensor x, Tensor? condition)
    {
        if (ConditionFeatures == 0 && condition is not null)
            throw new ArgumentException($"RealNvp: this flow takes no condition, got {condition.Shape}");
        if (ConditionFeatures > 0 && (condition is null || condition.Rank != 2 || condition.Shape[1] != ConditionFeatures || condition.Shape[0] != x.Shape[0]))
            throw new ArgumentException($"RealNvp: needs a condition [{x.Shape[0]}, {ConditionFeatures}], got {condition?.Shape.ToString() ?? "none"}");
    }

    /// <summary>z = f⁻¹(x) and log|det ∂f⁻¹/∂x| [B].</summary>
    public (Tensor Latent, Tensor LogDet) Encode(Tensor x, Tensor? condition = null)
    {
        if (x.Rank != 2 || x.Shape[1] != Features) throw new ArgumentException($"RealNvp: expected x [B, {Features}], got {x.Shape}");
        CheckCondition(x, condition);
        return Flow.Forward(x, condition);
    }

    /// <summary>x = f(z).</summary>
    public Tensor Decode(Tensor z, Tensor? condition = null)
    {
        if (z.Rank != 2 || z.Shape[1] != Features) throw new ArgumentException($"RealNvp: expected z [B, {Features}], got {z.Shape}");
        CheckCondition(z, condition);
        return Flow.Inverse(z, condition);
    }

    /// <summary>log p_x(x) = log p_z(f⁻¹(x)) + log|det ∂f⁻¹/∂x| per row [B], in nats.</summary>
    public Tensor LogProb(Tensor x, Tensor? condition = null)
    {
        var (z, logDet) = Encode(x, condition);
        return Base.LogProb(z) + logDet;
    }

    /// <summary>n samples x = f(z), z ~ p_z (at a temperature: z's spread scaled by T).</summary>
    public Tensor Sample(int n, Rng rng, Tensor? condition = null, double temperature = 1)
    {
        var dtype = Parameters()[0].DType;
        return Decode(Base.Sample(n, rng, temperature, dtype), condition);
    }

    public override string ToString() => $"RealNvp({Features} features, {Flow.Count} layers, base {Base})";
}
