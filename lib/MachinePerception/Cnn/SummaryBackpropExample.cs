namespace MachinePerception.Cnn;

/// <summary>
/// The worked backpropagation example of §11 ("rotate K") exactly as the summary prints it: a 5×5 binary
/// input X, a 3×3 kernel K, Y = X * K (a true convolution, valid positions), Y′ = max pooling over all of
/// Y, the upstream error ∂E/∂Y′ = 1, and the gradients ∂E/∂Y, ∂E/∂K and ∂E/∂X that follow. The printed
/// values are kept as printed (rows as jagged arrays, so a row with a missing entry stays visible); the
/// chapter recomputes each one and flags the entries that differ.
/// </summary>
public static class SummaryBackpropExample
{
    public static readonly double[,] X =
    {
        { 0, 0, 1, 1, 0 },
        { 0, 1, 0, 1, 1 },
        { 1, 1, 1, 1, 0 },
        { 1, 0, 1, 1, 0 },
        { 1, 1, 0, 1, 1 },
    };

    public static readonly double[,] K =
    {
        { 1, 0, 1 },
        { 0, 1, 0 },
        { 0, 1, 0 },
    };

    /// <summary>Y = X * K as printed.</summary>
    public static readonly double[][] PrintedY = [[3, 3, 3], [4, 2, 3], [2, 3, 3]];

    /// <summary>Y′ = Pool(Y) as printed (one max over the whole 3×3 map).</summary>
    public const double PrintedPooled = 4;

    /// <summary>The upstream error ∂E/∂Y′ as printed.</summary>
    public const double PrintedUpstream = 1;

    /// <summary>∂E/∂Y as printed: the upstream error routed to the argmax of Y.</summary>
    public static readonly double[][] PrintedDeltaY = [[0, 0, 0], [1, 0, 0], [0, 0, 0]];

    /// <summary>∂E/∂K as printed.</summary>
    public static readonly double[][] PrintedDeltaK = [[1, 0, 1], [1, 1, 1], [0, 1, 0]];

    /// <summary>∂E/∂X as printed (labelled "∂E/∂V" there; its first row has only four entries).</summary>
    public static readonly double[][] PrintedDeltaX =
        [[0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [1, 0, 1, 0, 0], [0, 0, 0, 0, 0]];

    /// <summary>
    /// Compares a recomputed matrix with a printed one entry by entry: the (row, column, printed, recomputed)
    /// of every entry that differs, and of every entry missing from a short printed row (printed = NaN).
    /// </summary>
    public static List<(int Row, int Col, double Printed, double Recomputed)> Differences(double[][] printed, double[,] recomputed)
    {
        var diffs = new List<(int, int, double, double)>();
        for (int i = 0; i < recomputed.GetLength(0); i++)
            for (int j = 0; j < recomputed.GetLength(1); j++)
            {
                double p = i < printed.Length && j < printed[i].Length ? printed[i][j] : double.NaN;
                if (!(p == recomputed[i, j])) diffs.Add((i, j, p, recomputed[i, j]));
            }
        return diffs;
    }
}
