using MachinePerception.Autodiff;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

// Ops that pick or place elements by position: slices, single indices, gathers and scatters, concatenation,
// padding, masks. Each forward has an adjoint that puts the gradient back where the elements came from:
// a strided read (slice) ↔ a strided write into zeros (pad), gather ↔ scatter-add. Both sides are ops,
// so gradients of gradients work.
public static partial class Op
{
    // ---------- the two strided primitives every slicing op is built from ----------

    /// <summary>
    /// y[idx] = x[offset + Σ_k idx_k·strides_k] for every index of <paramref name="shape"/>: an injective strided
    /// window of x (slice, index). Backward: the adjoint write of g into zeros of x's shape.
    /// </summary>
    static Tensor StridedRead(Tensor x, Shape shape, int offset, int[] strides, string name, string adjointName)
    {
        var y = Empty(x, shape);
        if (shape.Size > 0) B(x).StridedCopy(x, offset, strides, y);
        var from = x.Shape;
        return Autograd.Record(y, name, [x], g => [StridedEmbed(g, from, offset, strides, 0, adjointName, name)]);
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> filled with <paramref name="fill"/>, with x written at
    /// offset + Σ_k idx_k·strides_k (pad, slice backward). The positions must not overlap. Backward: the strided read.
    /// </summary>
    static Tensor StridedEmbed(Tensor x, Shape shape, int offset, int[] strides, double fill, string name, string adjointName)
    {
        var y = Tensor.Full(shape, fill, x.DType, x.Device);
        if (x.Size > 0) B(x).StridedWrite(x, y, offset, strides);
        var from = x.Shape;
        return Autograd.Record(y, name, [x], g => [StridedRead(g, from, offset, strides, adjointName, name)]);
    }

    // ---------- slices ----------

    /// <summary>
    /// Elements start, start + step, ..., (<paramref name="length"/> of them) along <paramref name="axis"/>; like
    /// x[..., start : start + length·step : step, ...]. A negative start counts from the end.
    /// </summary>
    public static Tensor Slice(Tensor x, int axis, int start, int length, int step = 1)
    {
        if (x.Rank == 0) throw new ArgumentException($"slice: cannot slice a scalar {x.Shape}");
        int a = Shape.NormalizeAxis(axis, x.Rank, "slice");
        int n = x.Shape[a], s = start < 0 ? start + n : start;
        if (step < 1) throw new ArgumentException($"slice: step {step} must be ≥ 1 (axis {a} of {x.Shape})");
        if (length < 0) throw new ArgumentException($"slice: negative length {length} (axis {a} of {x.Shape})");
        if (s < 0 || s > n || (length > 0 && (long)s + (long)(length - 1) * step >= n))
            throw new ArgumentException($"slice: start {start}, length {length}, step {step} reaches outside axis {a} of {x.Shape} (size {n})");
        if (s == 0 && length == n && step == 1) return x;
        var strides = x.Shape.Strides();
        int offset = s * strides[a];
        strides[a] *= step;
        var dims = x.Shape.ToArray();
        dims[a] = length;
        return StridedRead(x, new Shape(dims), offset, strides, "slice", "slice_backward");
    }

    /// <summary>The sub-tensor at position <paramref name="index"/> of <paramref name="axis"/>, with that axis dropped (x[..., i, ...]). Negative counts from the end.</summary>
    public static Tensor Index(Tensor x, int axis, int index)
    {
        if (x.Rank == 0) throw new ArgumentException($"index: cannot index a scalar {x.Shape}");
        int a = Shape.NormalizeAxis(axis, x.Rank, "index");
        int n = x.Shape[a], i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) throw new ArgumentException($"index: {index} is out of range for axis {a} of {x.Shape} (size {n})");
        var strides = x.Shape.Strides().ToList();
        var dims = x.Shape.ToArray().ToList();
        int offset = i * strides[a];
        strides.RemoveAt(a);
        dims.RemoveAt(a);
        return StridedRead(x, new Shape(dims.ToArray()), offset, strides.ToArray(), "index", "index_backward");
    }

    /// <summary>
    /// Splits <paramref name="axis"/> into consecutive pieces of the given sizes (they must add up to the axis size).
    /// Concat of the pieces gives x back.
    /// </summary>
    public static Tensor[] Split(Tensor x, int axis, params int[] sizes)
    {
        int a = Shape.NormalizeAxis(axis, x.Rank, "split");
        if (sizes.Any(s => s < 0) || sizes.Sum() != x.Shape[a])
            throw new ArgumentException($"split: sizes [{string.Join(", ", sizes)}] do not add up to axis {a} of {x.Shape} (size {x.Shape[a]})");
        var parts = new Tensor[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++) parts[i] = Slice(x, a, start, sizes[i]);
        return parts;
    }

    /// <summary>Splits <paramref name="axis"/> into <paramref name="chunks"/> pieces of ⌈n / chunks⌉ elements (the last may be shorter; fewer pieces when n is small).</summary>
    public static Tensor[] Chunk(Tensor x, int chunks, int axis = 0)
    {
        int a = Shape.NormalizeAxis(axis, x.Rank, "chunk");
        if (chunks < 1) throw new ArgumentException($"chunk: {chunks} chunks requested for {x.Shape}");
        int n = x.Shape[a], size = Math.Max(1, (n + chunks - 1) / chunks);
        var sizes = new List<int>();
        for (int done = 0; done < n; done += size) sizes.Add(Math.Min(size, n - done));
        return Split(x, a, sizes.ToArray());
    }

    // ---------- joining and padding ----------

    /// <summary>Joins tensors along an existing axis; all other dimensions, the dtype and the device must agree. Backward: slices of g.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("concat: no tensors given");
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("concat: scalars have no axis to join along; use Stack");
        int a = Shape.NormalizeAxis(axis, first.Rank, "concat");
        int total = 0;
        foreach (var t in tensors)
        {
            Guard.SameDTypeAndDevice("concat", first, t);
            bool fits = t.Rank == first.Rank;
            for (int d = 0; fits && d < t.Rank; d++) fits = d == a || t.Shape[d] == first.Shape[d];
            if (!fits)
                throw new ArgumentException($"concat: shapes {string.Join(", ", tensors.Select(u => u.Shape))} differ outside axis {a}");
            total += t.Shape[a];
        }
        var dims = first.Shape.ToArray();
        dims[a] = total;
        var y = Empty(first, new Shape(dims)); // the pieces cover it
        var strides = y.Shape.Strides();
        var starts = new int[tensors.Count];
        for (int i = 0, start = 0; i < tensors.Count; start += tensors[i].Shape[a], i++)
        {
            starts[i] = start;
            if (tensors[i].Size > 0) B(first).StridedWrite(tensors[i], y, start * strides[a], strides);
        }
        var inputs = tensors.ToArray();
        return Autograd.Record(y, "concat", inputs, g =>
            inputs.Select((t, i) => t.RequiresGrad ? Slice(g, a, starts[i], t.Shape[a]) : null).ToArray());
    }

    /// <summary>Joins tensors of equal shape along a new axis at <paramref name="axis"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("stack: no tensors given");
        foreach (var t in tensors)
            if (!t.Shape.Equals(tensors[0].Shape))
                throw new ArgumentException($"stack: shapes differ: {string.Join(", ", tensors.Select(u => u.Shape))}");
        int rank = tensors[0].Rank;
        int a = axis < 0 ? axis + rank + 1 : axis;
        if (a < 0 || a > rank) throw new ArgumentException($"stack: axis {axis} is out of range for stacking tensors of shape {tensors[0].Shape}");
        return Concat(tensors.Select(t => Unsqueeze(t, a)).ToArray(), a);
    }

    /// <summary>
    /// Adds <paramref name="padding"/>[i] = (before, after) elements of value <paramref name="value"/> around the
    /// last padding.Length axes, in axis order (for [N, C, H, W], [(1, 1), (2, 2)] pads H by 1 and W by 2).
    /// Backward: the slice of g where x sits.
    /// </summary>
    public static Tensor Pad(Tensor x, (int Before, int After)[] padding, double value = 0)
    {
        string shown = string.Join(", ", padding.Select(p => $"({p.Before}, {p.After})"));
        if (padding.Length > x.Rank) throw new ArgumentException($"pad: {padding.Length} (before, after) pairs for {x.Shape}");
        if (padding.Any(p => p.Before < 0 || p.After < 0)) throw new ArgumentException($"pad: negative padding [{shown}] for {x.Shape}; use Slice to crop");
        var dims = x.Shape.ToArray();
        int lead = x.Rank - padding.Length;
        for (int i = 0; i < padding.Length; i++) dims[lead + i] += padding[i].Before + padding[i].After;
        var shape = new Shape(dims);
        var strides = shape.Strides();
        int offset = 0;
        for (int i = 0; i < padding.Length; i++) offset += padding[i].Before * strides[lead + i];
        return StridedEmbed(x, shape, offset, strides, value, "pad", "pad_backward");
    }

    // ---------- gather and scatter ----------

    /// <summary>
    /// y[..., j, ...] = x[..., index[..., j, ...], ...] along <paramref name="axis"/> (PyTorch's gather): index has x's
    /// rank and at most x's sizes on every other axis; its values are integers stored as numbers; y has index's shape.
    /// Differentiable in x (backward: scatter-add of g at the same indices); index is a constant.
    /// </summary>
    public static Tensor Gather(Tensor x, int axis, Tensor index)
    {
        int a = GatherAxis("gather", x, axis, index);
        CheckIndexValues("gather", index, x.Shape[a], a, x.Shape);
        index = SameDType(index, x);
        // an index shorter than x on another axis reads only the leading part of that axis
        for (int d = 0; d < x.Rank; d++)
            if (d != a && index.Shape[d] < x.Shape[d]) x = Slice(x, d, 0, index.Shape[d]);
        return GatherUnchecked(x, a, index);
    }

    static Tensor GatherUnchecked(Tensor x, int a, Tensor index)
    {
        var (outer, inner) = OuterInner(x.Shape, a);
        var y = Empty(x, index.Shape);
        if (y.Size > 0) B(x).Gather(x, index, y, outer, x.Shape[a], index.Shape[a], inner);
        var from = x.Shape;
        return Autograd.Record(y, "gather", [x], g => [ScatterAddToZeros(from, a, index, g)]);
    }

    /// <summary>Scatter-add of src into zeros of <paramref name="shape"/>: the backward of gather, max and min (no copy of a base tensor).</summary>
    static Tensor ScatterAddToZeros(Shape shape, int a, Tensor index, Tensor src)
    {
        var (outer, inner) = OuterInner(shape, a);
        var result = Tensor.Zeros(shape, src.DType, src.Device);
        if (src.Size > 0) B(src).ScatterAdd(src, index, result, outer, src.Shape[a], shape[a], inner);
        return Autograd.Record(result, "scatter_add", [src], g => [GatherUnchecked(g, a, index)]);
    }

    /// <summary>
    /// y + (src added at the positions index names along <paramref name="axis"/>): out[..., index[..., j, ...], ...] += src[..., j, ...]
    /// (PyTorch's scatter_add, out of place). Repeated indices add up. index has src's shape, and at most y's sizes on
    /// every other axis. Differentiable in y (backward g) and src (backward: gather of g); index is a constant.
    /// </summary>
    public static Tensor ScatterAdd(Tensor y, int axis, Tensor index, Tensor src)
    {
        Guard.SameDTypeAndDevice("scatter_add", y, src);
        if (!index.Shape.Equals(src.Shape))
            throw new ArgumentException($"scatter_add: index {index.Shape} and src {src.Shape} must have the same shape");
        int a = GatherAxis("scatter_add", y, axis, index);
        CheckIndexValues("scatter_add", index, y.Shape[a], a, y.Shape);
        index = SameDType(index, y);
        bool covers = true;
        for (int d = 0; d < y.Rank; d++) covers &= d == a || index.Shape[d] == y.Shape[d];
        if (covers) return ScatterAddUnchecked(y, a, index, src);
        // an index shorter than y on another axis adds into the leading part of that axis: scatter into a
        // block of that size and pad it with zeros to y's shape
        var block = y.Shape.ToArray();
        var padding = new (int, int)[y.Rank];
        for (int d = 0; d < y.Rank; d++)
            if (d != a) { block[d] = index.Shape[d]; padding[d] = (0, y.Shape[d] - index.Shape[d]); }
        return y + Pad(ScatterAddToZeros(new Shape(block), a, index, src), padding);
    }

    static Tensor ScatterAddUnchecked(Tensor y, int a, Tensor index, Tensor src)
    {
        var (outer, inner) = OuterInner(y.Shape, a);
        var result = y.Clone();
        if (src.Size > 0) B(y).ScatterAdd(src, index, result, outer, src.Shape[a], y.Shape[a], inner);
        return Autograd.Record(result, "scatter_add", [y, src], g => [g, src.RequiresGrad ? GatherUnchecked(g, a, index) : null]);
    }

    /// <summary>
    /// The entries <paramref name="indices"/> of <paramref name="axis"/>, in that order (repeats allowed):
    /// y[..., j, ...] = x[..., indices[j], ...]. An embedding lookup is IndexSelect(table, 0, tokens) (the character model of §3.1).
    /// Backward: scatter-add of g into zeros, so a row picked twice gets both gradients.
    /// </summary>
    public static Tensor IndexSelect(Tensor x, int axis, int[] indices)
    {
        if (x.Rank == 0) throw new ArgumentException($"index_select: cannot select from a scalar {x.Shape}");
        int a = Shape.NormalizeAxis(axis, x.Rank, "index_select");
        int n = x.Shape[a];
        for (int j = 0; j < indices.Length; j++)
            if (indices[j] < 0 || indices[j] >= n)
                throw new ArgumentException($"index_select: index {indices[j]} at position {j} is out of range for axis {a} of {x.Shape} (size {n})");
        if (x.DType == DType.Float32 && n > 1 << 24)
            throw new ArgumentException($"index_select: axis {a} of {x.Shape} is too long for indices stored as float32");
        // the backend gathers with an index of the output's shape: repeat each index over the inner positions
        var (outer, inner) = OuterInner(x.Shape, a);
        var dims = x.Shape.ToArray();
        dims[a] = indices.Length;
        var index = Tensor.Zeros(dims, x.DType);
        if (x.DType == DType.Float32) Repeat(index.AsSpan<float>(), indices, outer, inner);
        else Repeat(index.AsSpan<double>(), indices, outer, inner);
        return GatherUnchecked(x, a, index.To(x.Device));
    }

    static void Repeat<T>(Span<T> index, int[] indices, int outer, int inner) where T : System.Numerics.INumberBase<T>
    {
        int k = 0;
        for (int o = 0; o < outer; o++)
            foreach (var j in indices)
            {
                index.Slice(k, inner).Fill(T.CreateChecked(j));
                k += inner;
            }
    }

    static (int Outer, int Inner) OuterInner(Shape s, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= s[i];
        for (int i = axis + 1; i < s.Rank; i++) inner *= s[i];
        return (outer, inner);
    }

    /// <summary>Checks the shapes of an index for gather/scatter along an axis of x; returns the normalised axis.</summary>
    static int GatherAxis(string op, Tensor x, int axis, Tensor index)
    {
        if (x.Rank == 0) throw new ArgumentException($"{op}: needs at least one axis, got a scalar {x.Shape}");
        int a = Shape.NormalizeAxis(axis, x.Rank, op);
        if (index.Device != x.Device)
            throw new ArgumentException($"{op}: index {index.Shape} is on {index.Device} but x {x.Shape} is on {x.Device}");
        bool fits = index.Rank == x.Rank;
        for (int d = 0; fits && d < x.Rank; d++) fits = d == a || index.Shape[d] <= x.Shape[d];
        if (!fits)
            throw new ArgumentException($"{op}: index {index.Shape} must have the rank of {x.Shape} and be no larger on every axis but {a}");
        return a;
    }

    /// <summary>The index in x's dtype (kernels read both with one element type); a constant of the graph.</summary>
    static Tensor SameDType(Tensor index, Tensor x) => index.DType == x.DType ? index.Detach() : Cast(index.Detach(), x.DType);

    static void CheckIndexValues(string op, Tensor index, int n, int axis, Shape xShape)
    {
        var v = index.ToDoubleArray();
        for (int i = 0; i < v.Length; i++)
            if (v[i] != Math.Floor(v[i]) || v[i] < 0 || v[i] >= n)
                throw new ArgumentException(
                    $"{op}: index value {v[i]} at {Checks.Check.IndexString(index.Shape, i)} of index {index.Shape} is not an integer in [0, {n}) (axis {axis} of {xShape})");
    }

    // ---------- masks and labels ----------

    /// <summary>
    /// x with <paramref name="value"/> wherever mask ≠ 0 (mask broadcasts to x's shape); e.g. −∞ above the
    /// diagonal of attention scores for the causal mask M of §3.1. The gradient is 0 at masked positions, g elsewhere.
    /// </summary>
    public static Tensor MaskedFill(Tensor x, Tensor mask, double value)
    {
        if (mask.Device != x.Device)
            throw new ArgumentException($"masked_fill: mask {mask.Shape} is on {mask.Device} but x {x.Shape} is on {x.Device}");
        var shape = Shape.Broadcast(mask.Shape, x.Shape, "masked_fill");
        if (!shape.Equals(x.Shape))
            throw new ArgumentException($"masked_fill: mask {mask.Shape} does not broadcast to x {x.Shape}");
        return Where(mask.Detach(), Tensor.Full(new Shape(), value, x.DType, x.Device), x);
    }

    /// <summary>One-hot rows: result [labels.Length, classes] with a 1 at (i, labels[i]) (§10 cross-entropy targets).</summary>
    public static Tensor OneHot(int[] labels, int classes, DType dtype = DType.Float32, Device device = Device.Cpu)
    {
        if (classes < 1) throw new ArgumentException($"one_hot: {classes} classes");
        var d = new double[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
                throw new ArgumentException($"one_hot: label {labels[i]} at position {i} is not in [0, {classes})");
            d[i * classes + labels[i]] = 1;
        }
        return Tensor.FromArray(d, labels.Length, classes).To(dtype).To(device);
    }
}
