using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch07;

/// <summary>
/// §7 and §7.1: one Bellman backup at one cell of a 3×3 grid world, both the expectation backup for the
/// equiprobable random policy, Σ_a ¼ [r + γ V(s′_a)], and the optimality backup max_a [r + γ V(s′_a)].
/// </summary>
[Exercise(7, "bellman-backup", "One Bellman backup on a grid")]
public sealed class BellmanBackup : NumericExercise
{
    readonly double[,] v = new double[3, 3];
    readonly int row, col;
    readonly double reward, gamma;

    static readonly (int Dr, int Dc, string Name)[] Moves = [(-1, 0, "up"), (0, 1, "right"), (1, 0, "down"), (0, -1, "left")];

    public BellmanBackup(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) v[i, j] = rng.NextInt(-6, 7);
        do { row = rng.NextInt(3); col = rng.NextInt(3); } while (row == 1 && col == 1); // a border cell: some moves bump
        reward = new[] { -2.0, -1.0, 1.0, 2.0 }[rng.NextInt(4)];
        gamma = new[] { 0.5, 0.8, 0.9 }[rng.NextInt(3)];
    }

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text("A 3×3 grid world: the four moves up, right, down, left each earn the reward " +
              $"r = {Prose.Number(reward)}; a move that would leave the grid keeps the agent in its cell (and still earns r). " +
              $"The discount is γ = {Prose.Number(gamma)}. The current value estimate is")
        .Matrix("V_old =", v)
        .Text($"Back up the cell in row {row + 1}, column {col + 1} (counting from 1 at the top left) once:")
        .Text("(1) with the Bellman expectation equation for the equiprobable random policy π(a|s) = ¼, " +
              "V_new(s) = Σ_a π(a|s) [r + γ V_old(s′)];")
        .Text("(2) with the Bellman optimality equation, V_new(s) = max_a [r + γ V_old(s′)].")
        .Text("Give the two numbers, (1) first.");

    // The value V_old(s′) of the cell each move leads to; skipBlocked drops the moves that leave the grid.
    IEnumerable<double> NextValues(bool skipBlocked = false)
    {
        foreach (var (dr, dc, _) in Moves)
        {
            int r = row + dr, c = col + dc;
            bool inside = r is >= 0 and < 3 && c is >= 0 and < 3;
            if (inside) yield return v[r, c];
            else if (!skipBlocked) yield return v[row, col];
        }
    }

    double[] Backups(Func<double, double> backup, bool skipBlocked = false)
    {
        var b = NextValues(skipBlocked).Select(backup).ToArray();
        return [b.Average(), b.Max()];
    }

    internal override double[] Reference() => Backups(next => reward + gamma * next);

    internal override IEnumerable<Mistake> Mistakes()
    {
        var right = Reference();
        yield return Wrong("took the maximum in the expectation equation",
            "The expectation equation averages over the policy's actions, Σ_a π(a|s)[…]; only the optimality equation takes max_a.",
            [right[1], right[1]]);
        yield return Wrong("averaged in the optimality equation",
            "The optimality equation picks the best action: max_a [r + γ V(s′)], not the average.",
            [right[0], right[0]]);
        yield return Wrong("forgot γ", "The next state's value is discounted: r + γ V_old(s′).", Backups(next => reward + next));
        yield return Wrong("discounted the reward too", "Only the future is discounted: r + γ V_old(s′), not γ (r + V_old(s′)).",
            Backups(next => gamma * (reward + next)));
        yield return Wrong("left out the moves that bump into the border",
            "A move off the grid is still one of the four actions: it leaves the agent in place, so its term is r + γ V_old(s).",
            Backups(next => reward + gamma * next, skipBlocked: true));
    }

    protected override Prose Solve()
    {
        var lines = Moves.Zip(NextValues()).Select(m => $"{m.First.Name}: {Prose.Number(reward)} + {Prose.Number(gamma)}·{Notation.Factor(m.Second)} = {Prose.Number(reward + gamma * m.Second)}");
        var r = Reference();
        return new Prose()
            .Text("Each move's backed-up value r + γ V_old(s′), where a move off the grid leads back to the cell itself:")
            .Text(string.Join("; ", lines) + ".")
            .Text($"(1) Their average (π = ¼ each): **{Prose.Number(r[0])}**.")
            .Text($"(2) Their maximum: **{Prose.Number(r[1])}**.");
    }
}
