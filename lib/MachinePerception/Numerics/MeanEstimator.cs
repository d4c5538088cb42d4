namespace MachinePerception.Numerics;

/// <summary>
/// The sample mean of i.i.d. vectors and its standard error √(s²/N) per entry, accumulated one sample at a time
/// (Welford's update, which stays accurate when the mean is large compared with the spread). The Monte Carlo checks of
/// §13 (KL by sampling, reparameterization and score-function gradients, policy gradients) compare an estimate with
/// the exact value in units of this standard error.
/// </summary>
public sealed class MeanEstimator
{
    readonly double[] mean, m2;

    public MeanEstimator(int dimension)
    {
        if (dimension <= 0) throw new ArgumentException($"MeanEstimator: dimension {dimension} must be positive");
        mean = new double[dimension];
        m2 = new double[dimension];
    }

    /// <summary>Number of samples added.</summary>
    public int Count { get; private set; }

    public int Dimension => mean.Length;

    /// <summary>Adds one sample (length <see cref="Dimension"/>).</summary>
    public void Add(ReadOnlySpan<double> sample)
    {
        if (sample.Length != mean.Length) throw new ArgumentException($"MeanEstimator.Add: sample has {sample.Length} entries, expected {mean.Length}");
        Count++;
        for (int i = 0; i < mean.Length; i++)
        {
            double d = sample[i] - mean[i];
            mean[i] += d / Count;
            m2[i] += d * (sample[i] - mean[i]);
        }
    }

    /// <summary>Adds a scalar sample (dimension 1).</summary>
    public void Add(double sample) => Add([sample]);

    /// <summary>The sample mean per entry.</summary>
    public double[] Mean => (double[])mean.Clone();

    /// <summary>The standard error of the mean per entry, √(s²/N) with the unbiased variance s² (needs N ≥ 2).</summary>
    public double[] StandardError
    {
        get
        {
            if (Count < 2) throw new InvalidOperationException($"MeanEstimator.StandardError: needs at least 2 samples, has {Count}");
            return m2.Select(v => Math.Sqrt(v / (Count - 1) / Count)).ToArray();
        }
    }

    /// <summary>The largest |mean − truth| / standard error over the entries: about N(0, 1)-sized for an unbiased estimator.</summary>
    public double MaxZScore(IReadOnlyList<double> truth)
    {
        if (truth.Count != mean.Length) throw new ArgumentException($"MeanEstimator.MaxZScore: truth has {truth.Count} entries, expected {mean.Length}");
        var se = StandardError;
        return Enumerable.Range(0, mean.Length).Max(i => Math.Abs(mean[i] - truth[i]) / se[i]);
    }
}
