using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// C-Flow at small scale (Pumarola et al. 2020; §4): two flows for two modalities of the same scene, linked by
/// conditional coupling. g_θ models the "extra information" x_A alone; f_φ models x_B conditioned on x_A's latent
/// z_A = g_θ⁻¹(x_A). To combine the content of a new x_A² with what a first pair (x_A¹, x_B¹) has beyond its content:
///     z_B¹ = f_φ⁻¹(x_B¹ | z_A¹),  z_A¹ = g_θ⁻¹(x_A¹);     z_A² = g_θ⁻¹(x_A²);     x_B² = f_φ(z_B¹ | z_A²).
/// Both steps must condition f on the same kind of input (the latent z_A); see the chapter's erratum on the summary's
/// "f_φ⁻¹(x_B¹ | x_A¹)". Here both modalities are 2-D points.
/// </summary>
public sealed class CFlow : Module
{
    public RealNvp FlowA { get; }
    public RealNvp FlowB { get; }

    public CFlow(int dimensionA, int dimensionB, int couplings, int hidden, Rng rng, DType dtype = DType.Float32)
    {
        FlowA = RegisterModule("g", new RealNvp(dimensionA, couplings, hidden, rng, dtype: dtype));
        FlowB = RegisterModule("f", new RealNvp(dimensionB, couplings, hidden, rng, conditionFeatures: dimensionA, dtype: dtype));
    }

    /// <summary>z_A = g⁻¹(x_A).</summary>
    public Tensor LatentA(Tensor xA) => FlowA.Encode(xA).Latent;

    /// <summary>log p(x_A) + log p(x_B | z_A) per pair [B]: the joint density of both modalities.</summary>
    public Tensor LogProb(Tensor xA, Tensor xB)
    {
        var (zA, logDetA) = FlowA.Encode(xA);
        return FlowA.Base.LogProb(zA) + logDetA + FlowB.LogProb(xB, zA);
    }

    /// <summary>x_B² = f(f⁻¹(x_B¹ | z_A¹) | z_A²): the second modality for new content x_A², keeping pair 1's residual.</summary>
    public Tensor Transfer(Tensor xA1, Tensor xB1, Tensor xA2)
    {
        var zB1 = FlowB.Encode(xB1, LatentA(xA1)).Latent;
        return FlowB.Decode(zB1, LatentA(xA2));
    }

    /// <summary>The summary's literal recipe: encode x_B¹ conditioned on x_A¹ itself, decode conditioned on z_A².</summary>
    public Tensor TransferAsWritten(Tensor xA1, Tensor xB1, Tensor xA2)
    {
        var zB1 = FlowB.Encode(xB1, xA1).Latent;
        return FlowB.Decode(zB1, LatentA(xA2));
    }
}
