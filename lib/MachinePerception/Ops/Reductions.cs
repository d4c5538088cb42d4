using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

// Reductions along axes. No axes means all axes (a scalar result).
public static partial class Op
{
    /// <summary>Normalised, sorted, distinct axes; all axes when none are given.</summary>
    static int[] Axes(Tensor x, int[]? axes, string op)
    {
        if (axes is null || axes.Length == 0) return Enumerable.Range(0, x.Rank).ToArray();
        var a = axes.Select(ax => Shape.NormalizeAxis(ax, x.Rank, op)).Distinct().Order().ToArray();
        if (a.Length != axes.Length) throw new ArgumentException($"{op}: repeated axis in [{string.Join(", ", axes)}] for {x.Shape}");
        return a;
    }

    static int[] ReducedShape(Shape s, int[] axes, bool keepDims)
    {
        var dims = new List<int>();
        for (int i = 0; i < s.Rank; i++)
        {
            if (Array.IndexOf(axes, i) < 0) dims.Add(s[i]);
            else if (keepDims) dims.Add(1);
        }
        return dims.ToArray();
    }

    /// <summary>Reduces one axis with the backend primitive, keeping it as size 1.</summary>
    static Tensor ReduceAxis(ReduceOp op, Tensor x, int axis)
    {
        int outer = 1, inner = 1, n = x.Shape[axis];
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        var dims = x.Shape.ToArray();
        dims[axis] = 1;
        var y = New(x, new Shape(dims));
        B(x).Reduce(op, x, y, outer, n, inner);
        return y;
    }

    /// <summary>Σ over the axes. Backward: the gradient is copied to every summed element (broadcast).</summary>
    public static Tensor Sum(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var ax = Axes(x, axes, "sum");
        var y = x;
        foreach (var a in ax)
            if (x.Shape[a] != 1 || ax.Length == 1) y = ReduceAxis(ReduceOp.Sum, y, a);
        y = y.Detach();
        var shape = ReducedShape(x.Shape, ax, keepDims);
        y = new Tensor(new Shape(shape), y.Storage);
        var keep = ReducedShape(x.Shape, ax, true);
        var from = x.Shape;
        return Autograd.Record(y, "sum", [x], g => [BroadcastTo(Reshape(g, keep), from)]);
    }

    /// <summary>Σ over one axis.</summary>
    public static Tensor Sum(Tensor x, int axis, bool keepDims = false) => Sum(x, [axis], keepDims);

    /// <summary>The mean over the axes: Σ / count.</summary>
    public static Tensor Mean(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var ax = Axes(x, axes, "mean");
        long count = 1;
        foreach (var a in ax) count *= x.Shape[a];
        if (count == 0) throw new ArgumentException($"mean: no elements to average in {x.Shape} over [{string.Join(", ", ax)}]");
        return Sum(x, ax, keepDims) * (1.0 / count);
    }

    /// <summary>The mean over one axis.</summary>
    public static Tensor Mean(Tensor x, int axis, bool keepDims = false) => Mean(x, [axis], keepDims);
}
