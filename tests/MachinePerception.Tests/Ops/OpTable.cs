using MachinePerception.Tensors;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

/// <summary>
/// The table of op cases, one partial file per op family (Elementwise, Shapes, Reductions, MatMul, Softmax,
/// Indexing). <see cref="OpTableTests"/> runs every row forward (float32, float64), backward and, where marked,
/// to second order.
/// </summary>
public static partial class OpTable
{
    static readonly Lazy<Dictionary<string, OpCase>> cases = new(() =>
    {
        var all = Elementwise().Concat(Shapes()).Concat(Reductions()).Concat(MatMuls()).Concat(Softmaxes()).Concat(Indexing()).ToList();
        var byName = new Dictionary<string, OpCase>();
        foreach (var c in all)
            if (!byName.TryAdd(c.Name, c)) throw new InvalidOperationException($"OpTable: duplicate case name {c.Name}");
        return byName;
    });

    public static OpCase Get(string name) => cases.Value[name];

    public static IEnumerable<OpCase> All => cases.Value.Values;

    // ---------- reference helpers: plain loops ----------

    static int[][] S(params int[][] shapes) => shapes;

    /// <summary>Applies a vector function to every 1-D fibre of x along <paramref name="axis"/>.</summary>
    static Nd AlongAxis(Nd x, int axis, Func<double[], double[]> f)
    {
        int a = axis < 0 ? axis + x.Rank : axis;
        var y = Nd.Zeros(x.Shape);
        var outer = x.Shape.Select((d, i) => i == a ? 1 : d).ToArray();
        foreach (var start in Nd.Indices(outer))
        {
            var fibre = new double[x.Shape[a]];
            var idx = (int[])start.Clone();
            for (int j = 0; j < fibre.Length; j++) { idx[a] = j; fibre[j] = x[idx]; }
            var r = f(fibre);
            for (int j = 0; j < fibre.Length; j++) { idx[a] = j; y[idx] = r[j]; }
        }
        return y;
    }
}
