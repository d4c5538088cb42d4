using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// Classifier-free guidance (§6.1; Ho and Salimans 2022). One network is trained both conditionally and
/// unconditionally by replacing the label with "no label" (<see cref="NoisePredictor.NullLabel"/>) with probability
/// p_uncond (0.1); at sampling time the two predictions are mixed, ε̂ = (1 + w) ε_θ(x_t, t, y) − w ε_θ(x_t, t, ∅): the
/// difference ε_c − ε_∅ points towards "more like class y", and w &gt; 0 extrapolates along it. Larger w gives samples
/// that a classifier recognises more easily and that vary less (fidelity against diversity).
/// </summary>
public static class ClassifierFreeGuidance
{
    /// <summary>The labels with each one replaced by <see cref="NoisePredictor.NullLabel"/> with probability p (training).</summary>
    public static int[] DropLabels(int[] labels, double p, Rng rng)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"ClassifierFreeGuidance.DropLabels: p must be in [0, 1], got {p}");
        return labels.Select(l => rng.NextDouble() < p ? NoisePredictor.NullLabel : l).ToArray();
    }

    /// <summary>ε̂ = (1 + w) ε_c − w ε_∅.</summary>
    public static Tensor Combine(Tensor conditional, Tensor unconditional, double w)
    {
        ForwardProcess.CheckSameShape("ClassifierFreeGuidance.Combine", conditional, unconditional);
        return conditional * (1 + w) - unconditional * w;
    }

    /// <summary>
    /// The mean Euclidean distance between all pairs of samples [N, ...] (N ≥ 2): a simple measure of diversity.
    /// </summary>
    public static double MeanPairwiseDistance(Tensor samples)
    {
        int n = samples.Shape[0];
        if (n < 2) throw new ArgumentException($"ClassifierFreeGuidance.MeanPairwiseDistance: needs at least 2 samples, got {samples.Shape}");
        var rows = Op.Reshape(samples, n, -1).ToDoubleArray();
        int d = rows.Length / n;
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) { double v = rows[i * d + k] - rows[j * d + k]; s += v * v; }
                sum += Math.Sqrt(s);
            }
        return sum / (n * (n - 1) / 2.0);
    }
}

/// <summary>
/// A conditional noise predictor wrapped into its guided form ε̂ = (1 + w) ε_c − w ε_∅ (<see cref="ClassifierFreeGuidance"/>):
/// both predictions come from one batched call on [x_t; x_t] with [y; ∅]. w = 0 is the plain conditional model (one call).
/// </summary>
public sealed class GuidedNoisePredictor(INoisePredictor model, double w) : INoisePredictor
{
    public double W { get; } = w;

    public Tensor PredictNoise(Tensor xt, IReadOnlyList<double> t, int[]? labels = null)
    {
        NoisePredictor.CheckBatch("GuidedNoisePredictor", xt, t, labels);
        if (labels is null) throw new ArgumentException("GuidedNoisePredictor: guidance needs labels (the class to steer towards)");
        if (W == 0) return model.PredictNoise(xt, t, labels);
        int b = xt.Shape[0];
        var both = model.PredictNoise(Op.Concat([xt, xt], 0), [.. t, .. t],
            [.. labels, .. Enumerable.Repeat(NoisePredictor.NullLabel, b)]);                 // [2B, ...]
        return ClassifierFreeGuidance.Combine(Op.Slice(both, 0, 0, b), Op.Slice(both, 0, b, b), W);
    }
}
