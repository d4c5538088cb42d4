using MachinePerception.Rl;

namespace MachinePerception.Tests.Rl;

public class GridWorldTests
{
    [Fact]
    public void Map_compiles_walls_terminals_teleports_and_cliffs()
    {
        var g = new GridWorld(
            """
            S . #
            A C G
            """, gamma: 0.5, stepReward: -1, blockedReward: -2, cliffReward: -10,
            teleports: [new Teleport('A', 'S', 3)]);
        Assert.Equal(4, g.Mdp.States); // S, ., A, G: the wall and the cliff are not states
        int s = g.Start, free = g.StateAt(0, 1), a = g.StateOf('A'), goal = g.StateOf('G');
        const int up = 0, right = 1, down = 2, left = 3;
        Assert.Equal((free, -1.0), (g.Next(s, right), g.Mdp.R(s, right)));
        Assert.Equal((s, -2.0), (g.Next(s, up), g.Mdp.R(s, up)));         // off the grid
        Assert.Equal((free, -2.0), (g.Next(free, right), g.Mdp.R(free, right))); // into the wall
        Assert.Equal((s, -10.0), (g.Next(free, down), g.Mdp.R(free, down)));    // into the cliff: back to S
        Assert.Equal((s, 3.0), (g.Next(a, left), g.Mdp.R(a, left)));      // teleport, whatever the action
        Assert.True(g.Mdp.IsTerminal(goal));
        Assert.Equal(-1, g.StateAt(1, 1));
    }

    [Fact]
    public void Bad_maps_are_rejected_with_the_reason()
    {
        Assert.Contains("lengths 2, 3", Assert.Throws<ArgumentException>(() => new GridWorld("..\n...", 1)).Message);
        Assert.Contains("no start", Assert.Throws<ArgumentException>(() => new GridWorld(".C.", 1)).Message);
        Assert.Contains("'Q' marks 0", Assert.Throws<ArgumentException>(() => new GridWorld("S.", 1, teleports: [new Teleport('Q', 'S', 1)])).Message);
        Assert.StartsWith("GridWorld: move 'x'", Assert.Throws<ArgumentException>(() => new GridWorld("S.", 1, moves: "x")).Message);
    }

    [Fact]
    public void Five_by_five_values_match_the_published_tables()
    {
        var g = TextbookGridWorlds.FiveByFive();
        var random = DynamicProgramming.EvaluatePolicyExact(g.Mdp, g.Mdp.UniformPolicy());
        var table = TextbookGridWorlds.FiveByFiveRandomPolicy;
        Assert.True(table.MaxDeviation(g, random) <= table.Tolerance, g.FormatValues(random, "F3"));
        var optimal = DynamicProgramming.ValueIteration(g.Mdp, 1e-12).Values;
        table = TextbookGridWorlds.FiveByFiveOptimal;
        Assert.True(table.MaxDeviation(g, optimal) <= table.Tolerance, g.FormatValues(optimal, "F3"));
        // A's value is its teleport reward plus the discounted value of A′: 10 + 0.9·v(A′).
        Assert.Equal(10 + 0.9 * optimal[g.StateOf('a')], optimal[g.StateOf('A')], 1e-9);
    }

    [Fact]
    public void Four_by_four_sweeps_match_figure_4_1()
    {
        var g = TextbookGridWorlds.FourByFour();
        var r = DynamicProgramming.EvaluatePolicyIterative(g.Mdp, g.Mdp.UniformPolicy(), 1e-10, recordAt: [0, 1, 2, 3, 10]);
        foreach (var (k, table) in TextbookGridWorlds.FourByFourSweeps)
        {
            var v = k < 0 ? r.Values : r.Snapshots[k];
            Assert.True(table.MaxDeviation(g, v) <= table.Tolerance, $"k = {k}\n{g.FormatValues(v, "F3")}");
        }
        Assert.Equal(-14, r.Values[1], 1e-8); // v_π is a whole number next to a terminal corner
    }

    [Fact]
    public void Random_walk_has_values_one_sixth_to_five_sixths()
    {
        var g = TextbookGridWorlds.RandomWalk();
        var v = DynamicProgramming.EvaluatePolicyExact(g.Mdp, g.Mdp.UniformPolicy());
        var truth = TextbookGridWorlds.RandomWalkTrueValues();
        for (int i = 0; i < 5; i++) Assert.Equal(truth[i], v[i + 1], 1e-12);
        Assert.Equal(3, g.Start);
    }

    [Fact]
    public void Cliff_walking_optimal_path_runs_along_the_edge()
    {
        var g = TextbookGridWorlds.CliffWalking();
        var vi = DynamicProgramming.ValueIteration(g.Mdp, 1e-12);
        Assert.Equal(-13, vi.Values[g.Start], 1e-9); // up, 11 × right, down
        var path = g.GreedyPath(DynamicProgramming.QFromV(g.Mdp, vi.Values));
        Assert.Equal(14, path.Count);
        Assert.Equal(g.StateOf('G'), path[^1]);
        Assert.All(path.Skip(1).SkipLast(1), s => Assert.Equal(2, g.CellOf(s).Row));
    }

    [Fact]
    public void Formatting_draws_the_grid()
    {
        var g = new GridWorld("S#G", 1, stepReward: -1);
        Assert.Equal("-1.0    #  0.0\n", g.FormatValues([-1, 0]));
        Assert.Equal("→ # G\n", g.FormatPolicy([1, 0]));
    }
}
