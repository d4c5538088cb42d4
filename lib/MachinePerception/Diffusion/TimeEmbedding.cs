using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// How a noise predictor ε_θ(x_t, t) learns which step it is at (§6): the step t (a real number, so continuous t
/// works too) becomes the sinusoidal features [sin(t ω_0), …, sin(t ω_{d/2−1}), cos(t ω_0), …] with frequencies
/// ω_i = 10000^(−i/(d/2)) (as the transformer's positional encoding), then a two-layer MLP with ReLU:
/// t [B] → [B, d] → [B, E] → [B, E]. Nearby steps get similar features, distant ones different, at every scale.
/// </summary>
public sealed class TimeEmbedding : Module
{
    public int Features { get; }
    public int Dimension { get; }
    readonly Linear first, second;

    public TimeEmbedding(int features, int dimension, Rng rng, DType dtype = DType.Float32)
    {
        if (features <= 0 || features % 2 != 0 || dimension <= 0)
            throw new ArgumentException($"TimeEmbedding: features must be even and positive and dimension positive, got {features}, {dimension}");
        (Features, Dimension) = (features, dimension);
        first = RegisterModule("first", new Linear(features, dimension, rng, dtype: dtype));
        second = RegisterModule("second", new Linear(dimension, dimension, rng, dtype: dtype));
    }

    /// <summary>The sinusoidal features of the steps: t [B] → [B, d] (no parameters).</summary>
    public static Tensor Sinusoidal(IReadOnlyList<double> t, int features, DType dtype = DType.Float32)
    {
        if (features <= 0 || features % 2 != 0)
            throw new ArgumentException($"TimeEmbedding.Sinusoidal: features must be even and positive, got {features}");
        int half = features / 2;
        var values = new double[t.Count * features];
        for (int b = 0; b < t.Count; b++)
            for (int i = 0; i < half; i++)
            {
                double angle = t[b] * Math.Pow(10000, -i / (double)half);
                values[b * features + i] = Math.Sin(angle);
                values[b * features + half + i] = Math.Cos(angle);
            }
        return Tensor.FromArray(values, t.Count, features).To(dtype);
    }

    /// <summary>The embedding of the steps: t [B] → [B, E].</summary>
    public Tensor Forward(IReadOnlyList<double> t)
    {
        var dtype = first.Weight.DType;
        var features = Sinusoidal(t, Features, dtype).To(first.Weight.Device);
        return second.Forward(Op.Relu(first.Forward(features)));
    }
}
