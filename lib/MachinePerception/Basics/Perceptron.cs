using MachinePerception.Tensors;

namespace MachinePerception.Basics;

/// <summary>The outcome of <see cref="Perceptron.Train"/>.</summary>
/// <param name="Weights">w after training.</param>
/// <param name="Bias">b after training.</param>
/// <param name="Updates">How many times the rule changed (w, b), in all.</param>
/// <param name="Epochs">Passes over the data that were run.</param>
/// <param name="Converged">True when a whole pass made no mistake (every point on its side).</param>
/// <param name="MistakesPerEpoch">Updates made in each pass.</param>
/// <param name="CycleStart">When (w, b) at the end of a pass equals its value at the end of an earlier pass, that earlier
/// pass (1-based; 0 = the start): from there on the passes repeat forever. Null when no state repeated.</param>
/// <param name="CycleLength">Passes per cycle (0 when no cycle was found).</param>
public sealed record PerceptronRun(double[] Weights, double Bias, int Updates, int Epochs, bool Converged,
    int[] MistakesPerEpoch, int? CycleStart, int CycleLength);

/// <summary>
/// Rosenblatt's perceptron (§10): predict sign(w·x + b); on a mistake (y(w·x + b) ≤ 0, labels y = ±1) update
/// w ← w + y x, b ← b + y. The summary's statement: it converges in finite time iff the data is linearly separable.
/// Novikoff's bound makes "finite" concrete: with R = maxᵢ ‖(xᵢ, 1)‖ and a unit vector u that separates the augmented
/// points with margin γ = minᵢ yᵢ u·(xᵢ, 1) &gt; 0, the number of updates is at most (R/γ)² (<see cref="NovikoffBound"/>).
/// On data that no line separates (XOR) the updates never stop; since the pass visits the points in a fixed order,
/// the rule is a deterministic map of (w, b), and with integer data (w, b) stays on a grid, so it must cycle:
/// <see cref="Train"/> detects the first repeated end-of-pass state.
/// </summary>
public static class Perceptron
{
    /// <summary>
    /// Runs passes over <paramref name="points"/> [N, D] in their order (labels 0/1, mapped to y = −1/+1) until a
    /// pass makes no mistake, a state repeats (a cycle: it would never converge), or <paramref name="maxEpochs"/> passes.
    /// </summary>
    public static PerceptronRun Train(Tensor points, int[] labels, int maxEpochs = 1000)
    {
        var (x, n, d) = Rows(points, labels, "Perceptron.Train");
        var w = new double[d];
        double b = 0;
        int updates = 0;
        var mistakes = new List<int>();
        var seen = new Dictionary<string, int> { [Key(w, b)] = 0 };
        for (int epoch = 1; epoch <= maxEpochs; epoch++)
        {
            int m = 0;
            for (int i = 0; i < n; i++)
            {
                double y = labels[i] == 1 ? 1 : -1;
                if (y * Score(w, b, x[i]) > 0) continue;
                for (int j = 0; j < d; j++) w[j] += y * x[i][j]; // w ← w + y x
                b += y;                                          // b ← b + y
                m++;
            }
            updates += m;
            mistakes.Add(m);
            if (m == 0) return new PerceptronRun(w, b, updates, epoch, true, [.. mistakes], null, 0);
            var key = Key(w, b);
            if (seen.TryGetValue(key, out int first))
                return new PerceptronRun(w, b, updates, epoch, false, [.. mistakes], first, epoch - first);
            seen[key] = epoch;
        }
        return new PerceptronRun(w, b, updates, maxEpochs, false, [.. mistakes], null, 0);
    }

    /// <summary>sign(w·x + b) as labels 0/1 for every row of <paramref name="points"/> [N, D].</summary>
    public static int[] Predict(PerceptronRun run, Tensor points)
    {
        var (x, n, _) = Rows(points, null, "Perceptron.Predict");
        return Enumerable.Range(0, n).Select(i => Score(run.Weights, run.Bias, x[i]) > 0 ? 1 : 0).ToArray();
    }

    /// <summary>
    /// Novikoff's bound (R/γ)² on the number of updates, for a separating direction (<paramref name="w"/>, <paramref name="b"/>)
    /// (normalised here to a unit vector in the augmented space). Throws when that direction does not separate the data.
    /// </summary>
    public static double NovikoffBound(Tensor points, int[] labels, double[] w, double b)
    {
        var (x, n, d) = Rows(points, labels, "Perceptron.NovikoffBound");
        if (w.Length != d) throw new ArgumentException($"Perceptron.NovikoffBound: w has {w.Length} entries, points have {d}");
        double norm = Math.Sqrt(w.Sum(v => v * v) + b * b);
        double r = 0, gamma = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            double y = labels[i] == 1 ? 1 : -1;
            r = Math.Max(r, Math.Sqrt(x[i].Sum(v => v * v) + 1));
            gamma = Math.Min(gamma, y * Score(w, b, x[i]) / norm);
        }
        if (!(gamma > 0)) throw new ArgumentException($"Perceptron.NovikoffBound: (w, b) does not separate the data (margin {gamma:G4})");
        return r * r / (gamma * gamma);
    }

    static double Score(double[] w, double b, double[] x)
    {
        double s = b;
        for (int j = 0; j < w.Length; j++) s += w[j] * x[j];
        return s;
    }

    static string Key(double[] w, double b) =>
        string.Join(",", w.Append(b).Select(v => BitConverter.DoubleToInt64Bits(v).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    static (double[][] Rows, int N, int D) Rows(Tensor points, int[]? labels, string op)
    {
        if (points.Rank != 2) throw new ArgumentException($"{op}: points must be [N, D], got {points.Shape}");
        int n = points.Shape[0], d = points.Shape[1];
        if (labels is not null && labels.Length != n) throw new ArgumentException($"{op}: {labels.Length} labels for points {points.Shape}");
        if (labels is not null && labels.Any(l => l is not (0 or 1))) throw new ArgumentException($"{op}: labels must be 0 or 1");
        var flat = points.ToDoubleArray();
        return (Enumerable.Range(0, n).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray(), n, d);
    }
}
