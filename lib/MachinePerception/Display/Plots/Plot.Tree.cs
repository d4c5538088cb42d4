namespace MachinePerception.Display.Plots;

public static partial class Plot
{
    /// <summary>
    /// A tree drawn as nested boxes (a plotly "icicle"): the root on the left, each column one level deeper, every
    /// leaf the same height (a parent spans its leaves). Nodes are (id, label, parent id), parent null for the root;
    /// used for §1's taxonomy of generative models. Ids must be unique and every parent must be listed before its
    /// children. In the interactive version a click on a box zooms into its subtree.
    /// </summary>
    public static Figure Tree(string name, IReadOnlyList<(string Id, string Label, string? Parent)> nodes, string? title = null,
        int width = DefaultWidth + 260, int height = DefaultHeight + 80)
    {
        CheckName("Plot.Tree", name);
        if (nodes.Count == 0) throw new ArgumentException("Plot.Tree: needs at least one node");
        var seen = new HashSet<string>();
        foreach (var (id, _, parent) in nodes)
        {
            if (parent is not null && !seen.Contains(parent))
                throw new ArgumentException($"Plot.Tree: node '{id}' names parent '{parent}', which is not listed before it");
            if (!seen.Add(id)) throw new ArgumentException($"Plot.Tree: node id '{id}' appears twice");
        }
        if (nodes.Count(n => n.Parent is null) != 1)
            throw new ArgumentException($"Plot.Tree: needs exactly one root (parent null), got {nodes.Count(n => n.Parent is null)}");

        // Size of a node = its number of leaves, so with branchvalues "total" every leaf gets the same height.
        var leaves = nodes.ToDictionary(n => n.Id, n => nodes.Any(c => c.Parent == n.Id) ? 0 : 1);
        for (int i = nodes.Count - 1; i >= 0; i--)
            if (nodes[i].Parent is { } p) leaves[p] += leaves[nodes[i].Id];

        var t = Trace("icicle", name);
        t.Set("ids", nodes.Select(n => n.Id).ToArray());
        t.Set("labels", nodes.Select(n => n.Label).ToArray());
        t.Set("parents", nodes.Select(n => n.Parent ?? "").ToArray());
        t.Set("values", nodes.Select(n => leaves[n.Id]).ToArray());
        t.Set("branchvalues", "total");
        t.Set("tiling", new Dictionary<string, object> { ["orientation"] = "h" });
        t.Set("textfont", new Dictionary<string, object> { ["size"] = 13 });
        var layout = Layout(title ?? name);
        layout.Set("margin", new Dictionary<string, object> { ["l"] = 10, ["r"] = 10, ["t"] = 50, ["b"] = 10 });
        int leafCount = leaves.Count(kv => !nodes.Any(c => c.Parent == kv.Key));
        return Make(name, [t], layout, width, height, $"tree '{name}': {nodes.Count} nodes, {leafCount} leaves");
    }
}
