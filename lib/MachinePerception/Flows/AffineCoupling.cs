using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>How a coupling layer turns the raw network output into log s (§4, "a scale that does not blow up").</summary>
public enum CouplingScale
{
    /// <summary>log s = raw, s = e^raw: unbounded. One large raw value makes s overflow or vanish.</summary>
    Exponential,
    /// <summary>log s = a·tanh(raw/a): |log s| &lt; a, slope 1 at 0 (RealNVP's tanh scale; a soft clamp).</summary>
    TanhBounded,
    /// <summary>s = sigmoid(raw + 2) ∈ (0, 1): Glow's choice; starts near s ≈ 0.88 and can only shrink.</summary>
    Sigmoid,
}

/// <summary>
/// The affine coupling layer of RealNVP and Glow (§4). The input is split along axis 1 (features of a vector,
/// channels of an image) into the part x^A that is transformed and the part x^B that only conditions:
///     y^A = h(x^A, β(x^B)) = x^A ⊙ s + t,   (log s, t) = β(x^B [, w]),     y^B = x^B.
/// The inverse needs no inverse of β, since y^B = x^B is available: x^A = (y^A − t) ⊙ s⁻¹. The Jacobian
/// ∂y/∂x = [[diag(s), ∂y^A/∂x^B], [0, I]] is block triangular, so log|det| = Σ log s — O(n) instead of the O(n³) of a
/// general determinant. The summary writes its top-right block as h′β′; it is ∂h/∂β · ∂β/∂x^B (derivatives of h in its
/// second argument, x^A ⊙ s ⊙ ∂log s/∂x^B + ∂t/∂x^B), and it never enters the determinant.
/// With a condition w (§4, "conditional coupling: add w to β") the network sees the concatenation [x^B, w].
/// </summary>
public sealed class AffineCoupling : FlowLayer
{
    /// <summary>β: maps [x^B, w] [B, C_B + C_w, ...] to [B, 2·C_A, ...] (raw log-scale, then shift).</summary>
    public Layer Network { get; }
    public int Channels { get; }
    /// <summary>C_A, the number of channels transformed.</summary>
    public int Transformed { get; }
    /// <summary>False: x^A is the first C_A channels; true: the last C_A (alternate between layers so every part changes).</summary>
    public bool TransformLast { get; }
    public CouplingScale Scale { get; }
    /// <summary>a of <see cref="CouplingScale.TanhBounded"/>.</summary>
    public double ScaleBound { get; }

    public AffineCoupling(Layer network, int channels, bool transformLast = false, CouplingScale scale = CouplingScale.TanhBounded,
        double scaleBound = 2.0)
    {
        if (channels < 2) throw new ArgumentException($"AffineCoupling: needs at least 2 channels to split, got {channels}");
        if (!(scaleBound > 0)) throw new ArgumentException($"AffineCoupling: scaleBound must be positive, got {scaleBound}");
        Network = RegisterModule("network", network);
        Channels = channels;
        Transformed = transformLast ? channels / 2 : channels - channels / 2;
        TransformLast = transformLast;
        Scale = scale;
        ScaleBound = scaleBound;
    }

    /// <summary>
    /// A coupling for vectors [B, features] with an MLP β (<see cref="Conditioner.Mlp"/>); <paramref name="conditionFeatures"/>
    /// extra inputs for a conditional coupling.
    /// </summary>
    public static AffineCoupling ForVectors(int features, int hidden, Rng rng, bool transformLast = false, int conditionFeatures = 0,
        int depth = 2, CouplingScale scale = CouplingScale.TanhBounded, double scaleBound = 2.0, DType dtype = DType.Float32)
    {
        if (features < 2) throw new ArgumentException($"AffineCoupling: needs at least 2 channels to split, got {features}");
        int a = transformLast ? features / 2 : features - features / 2;
        return new AffineCoupling(Conditioner.Mlp(features - a + conditionFeatures, hidden, 2 * a, rng, depth, dtype), features,
            transformLast, scale, scaleBound);
    }

    /// <summary>A coupling for images [B, C, H, W] with Glow's CNN β (<see cref="Conditioner.Cnn"/>).</summary>
    public static AffineCoupling ForImages(int channels, int hidden, Rng rng, bool transformLast = false, int conditionChannels = 0,
        CouplingScale scale = CouplingScale.TanhBounded, double scaleBound = 2.0, DType dtype = DType.Float32)
    {
        int a = transformLast ? channels / 2 : channels - channels / 2;
        return new AffineCoupling(Conditioner.Cnn(channels - a + conditionChannels, hidden, 2 * a, rng, dtype), channels,
            transformLast, scale, scaleBound);
    }

    /// <summary>(x^A, x^B) of an input [B, C, ...].</summary>
    public (Tensor A, Tensor B) Parts(Tensor x)
    {
        if (x.Rank < 2 || x.Shape[1] != Channels)
            throw new ArgumentException($"AffineCoupling: expected [B, {Channels}, ...], got {x.Shape}");
        var parts = Op.Split(x, 1, TransformLast ? new[] { Channels - Transformed, Transformed } : new[] { Transformed, Channels - Transformed });
        return TransformLast ? (parts[1], parts[0]) : (parts[0], parts[1]);
    }

    Tensor Join(Tensor a, Tensor b) => Op.Concat(TransformLast ? [b, a] : [a, b], 1);

    /// <summary>(log s, t) = β(x^B [, w]), each [B, C_A, ...].</summary>
    public (Tensor LogScale, Tensor Shift) ScaleAndShift(Tensor xb, Tensor? condition)
    {
        if (condition is not null && (condition.Rank != xb.Rank || condition.Shape[0] != xb.Shape[0]
            || !condition.Shape.ToArray()[2..].SequenceEqual(xb.Shape.ToArray()[2..])))
            throw new ArgumentException($"AffineCoupling: condition {condition.Shape} must match x^B {xb.Shape} except in axis 1");
        var h = Network.Forward(condition is null ? xb : Op.Concat([xb, condition], 1));
        if (h.Rank != xb.Rank || h.Shape[1] != 2 * Transformed)
            throw new ArgumentException($"AffineCoupling: β returned {h.Shape}; expected [B, {2 * Transformed}, ...] (log-scale and shift of {Transformed} channels)");
        var raw = Op.Split(h, 1, Transformed, Transformed);
        return (LogScaleOf(raw[0]), raw[1]);
    }

    /// <summary>log s from the raw output, by <see cref="Scale"/>.</summary>
    public Tensor LogScaleOf(Tensor raw) => Scale switch
    {
        CouplingScale.Exponential => raw,
        CouplingScale.TanhBounded => Op.Tanh(raw * (1 / ScaleBound)) * ScaleBound,
        _ => -Op.Softplus(-(raw + 2)),                          // log sigmoid(raw + 2)
    };

    public override (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor? condition = null)
    {
        var (xa, xb) = Parts(x);
        var (logS, t) = ScaleAndShift(xb, condition);
        var ya = xa * Op.Exp(logS) + t;                          // y^A = x^A ⊙ s + t
        return (Join(ya, xb), SumPerExample(logS));             // log|det| = Σ log s
    }

    public override Tensor Inverse(Tensor y, Tensor? condition = null)
    {
        var (ya, yb) = Parts(y);
        var (logS, t) = ScaleAndShift(yb, condition);           // y^B = x^B, so β sees the same input
        return Join((ya - t) * Op.Exp(-logS), yb);              // x^A = (y^A − t) ⊙ s⁻¹
    }

    public override string ToString() =>
        $"AffineCoupling({Channels} channels, transforms the {(TransformLast ? "last" : "first")} {Transformed}, scale {Scale}{(Scale == CouplingScale.TanhBounded ? $" ±{ScaleBound}" : "")})";
}
