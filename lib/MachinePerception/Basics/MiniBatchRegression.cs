using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Basics;

/// <summary>
/// SGD and mini-batch gradient descent (§10.2) on the smallest sum-structured loss, a least-squares line
/// L(a, b) = (1/n) Σᵢ ½(a xᵢ + b − yᵢ)², in plain doubles so that the gradient of any subset of samples is exact and cheap.
/// The gradient of a uniformly drawn sample (or mini-batch) is an unbiased estimate of ∇L: its mean over all
/// samples is ∇L itself, and its variance falls roughly like 1/m with the batch size m.
/// </summary>
public static class MiniBatchRegression
{
    /// <summary>∇ of ½(a x + b − y)² averaged over the samples <paramref name="rows"/>: (mean r·x, mean r) with r = a x + b − y.</summary>
    public static (double Da, double Db) Gradient(FunctionSamples data, double a, double b, IEnumerable<int> rows)
    {
        var (x, y) = (data.X.ToDoubleArray(), data.Y.ToDoubleArray());
        double da = 0, db = 0;
        int m = 0;
        foreach (int i in rows)
        {
            double r = a * x[i] + b - y[i];
            da += r * x[i];
            db += r;
            m++;
        }
        if (m == 0) throw new ArgumentException("MiniBatchRegression.Gradient: no rows");
        return (da / m, db / m);
    }

    /// <summary>The full loss L(a, b).</summary>
    public static double Loss(FunctionSamples data, double a, double b)
    {
        var (x, y) = (data.X.ToDoubleArray(), data.Y.ToDoubleArray());
        return x.Select((v, i) => 0.5 * Math.Pow(a * v + b - y[i], 2)).Average();
    }

    /// <summary>
    /// Mean and total variance (summed over both coordinates) of the gradient of <paramref name="draws"/> mini-batches of
    /// size <paramref name="batchSize"/> drawn without replacement, at (a, b).
    /// </summary>
    public static ((double Da, double Db) Mean, double Variance) GradientSpread(FunctionSamples data, double a, double b, int batchSize, int draws, Rng rng)
    {
        int n = data.X.Shape[0];
        var g = new (double Da, double Db)[draws];
        for (int k = 0; k < draws; k++) g[k] = Gradient(data, a, b, rng.Permutation(n).Take(batchSize));
        double ma = g.Average(v => v.Da), mb = g.Average(v => v.Db);
        double variance = g.Sum(v => (v.Da - ma) * (v.Da - ma) + (v.Db - mb) * (v.Db - mb)) / (draws - 1);
        return ((ma, mb), variance);
    }

    /// <summary>
    /// θ ← θ − ε∇ over shuffled mini-batches of size <paramref name="batchSize"/> (1 = SGD, n = full-batch gradient
    /// descent) from (0, 0); returns the full loss after every <paramref name="recordEvery"/> samples processed (and at 0).
    /// </summary>
    public static double[] Train(FunctionSamples data, int batchSize, double learningRate, int epochs, Rng rng, int recordEvery)
    {
        int n = data.X.Shape[0];
        double a = 0, b = 0;
        var losses = new List<double> { Loss(data, a, b) };
        long seen = 0;
        for (int e = 0; e < epochs; e++)
        {
            var order = rng.Permutation(n);
            for (int start = 0; start < n; start += batchSize)
            {
                var (da, db) = Gradient(data, a, b, order.Skip(start).Take(batchSize));
                a -= learningRate * da;
                b -= learningRate * db;
                long before = seen;
                seen += Math.Min(batchSize, n - start);
                if (seen / recordEvery > before / recordEvery) losses.Add(Loss(data, a, b));
            }
        }
        return [.. losses];
    }
}
