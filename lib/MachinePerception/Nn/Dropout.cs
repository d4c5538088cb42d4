using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// Dropout: in training, each entry is zeroed with probability p and the survivors are scaled by 1/(1 − p)
/// ("inverted" dropout), so E[output] = input and evaluation mode can be the identity. The masks come from
/// the layer's own seeded <see cref="Rng"/>: the same seed drops the same entries on every run.
/// </summary>
public sealed class Dropout : Layer
{
    readonly Rng rng;
    public double P { get; }

    public Dropout(double p, Rng rng)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentException($"Dropout: p = {p} must be in [0, 1)");
        P = p;
        this.rng = rng;
    }

    public override Tensor Forward(Tensor x)
    {
        if (!Training || P == 0) return x;
        var keep = rng.Bernoulli(x.Shape, 1 - P, x.DType); // drawn on the CPU so it is identical on every device
        return x * (keep.To(x.Device) * (1 / (1 - P)));
    }

    public override string ToString() => $"Dropout(p = {P})";
}
