using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// Learning curves averaged over independent runs, as the textbook figures of §7.3–7.4 are: run i gets its own
/// generator <c>new Rng(seed + i)</c>, so the average is the same on every machine and however many threads run it.
/// </summary>
public static class AveragedRuns
{
    /// <summary>The element-wise mean over <paramref name="runs"/> runs of a curve of fixed length.</summary>
    public static double[] Mean(int runs, ulong seed, Func<Rng, double[]> run)
    {
        if (runs <= 0) throw new ArgumentException($"AveragedRuns.Mean: runs = {runs} must be positive");
        var curves = new double[runs][];
        CpuParallel.For(runs, 1 << 20, (lo, hi) =>
        {
            for (int i = lo; i < hi; i++) curves[i] = run(new Rng(seed + (ulong)i));
        });
        int length = curves[0].Length;
        if (curves.Any(c => c.Length != length)) throw new InvalidOperationException("AveragedRuns.Mean: the runs returned curves of different lengths");
        var mean = new double[length];
        foreach (var c in curves)
            for (int k = 0; k < length; k++) mean[k] += c[k] / runs;
        return mean;
    }

    /// <summary>The mean of each window of <paramref name="window"/> consecutive values (shorter at the start): smooths a noisy curve for plotting.</summary>
    public static double[] MovingAverage(IReadOnlyList<double> y, int window)
    {
        if (window <= 0) throw new ArgumentException($"AveragedRuns.MovingAverage: window = {window} must be positive");
        var result = new double[y.Count];
        double sum = 0;
        for (int i = 0; i < y.Count; i++)
        {
            sum += y[i];
            if (i >= window) sum -= y[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
