using System.Globalization;
using System.Text;

namespace MachinePerception.Rl;

/// <summary>A special transition of a grid world: every action taken in cell <c>From</c> moves to cell <c>To</c> with this reward.</summary>
public sealed record Teleport(char From, char To, double Reward);

/// <summary>
/// A grid world written as text (§7), compiled to a <see cref="FiniteMdp"/> with one state per cell that is not a
/// wall or a cliff. Cells:
/// <list type="bullet">
/// <item><c>.</c> free; <c>S</c> the start (free); any other letter a named free cell (for teleports and entry rewards);</item>
/// <item><c>#</c> a wall: a move into it (or off the grid) leaves the agent where it is, with <c>blockedReward</c>;</item>
/// <item><c>T</c> or <c>G</c> a terminal state (absorbing, reward 0 afterwards); entering it earns the step reward
/// or its entry reward;</item>
/// <item><c>C</c> a cliff: stepping into it earns <c>cliffReward</c> and sends the agent back to <c>S</c>.</item>
/// </list>
/// Moves are given as arrows: "↑→↓←" (the default) or "←→" for a one-row walk. All transitions are deterministic,
/// so the reward of a sampled step equals the expected reward r(s, a) that the MDP stores.
/// </summary>
public sealed class GridWorld
{
    /// <summary>The four compass moves, in the order of the actions.</summary>
    public const string FourMoves = "↑→↓←";

    readonly char[,] cells;
    readonly int[,] stateOfCell; // −1 for walls and cliffs
    readonly (int Row, int Col)[] cellOfState;
    readonly int[,] next;        // [S, A]: the one state that action a leads to from s

    public GridWorld(string map, double gamma, double stepReward = 0, double? blockedReward = null, double cliffReward = -100,
        IEnumerable<Teleport>? teleports = null, IReadOnlyDictionary<char, double>? entryRewards = null, string moves = FourMoves)
    {
        ArgumentNullException.ThrowIfNull(map);
        var lines = map.Replace("\r", "").Split('\n').Select(l => l.Replace(" ", "")).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) throw new ArgumentException("GridWorld: the map is empty");
        if (lines.Any(l => l.Length != lines[0].Length))
            throw new ArgumentException($"GridWorld: every row must have {lines[0].Length} cells, got rows of lengths {string.Join(", ", lines.Select(l => l.Length))}");
        var deltas = moves.Select(MoveDelta).ToArray();
        if (deltas.Length == 0) throw new ArgumentException("GridWorld: no moves given");
        Moves = moves;

        Rows = lines.Length;
        Columns = lines[0].Length;
        cells = new char[Rows, Columns];
        stateOfCell = new int[Rows, Columns];
        var states = new List<(int, int)>();
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
            {
                char ch = lines[r][c];
                if (ch != '.' && ch != '#' && !char.IsLetter(ch))
                    throw new ArgumentException($"GridWorld: cell ({r}, {c}) is '{ch}'; use . # S T G C or a letter");
                cells[r, c] = ch;
                stateOfCell[r, c] = ch is '#' or 'C' ? -1 : states.Count;
                if (stateOfCell[r, c] >= 0) states.Add((r, c));
            }
        cellOfState = [.. states];
        var starts = Find('S');
        if (starts.Count > 1) throw new ArgumentException($"GridWorld: {starts.Count} start cells 'S'; give at most one");
        Start = starts.Count == 1 ? stateOfCell[starts[0].Row, starts[0].Col] : -1;

        var teleportOf = new Dictionary<int, (int To, double Reward)>();
        foreach (var t in teleports ?? [])
            teleportOf[StateOf(t.From)] = (StateOf(t.To), t.Reward);
        foreach (var label in entryRewards?.Keys ?? Enumerable.Empty<char>()) StateOf(label); // fails early on unknown labels
        bool hasCliff = Find('C').Count > 0;
        if (hasCliff && Start < 0) throw new ArgumentException("GridWorld: the map has cliff cells 'C' but no start 'S' to send the agent back to");

        int n = cellOfState.Length, m = deltas.Length;
        var p = new double[n, m, n];
        var rewards = new double[n, m];
        next = new int[n, m];
        for (int s = 0; s < n; s++)
            for (int a = 0; a < m; a++)
            {
                (next[s, a], rewards[s, a]) = Transition(s, deltas[a]);
                p[s, a, next[s, a]] = 1;
            }
        Mdp = new FiniteMdp(p, rewards, gamma, [.. cellOfState.Select(c => Name(c.Row, c.Col))]);

        (int, double) Transition(int s, (int Dr, int Dc) d)
        {
            var (r, c) = cellOfState[s];
            if (IsTerminalCell(cells[r, c])) return (s, 0);
            if (teleportOf.TryGetValue(s, out var t)) return (t.To, t.Reward);
            int r2 = r + d.Dr, c2 = c + d.Dc;
            if (r2 < 0 || r2 >= Rows || c2 < 0 || c2 >= Columns || cells[r2, c2] == '#') return (s, blockedReward ?? stepReward);
            if (cells[r2, c2] == 'C') return (Start, cliffReward);
            double entry = entryRewards is not null && entryRewards.TryGetValue(cells[r2, c2], out var e) ? e : stepReward;
            return (stateOfCell[r2, c2], entry);
        }
    }

    /// <summary>Number of rows and columns of the map.</summary>
    public int Rows { get; }
    public int Columns { get; }

    /// <summary>The move of each action, as arrows.</summary>
    public string Moves { get; }

    /// <summary>The state of the start cell <c>S</c>, or −1 when the map has none.</summary>
    public int Start { get; }

    /// <summary>The compiled MDP.</summary>
    public FiniteMdp Mdp { get; }

    /// <summary>The state that action a leads to from s (every move of a grid world is deterministic).</summary>
    public int Next(int s, int a) => next[s, a];

    /// <summary>The state of cell (row, col), or −1 for a wall or a cliff.</summary>
    public int StateAt(int row, int col) => stateOfCell[row, col];

    /// <summary>The cell (row, col) of a state.</summary>
    public (int Row, int Col) CellOf(int state) => cellOfState[state];

    /// <summary>The state of the only cell marked with <paramref name="label"/>.</summary>
    public int StateOf(char label)
    {
        var found = Find(label);
        if (found.Count != 1 || stateOfCell[found[0].Row, found[0].Col] < 0)
            throw new ArgumentException($"GridWorld.StateOf: label '{label}' marks {found.Count} cells; need exactly one free cell");
        return stateOfCell[found[0].Row, found[0].Col];
    }

    List<(int Row, int Col)> Find(char label)
    {
        var found = new List<(int, int)>();
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
                if (cells[r, c] == label) found.Add((r, c));
        return found;
    }

    static bool IsTerminalCell(char ch) => ch is 'T' or 'G';

    static string Name(int r, int c) => $"({r},{c})";

    static (int, int) MoveDelta(char arrow) => arrow switch
    {
        '↑' => (-1, 0),
        '→' => (0, 1),
        '↓' => (1, 0),
        '←' => (0, -1),
        _ => throw new ArgumentException($"GridWorld: move '{arrow}' is not one of ↑ → ↓ ←"),
    };

    /// <summary>The values as a table in the shape of the grid (walls "#", cliffs "C"), each formatted with <paramref name="format"/>.</summary>
    public string FormatValues(double[] values, string format = "F1")
    {
        if (values.Length != cellOfState.Length)
            throw new ArgumentException($"GridWorld.FormatValues: {values.Length} values for {cellOfState.Length} states");
        var text = new string[Rows, Columns];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
                text[r, c] = stateOfCell[r, c] < 0 ? cells[r, c].ToString() : values[stateOfCell[r, c]].ToString(format, CultureInfo.InvariantCulture);
        return Table(text);
    }

    /// <summary>
    /// A policy drawn as arrows: every action marked true in <paramref name="actions"/> [S, A] (e.g. all greedy
    /// actions) is shown; terminal cells show T/G, walls #, cliffs C.
    /// </summary>
    public string FormatPolicy(bool[,] actions)
    {
        if (actions.GetLength(0) != cellOfState.Length || actions.GetLength(1) != Moves.Length)
            throw new ArgumentException($"GridWorld.FormatPolicy: need [{cellOfState.Length}, {Moves.Length}], got [{actions.GetLength(0)}, {actions.GetLength(1)}]");
        var text = new string[Rows, Columns];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
            {
                int s = stateOfCell[r, c];
                if (s < 0 || IsTerminalCell(cells[r, c])) { text[r, c] = cells[r, c].ToString(); continue; }
                var sb = new StringBuilder();
                for (int a = 0; a < Moves.Length; a++) if (actions[s, a]) sb.Append(Moves[a]);
                text[r, c] = sb.ToString();
            }
        return Table(text);
    }

    /// <summary>A deterministic policy drawn as one arrow per cell.</summary>
    public string FormatPolicy(int[] policy)
    {
        var marks = new bool[cellOfState.Length, Moves.Length];
        for (int s = 0; s < policy.Length; s++) marks[s, policy[s]] = true;
        return FormatPolicy(marks);
    }

    /// <summary>The map with the cells of <paramref name="path"/> marked "o" (start S and goal kept): a learned route drawn as text.</summary>
    public string FormatPath(IEnumerable<int> path)
    {
        var text = new string[Rows, Columns];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++) text[r, c] = cells[r, c].ToString();
        foreach (int s in path)
        {
            var (r, c) = cellOfState[s];
            if (cells[r, c] == '.') text[r, c] = "o";
        }
        return Table(text);
    }

    /// <summary>
    /// The states visited from <see cref="Start"/> when always taking argmax_a q(s, a), until a terminal state, a
    /// repeated state (the greedy policy loops) or <paramref name="maxSteps"/>.
    /// </summary>
    public List<int> GreedyPath(double[,] q, int maxSteps = 1000)
    {
        if (Start < 0) throw new InvalidOperationException("GridWorld.GreedyPath: the map has no start cell 'S'");
        var path = new List<int> { Start };
        var seen = new HashSet<int> { Start };
        int s = Start;
        for (int step = 0; step < maxSteps && !Mdp.IsTerminal(s); step++)
        {
            int best = 0;
            for (int a = 1; a < Moves.Length; a++) if (q[s, a] > q[s, best]) best = a;
            s = next[s, best];
            path.Add(s);
            if (!seen.Add(s)) break;
        }
        return path;
    }

    static string Table(string[,] text)
    {
        int width = 0;
        foreach (var t in text) width = Math.Max(width, t.Length);
        var sb = new StringBuilder();
        for (int r = 0; r < text.GetLength(0); r++)
        {
            for (int c = 0; c < text.GetLength(1); c++)
                sb.Append(c == 0 ? "" : " ").Append(text[r, c].PadLeft(width));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
