using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>What the sample judge says about a set of generated digits (§5, §6).</summary>
public sealed record JudgeReport(double FrechetDistance, double ConfidentFraction, double[] ClassHistogram)
{
    /// <summary>The largest class share minus the smallest (0 for a perfectly even histogram).</summary>
    public double HistogramSpread => ClassHistogram.Max() - ClassHistogram.Min();

    public override string ToString() =>
        $"Fréchet distance {FrechetDistance:F2}, confident {ConfidentFraction:P0}, classes {string.Join(" ", ClassHistogram.Select(h => $"{h:P0}"))}";
}

/// <summary>
/// Diffusion on MNIST digits (§6): images in [0, 1] are mapped to [−1, 1] for the model (the data range that
/// N(0, I) noise is scaled against, and the range x̂_0 is clipped to), and back for display and for the judge.
/// </summary>
public static class DigitSamples
{
    static readonly Lazy<(SampleJudge, FeatureStatistics)> mnistJudge = new(() =>
    {
        var judge = SampleJudge.LoadMnist();
        return (judge, judge.Statistics(Mnist.Load(Split.Test).Images));
    });

    /// <summary>
    /// Chapter 05's judge and its feature statistics of the 2,000 MNIST test digits: the reference every Fréchet distance
    /// of §6 is measured against. Loaded and computed once per process (the statistics cost seconds of CPU; both are
    /// deterministic, so sharing them changes no number).
    /// </summary>
    public static (SampleJudge Judge, FeatureStatistics TestReference) MnistJudge => mnistJudge.Value;

    /// <summary>[0, 1] → [−1, 1].</summary>
    public static Tensor ToModel(Tensor images) => images * 2 - 1;

    /// <summary>[−1, 1] → [0, 1], clipped (a sample may overshoot the range).</summary>
    public static Tensor ToImages(Tensor x) => Op.Clamp((x + 1) * 0.5, 0, 1);

    /// <summary>The noise that starts <paramref name="count"/> chains of 28×28 digits.</summary>
    public static Shape Shape(int count) => new(count, 1, 28, 28);

    /// <summary>Deterministic DDIM samples (η = 0) with <paramref name="steps"/> evenly spaced steps, as images in [0, 1].</summary>
    public static Tensor Ddim(INoisePredictor model, NoiseSchedule schedule, int count, int steps, Rng rng, int[]? labels = null, bool clipX0 = true) =>
        ToImages(DdimSampler.Sample(model, schedule.Respace(schedule.EvenlySpaced(steps)), Shape(count), rng, labels, clipX0: clipX0));

    /// <summary>
    /// The judge's verdict on samples [N, 1, 28, 28] in [0, 1] against real images: the Fréchet distance between the
    /// Gaussians of their features, the confident fraction and the class histogram.
    /// </summary>
    public static JudgeReport Judge(SampleJudge judge, Tensor samples, FeatureStatistics reference) =>
        new(SampleJudge.FrechetDistance(judge.Statistics(samples), reference), judge.ConfidentFraction(samples), judge.ClassHistogram(samples));
}
