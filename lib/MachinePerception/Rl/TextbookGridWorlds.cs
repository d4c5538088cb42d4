namespace MachinePerception.Rl;

/// <summary>
/// A table of state values as printed in a textbook: the numbers (row-major, in the shape of the grid), how many
/// decimals were printed and where. Computed values agree with it "to the published rounding" when every entry is
/// within half a unit of the last printed decimal.
/// </summary>
public sealed record PublishedTable(string Source, double[,] Values, int Decimals)
{
    /// <summary>Half a unit in the last printed decimal: 0.05 for one decimal, 0.5 for whole numbers.</summary>
    public double HalfUnit => 0.5 * Math.Pow(10, -Decimals);

    /// <summary>
    /// The bound for "agrees to the published rounding": half a unit plus a relative 1e-9, because a value exactly
    /// halfway (−1.75 printed as −1.7) is 0.05 away only up to the rounding of binary fractions.
    /// </summary>
    public double Tolerance => HalfUnit * (1 + 1e-9);

    /// <summary>max over cells of |computed − published|, with computed indexed by the grid world's states.</summary>
    public double MaxDeviation(GridWorld world, double[] computed)
    {
        if (world.Rows != Values.GetLength(0) || world.Columns != Values.GetLength(1))
            throw new ArgumentException($"PublishedTable.MaxDeviation: table is {Values.GetLength(0)}×{Values.GetLength(1)}, world is {world.Rows}×{world.Columns}");
        double worst = 0;
        for (int s = 0; s < computed.Length; s++)
        {
            var (r, c) = world.CellOf(s);
            worst = Math.Max(worst, Math.Abs(computed[s] - Values[r, c]));
        }
        return worst;
    }

    /// <summary>The computed values (rounded to <paramref name="decimals"/>) and this table side by side, both in the shape of the grid.</summary>
    public string SideBySide(GridWorld world, double[] computed, int decimals = 2)
    {
        var left = world.FormatValues(computed, "F" + decimals).TrimEnd('\n').Split('\n');
        var published = new double[computed.Length];
        for (int s = 0; s < computed.Length; s++)
        {
            var (r, c) = world.CellOf(s);
            published[s] = Values[r, c];
        }
        var right = world.FormatValues(published, "F" + Decimals).TrimEnd('\n').Split('\n');
        int width = Math.Max(left.Max(l => l.Length), "computed".Length);
        var lines = new List<string> { "computed".PadRight(width) + "   │ published: " + Source };
        for (int i = 0; i < left.Length; i++) lines.Add(left[i].PadRight(width) + "   │ " + right[i]);
        return string.Join("\n", lines) + "\n";
    }
}

/// <summary>
/// The classic tabular examples of Sutton &amp; Barto, Reinforcement Learning: An Introduction (2nd ed., 2018), used in
/// §7 to check our dynamic programming and sampling methods against published numbers.
/// </summary>
public static class TextbookGridWorlds
{
    /// <summary>
    /// Example 3.5: a 5×5 grid, γ = 0.9. Every action in A moves to A′ with reward +10, every action in B to B′ with +5;
    /// a move off the grid keeps the agent in place with reward −1; every other move earns 0.
    /// </summary>
    public static GridWorld FiveByFive() => new(
        """
        . A . B .
        . . . . .
        . . . b .
        . . . . .
        . a . . .
        """,
        gamma: 0.9, stepReward: 0, blockedReward: -1,
        teleports: [new Teleport('A', 'a', 10), new Teleport('B', 'b', 5)]);

    /// <summary>Figure 3.2 (right): v_π of the equiprobable random policy on <see cref="FiveByFive"/>.</summary>
    public static PublishedTable FiveByFiveRandomPolicy { get; } = new("Sutton & Barto (2018), Figure 3.2", new double[,]
    {
        { 3.3, 8.8, 4.4, 5.3, 1.5 },
        { 1.5, 3.0, 2.3, 1.9, 0.5 },
        { 0.1, 0.7, 0.7, 0.4, -0.4 },
        { -1.0, -0.4, -0.4, -0.6, -1.2 },
        { -1.9, -1.3, -1.2, -1.4, -2.0 },
    }, 1);

    /// <summary>Figure 3.5 (middle): v_* on <see cref="FiveByFive"/>.</summary>
    public static PublishedTable FiveByFiveOptimal { get; } = new("Sutton & Barto (2018), Figure 3.5", new double[,]
    {
        { 22.0, 24.4, 22.0, 19.4, 17.5 },
        { 19.8, 22.0, 19.8, 17.8, 16.0 },
        { 17.8, 19.8, 17.8, 16.0, 14.4 },
        { 16.0, 17.8, 16.0, 14.4, 13.0 },
        { 14.4, 16.0, 14.4, 13.0, 11.7 },
    }, 1);

    /// <summary>
    /// Example 4.1: a 4×4 grid whose top-left and bottom-right corners are terminal, reward −1 on every move
    /// (including moves off the grid, which leave the state unchanged), undiscounted (γ = 1).
    /// </summary>
    public static GridWorld FourByFour() => new(
        """
        T . . .
        . . . .
        . . . .
        . . . T
        """,
        gamma: 1.0, stepReward: -1);

    /// <summary>Figure 4.1 (left column): V_k of iterative evaluation of the random policy on <see cref="FourByFour"/>, for k = 0, 1, 2, 3, 10 and ∞ (key −1).</summary>
    public static IReadOnlyDictionary<int, PublishedTable> FourByFourSweeps { get; } = new Dictionary<int, PublishedTable>
    {
        [0] = Sweep(0, 1, new double[,] { { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } }),
        [1] = Sweep(1, 1, new double[,] { { 0, -1, -1, -1 }, { -1, -1, -1, -1 }, { -1, -1, -1, -1 }, { -1, -1, -1, 0 } }),
        [2] = Sweep(2, 1, new double[,] { { 0, -1.7, -2.0, -2.0 }, { -1.7, -2.0, -2.0, -2.0 }, { -2.0, -2.0, -2.0, -1.7 }, { -2.0, -2.0, -1.7, 0 } }),
        [3] = Sweep(3, 1, new double[,] { { 0, -2.4, -2.9, -3.0 }, { -2.4, -2.9, -3.0, -2.9 }, { -2.9, -3.0, -2.9, -2.4 }, { -3.0, -2.9, -2.4, 0 } }),
        [10] = Sweep(10, 1, new double[,] { { 0, -6.1, -8.4, -9.0 }, { -6.1, -7.7, -8.4, -8.4 }, { -8.4, -8.4, -7.7, -6.1 }, { -9.0, -8.4, -6.1, 0 } }),
        [-1] = Sweep(-1, 0, new double[,] { { 0, -14, -20, -22 }, { -14, -18, -20, -20 }, { -20, -20, -18, -14 }, { -22, -20, -14, 0 } }),
    };

    static PublishedTable Sweep(int k, int decimals, double[,] v) =>
        new($"Sutton & Barto (2018), Figure 4.1, k = {(k < 0 ? "∞" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))}", v, decimals);

    /// <summary>
    /// Example 6.6: cliff walking on a 4×12 grid, start S bottom-left, goal G bottom-right, the cliff between them;
    /// −1 per move, −100 and back to S for stepping into the cliff, undiscounted.
    /// </summary>
    public static GridWorld CliffWalking() => new(
        """
        . . . . . . . . . . . .
        . . . . . . . . . . . .
        . . . . . . . . . . . .
        S C C C C C C C C C C G
        """,
        gamma: 1.0, stepReward: -1, cliffReward: -100);

    /// <summary>
    /// Example 6.2: the random walk A–E between two terminal states, start C, moves left or right; entering the
    /// right terminal earns +1, everything else 0, undiscounted. Under the equiprobable policy v(A … E) = 1/6 … 5/6.
    /// States 0 and 6 are the terminals, 1 … 5 are A … E.
    /// </summary>
    public static GridWorld RandomWalk() => new("T A B S D E G", gamma: 1.0, stepReward: 0,
        entryRewards: new Dictionary<char, double> { ['G'] = 1 }, moves: "←→");

    /// <summary>The true values of <see cref="RandomWalk"/>'s non-terminal states A … E: 1/6, 2/6, …, 5/6.</summary>
    public static double[] RandomWalkTrueValues() => [.. Enumerable.Range(1, 5).Select(i => i / 6.0)];
}
