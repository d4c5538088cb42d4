using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// One invertible layer of a normalizing flow (§4). The course writes the generative map as x = f(z) and the
/// density of the data as p_x(x) = p_z(f⁻¹(x)) |det ∂f⁻¹(x)/∂x|. In the library <see cref="Forward"/> is the
/// normalizing direction, data → latent (the summary's f⁻¹), and returns log|det ∂y/∂x| per example, exactly the
/// factor that formula needs; <see cref="Inverse"/> is the generative direction (the summary's f, used for
/// sampling). A condition (SRFlow's low-resolution image, StyleFlow's attributes, C-Flow's other latent) is passed
/// to every layer; layers that do not use one ignore it.
/// </summary>
public abstract class FlowLayer : Module
{
    /// <summary>x [B, ...] → (y [B, ...], log|det ∂y/∂x| [B]).</summary>
    public abstract (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor? condition = null);

    /// <summary>The exact inverse: y → x.</summary>
    public abstract Tensor Inverse(Tensor y, Tensor? condition = null);

    /// <summary>The same value for every example of a batch: [B] filled with <paramref name="value"/>.</summary>
    protected static Tensor PerExample(Tensor value, Tensor like) =>
        Op.BroadcastTo(Op.Reshape(value, 1), new Shape(like.Shape[0]));

    /// <summary>Sums every axis but the batch axis: [B, ...] → [B].</summary>
    public static Tensor SumPerExample(Tensor x) =>
        x.Rank == 1 ? x : Op.Sum(x, Enumerable.Range(1, x.Rank - 1).ToArray());
}

/// <summary>
/// A stack f = f_K ∘ … ∘ f_1 of flow layers (§4, "stack these for expressivity"). Forward runs the layers in order
/// and adds their log-determinants: log|det ∂f⁻¹/∂x| = Σ_k log|det J_k| with each Jacobian taken at that layer's own
/// input (the chain rule: the determinant of a product is the product of determinants). Inverse runs them backwards.
/// </summary>
public sealed class FlowSequence : FlowLayer
{
    readonly List<FlowLayer> layers = [];

    public FlowSequence(params FlowLayer[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends a layer (registered as a child named by its position).</summary>
    public FlowSequence Add(FlowLayer layer)
    {
        RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers.Add(layer);
        return this;
    }

    public int Count => layers.Count;
    public FlowLayer this[int i] => layers[i];

    public override (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor? condition = null)
    {
        Tensor? logDet = null;
        foreach (var layer in layers)
        {
            var (y, ld) = layer.Forward(x, condition);
            logDet = logDet is null ? ld : logDet + ld;
            x = y;
        }
        return (x, logDet ?? Tensor.Zeros([x.Shape[0]], x.DType, x.Device));
    }

    public override Tensor Inverse(Tensor y, Tensor? condition = null)
    {
        for (int k = layers.Count - 1; k >= 0; k--) y = layers[k].Inverse(y, condition);
        return y;
    }

    /// <summary>Every intermediate value h_0 = x, h_1, …, h_K of the forward pass (for figures of the layers' work).</summary>
    public IReadOnlyList<Tensor> Trajectory(Tensor x, Tensor? condition = null)
    {
        var states = new List<Tensor> { x };
        foreach (var layer in layers) states.Add(x = layer.Forward(x, condition).Output);
        return states;
    }

    public override string ToString() => "FlowSequence(\n" + string.Join("\n", layers.Select((l, i) => $"  ({i}) {l}")) + "\n)";
}
