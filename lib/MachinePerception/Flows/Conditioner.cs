using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// The networks β of a coupling layer (§4): "β is any model", since the layer never has to invert it. Both
/// factories end in a zero-initialised layer, so that a fresh coupling outputs log s = 0 and t = 0 and starts as the
/// identity (as in Glow): a deep stack then begins as a well-conditioned map instead of a product of random ones.
/// </summary>
public static class Conditioner
{
    /// <summary>
    /// For vectors: Linear(in → hidden) → ReLU → (Linear(hidden → hidden) → ReLU) × (depth − 1) → Linear(hidden → out),
    /// the last one zero. x [B, in] → [B, out].
    /// </summary>
    public static Sequential Mlp(int inFeatures, int hidden, int outFeatures, Rng rng, int depth = 2, DType dtype = DType.Float32)
    {
        if (depth < 1) throw new ArgumentException($"Conditioner.Mlp: depth must be ≥ 1, got {depth}");
        var net = new Sequential(new Linear(inFeatures, hidden, rng, dtype: dtype), new ReLU());
        for (int i = 1; i < depth; i++) net.Add(new Linear(hidden, hidden, rng, dtype: dtype)).Add(new ReLU());
        var last = new Linear(hidden, outFeatures, rng, dtype: dtype);
        Zero(last.Weight);
        Zero(last.Bias!);
        return net.Add(last);
    }

    /// <summary>
    /// For images (Glow's coupling network): Conv 3×3 (in → hidden) → ReLU → Conv 1×1 (hidden → hidden) → ReLU →
    /// Conv 3×3 (hidden → out), the last one zero; padding keeps H×W. x [B, in, H, W] → [B, out, H, W].
    /// </summary>
    public static Sequential Cnn(int inChannels, int hidden, int outChannels, Rng rng, DType dtype = DType.Float32)
    {
        var last = new Conv2d(hidden, outChannels, 3, rng, padding: 1, dtype: dtype);
        Zero(last.Weight);
        Zero(last.Bias!);
        return new Sequential(
            new Conv2d(inChannels, hidden, 3, rng, padding: 1, dtype: dtype), new ReLU(),
            new Conv2d(hidden, hidden, 1, rng, dtype: dtype), new ReLU(),
            last);
    }

    /// <summary>Sets a parameter to zero in place (outside the graph).</summary>
    internal static void Zero(Tensor t)
    {
        if (t.DType == DType.Float64) t.AsSpan<double>().Clear();
        else t.AsSpan<float>().Clear();
    }

    /// <summary>
    /// Overwrites every parameter of <paramref name="module"/> with N(0, std²) draws: a tensor test needs a coupling
    /// whose β is not zero, or the Jacobian checks would only ever see the identity.
    /// </summary>
    public static void Randomize(Module module, Rng rng, double std = 0.3)
    {
        foreach (var p in module.Parameters())
        {
            var values = rng.Normal(p.Shape, 0, std, DType.Float64).ToDoubleArray();
            if (p.DType == DType.Float64) values.CopyTo(p.AsSpan<double>());
            else
            {
                var span = p.AsSpan<float>();
                for (int i = 0; i < values.Length; i++) span[i] = (float)values[i];
            }
        }
    }
}
