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
        var y = Empty(x, new Shape(dims));
        B(x).Reduce(op, x, y, outer, n, inner);
        return y;
    }

    /// <summary>
    /// Σ over the axes. Adjacent reduced axes are contiguous in memory, so each run of them is summed in one pass (all
    /// axes: one sum over every element), the last run first; the backend sums long rows in blocks whose partial sums
    /// it adds in float64, so a float32 sum of 10⁸ values keeps about seven digits. Backward: the gradient is copied
    /// to every summed element (broadcast).
    /// </summary>
    public static Tensor Sum(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var ax = Axes(x, axes, "sum");
        var y = x;
        var dims = x.Shape.ToArray();
        for (int i = ax.Length - 1; i >= 0;)
        {
            int end = ax[i], start = end;
            while (i > 0 && ax[i - 1] == start - 1) { i--; start--; }
            i--;
            int outer = 1, n = 1, inner = 1;
            for (int d = 0; d < dims.Length; d++)
                if (d < start) outer *= dims[d];
                else if (d <= end) n *= dims[d];
                else inner *= dims[d];
            if (n == 1 && ax.Length > 1) continue; // nothing to add up along this run
            for (int d = start; d <= end; d++) dims[d] = 1;
            var reduced = Empty(x, new Shape(dims));
            B(x).Reduce(ReduceOp.Sum, y, reduced, outer, n, inner);
            y = reduced;
        }
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

// Max, Min, their arg-versions, LogSumExp, Variance and Std.
public static partial class Op
{
    /// <summary>
    /// The largest element over the axes (all axes when none are given). Subgradient: the whole gradient goes
    /// to one maximal element, the one <see cref="ArgMax(Tensor, int?, bool)"/> picks (tie rule: the first in
    /// row-major order over the reduced axes); every other element gets 0.
    /// </summary>
    public static Tensor Max(Tensor x, int[]? axes = null, bool keepDims = false) => Extreme(x, axes, keepDims, max: true);

    /// <summary>The largest element along one axis (tie rule as in <see cref="Max(Tensor, int[], bool)"/>).</summary>
    public static Tensor Max(Tensor x, int axis, bool keepDims = false) => Extreme(x, [axis], keepDims, max: true);

    /// <summary>The smallest element over the axes; the gradient goes to the first minimal element (row-major order).</summary>
    public static Tensor Min(Tensor x, int[]? axes = null, bool keepDims = false) => Extreme(x, axes, keepDims, max: false);

    /// <summary>The smallest element along one axis.</summary>
    public static Tensor Min(Tensor x, int axis, bool keepDims = false) => Extreme(x, [axis], keepDims, max: false);

    static Tensor Extreme(Tensor x, int[]? axes, bool keepDims, bool max)
    {
        string name = max ? "max" : "min";
        var ax = Axes(x, axes, name);
        if (ax.Length == 0) return x; // a scalar is its own extreme
        foreach (var a in ax)
            if (x.Shape[a] == 0) throw new ArgumentException($"{name}: cannot reduce the empty axis {a} of {x.Shape}");
        // several axes: gather them into one last axis (row-major order), then reduce that axis once
        var (grouped, axis) = ax.Length == 1 ? (x, ax[0]) : (GroupAxesLast(x, ax), x.Rank - ax.Length);
        var y = ExtremeAlong(grouped, axis, max);
        return Reshape(y, ReducedShape(x.Shape, ax, keepDims));
    }

    /// <summary>Max or min along one axis, kept as size 1.</summary>
    static Tensor ExtremeAlong(Tensor x, int axis, bool max)
    {
        var y = ReduceAxis(max ? ReduceOp.Max : ReduceOp.Min, x, axis);
        // ∂ max_j x_j / ∂x_k = 1 for k = argmax, else 0: scatter g to the arg-extreme. The positions depend
        // on x only through a comparison (piecewise constant), so they are a constant of the graph.
        return Autograd.Record(y, max ? "max" : "min", [x], g =>
        {
            var at = ReduceAxis(max ? ReduceOp.ArgMax : ReduceOp.ArgMin, x, axis);
            return [ScatterAddToZeros(x.Shape, axis, at, g)];
        });
    }

    /// <summary>
    /// Permutes the reduced axes behind the kept ones and merges them into one: [kept..., Π reduced].
    /// Reducing that last axis is reducing all of them, in row-major order.
    /// </summary>
    static Tensor GroupAxesLast(Tensor x, int[] reduced)
    {
        var kept = Enumerable.Range(0, x.Rank).Where(a => Array.IndexOf(reduced, a) < 0).ToArray();
        var moved = Permute(x, [.. kept, .. reduced]);
        int merged = reduced.Aggregate(1, (p, a) => p * x.Shape[a]);
        return Reshape(moved, [.. kept.Select(a => x.Shape[a]), merged]);
    }

    /// <summary>
    /// Index of the largest element along <paramref name="axis"/> (of the flattened tensor when null), stored as a
    /// number in the input's dtype. Ties: the first index. Not differentiable (a constant of the graph).
    /// </summary>
    public static Tensor ArgMax(Tensor x, int? axis = null, bool keepDims = false) => ArgExtreme(x, axis, keepDims, max: true);

    /// <summary>Index of the smallest element along <paramref name="axis"/> (of the flattened tensor when null); ties: the first.</summary>
    public static Tensor ArgMin(Tensor x, int? axis = null, bool keepDims = false) => ArgExtreme(x, axis, keepDims, max: false);

    /// <summary>The indices of <see cref="ArgMax(Tensor, int?, bool)"/> along an axis as integers, in row-major order (e.g. predicted classes of [batch, classes] logits).</summary>
    public static int[] ArgMaxIndices(Tensor x, int axis = -1) => ToInts(ArgMax(x, axis));

    /// <summary>The indices of <see cref="ArgMin(Tensor, int?, bool)"/> along an axis as integers.</summary>
    public static int[] ArgMinIndices(Tensor x, int axis = -1) => ToInts(ArgMin(x, axis));

    static int[] ToInts(Tensor t) => t.ToDoubleArray().Select(v => (int)v).ToArray();

    static Tensor ArgExtreme(Tensor x, int? axis, bool keepDims, bool max)
    {
        string name = max ? "argmax" : "argmin";
        if (axis is null)
        {
            if (x.Size == 0) throw new ArgumentException($"{name}: empty tensor {x.Shape}");
            var flat = ArgExtreme(Reshape(x.Detach(), x.Size), 0, false, max);
            return keepDims ? Reshape(flat, Enumerable.Repeat(1, x.Rank).ToArray()) : flat;
        }
        if (x.Rank == 0) throw new ArgumentException($"{name}: axis {axis} given for a scalar {x.Shape}; omit the axis");
        int a = Shape.NormalizeAxis(axis.Value, x.Rank, name);
        if (x.Shape[a] == 0) throw new ArgumentException($"{name}: cannot reduce the empty axis {a} of {x.Shape}");
        // float32 holds integers exactly only up to 2^24
        if (x.DType == DType.Float32 && x.Shape[a] > 1 << 24)
            throw new ArgumentException($"{name}: axis {a} of {x.Shape} is too long for indices stored as float32");
        var y = ReduceAxis(max ? ReduceOp.ArgMax : ReduceOp.ArgMin, x, a);
        return keepDims ? y : new Tensor(new Shape(ReducedShape(x.Shape, [a], false)), y.Storage);
    }

    /// <summary>
    /// log Σ exp x over the axes, computed stably as m + log Σ exp(x − m) with m = max x (§10 cross-entropy; used by
    /// log-likelihoods of categorical and mixture models). Backward: g ⊙ exp(x − y) = g ⊙ softmax x.
    /// </summary>
    public static Tensor LogSumExp(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var ax = Axes(x, axes, "logsumexp");
        if (ax.Length == 0) return x;
        foreach (var a in ax)
            if (x.Shape[a] == 0) throw new ArgumentException($"logsumexp: cannot reduce the empty axis {a} of {x.Shape}");
        var (grouped, axis) = ax.Length == 1 ? (x, ax[0]) : (GroupAxesLast(x, ax), x.Rank - ax.Length);
        var y = ReduceAxis(ReduceOp.LogSumExp, grouped, axis);
        // ∂y/∂x_j = e^{x_j} / Σ_k e^{x_k} = e^{x_j − y}; y is this op's own output, so the rule stays differentiable
        y = Autograd.Record(y, "logsumexp", [grouped], g => [g * Exp(grouped - y)]);
        return Reshape(y, ReducedShape(x.Shape, ax, keepDims));
    }

    /// <summary>log Σ exp x along one axis.</summary>
    public static Tensor LogSumExp(Tensor x, int axis, bool keepDims = false) => LogSumExp(x, [axis], keepDims);

    /// <summary>
    /// Variance over the axes: Σ (x − mean)² / (N − 1) when <paramref name="unbiased"/>, else / N (the biased
    /// form that batch normalisation uses). Built from differentiable ops, so it can be differentiated twice.
    /// </summary>
    public static Tensor Variance(Tensor x, int[]? axes = null, bool unbiased = false, bool keepDims = false)
    {
        var ax = Axes(x, axes, "variance");
        long count = 1;
        foreach (var a in ax) count *= x.Shape[a];
        long dof = unbiased ? count - 1 : count;
        if (dof <= 0)
            throw new ArgumentException($"variance: {count} element(s) of {x.Shape} over [{string.Join(", ", ax)}] are too few for the {(unbiased ? "unbiased" : "biased")} estimate");
        var centered = x - Mean(x, ax, keepDims: true);
        return Sum(Square(centered), ax, keepDims) * (1.0 / dof);
    }

    /// <summary>Variance along one axis.</summary>
    public static Tensor Variance(Tensor x, int axis, bool unbiased = false, bool keepDims = false) => Variance(x, [axis], unbiased, keepDims);

    /// <summary>Standard deviation √Variance. Its gradient is infinite where the variance is 0 (add an ε first there).</summary>
    public static Tensor Std(Tensor x, int[]? axes = null, bool unbiased = false, bool keepDims = false) =>
        Sqrt(Variance(x, axes, unbiased, keepDims));

    /// <summary>Standard deviation along one axis.</summary>
    public static Tensor Std(Tensor x, int axis, bool unbiased = false, bool keepDims = false) => Std(x, [axis], unbiased, keepDims);
}
