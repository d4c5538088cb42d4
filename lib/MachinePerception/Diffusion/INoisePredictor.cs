using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// A network ε_θ(x_t, t) that predicts the noise ε in x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε (§6), optionally given a class
/// label y (conditional generation, §6.1). Steps t are numbers of the training schedule (1 … T), passed as reals so that
/// a respaced or continuous-time sampler can ask for any step. Labels: null for unconditional; a predictor trained with
/// dropped labels (classifier-free guidance) takes <see cref="NoisePredictor.NullLabel"/> for "no label".
/// </summary>
public interface INoisePredictor
{
    /// <summary>ε̂ with the shape of x_t, for steps t (one per sample) and optional labels (one per sample).</summary>
    Tensor PredictNoise(Tensor xt, IReadOnlyList<double> t, int[]? labels = null);
}

/// <summary>Constants shared by noise predictors.</summary>
public static class NoisePredictor
{
    /// <summary>The label that means "no label" (the dropped label of classifier-free guidance).</summary>
    public const int NullLabel = -1;

    /// <summary>The same step for every sample of a batch.</summary>
    public static double[] Steps(int batch, double t) => Enumerable.Repeat(t, batch).ToArray();

    /// <summary>Checks a per-sample list against the batch size, naming the caller.</summary>
    internal static void CheckBatch(string what, Tensor xt, IReadOnlyList<double> t, int[]? labels)
    {
        if (xt.Rank < 2) throw new ArgumentException($"{what}: x_t must have a batch axis, got {xt.Shape}");
        if (t.Count != xt.Shape[0]) throw new ArgumentException($"{what}: {t.Count} steps for a batch of {xt.Shape[0]} (x_t {xt.Shape})");
        if (labels is not null && labels.Length != xt.Shape[0])
            throw new ArgumentException($"{what}: {labels.Length} labels for a batch of {xt.Shape[0]} (x_t {xt.Shape})");
    }
}
