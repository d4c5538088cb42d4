using MachinePerception.Autodiff;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

// Ops that move elements without changing them: reshape, permute, broadcast, and SumTo (broadcast's adjoint).
public static partial class Op
{
    /// <summary>The same elements with another shape of equal size; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var dims = (int[])shape.Clone();
        int infer = Array.IndexOf(dims, -1);
        if (infer >= 0)
        {
            long known = 1;
            for (int i = 0; i < dims.Length; i++) if (i != infer) known *= dims[i];
            if (known == 0 || x.Size % known != 0)
                throw new ArgumentException($"reshape: cannot infer -1 in [{string.Join(", ", shape)}] for {x.Shape} ({x.Size} elements)");
            dims[infer] = (int)(x.Size / known);
        }
        var s = new Shape(dims);
        if (s.Size != x.Size)
            throw new ArgumentException($"reshape: {x.Shape} ({x.Size} elements) cannot become [{string.Join(", ", shape)}] ({s.Size} elements)");
        if (s.Equals(x.Shape)) return x;
        // contiguous storage: a reshape shares the elements, nothing is copied
        var y = new Tensor(s, x.Storage);
        var from = x.Shape.ToArray();
        return Autograd.Record(y, "reshape", [x], g => [Reshape(g, from)]);
    }

    /// <summary>All elements in one axis.</summary>
    public static Tensor Flatten(Tensor x) => Reshape(x, x.Size);

    /// <summary>Reorders the axes: result axis i is input axis <paramref name="axes"/>[i]. The backward applies the inverse permutation.</summary>
    public static Tensor Permute(Tensor x, params int[] axes)
    {
        if (axes.Length != x.Rank) throw new ArgumentException($"permute: {axes.Length} axes given for shape {x.Shape}");
        var perm = axes.Select(a => Shape.NormalizeAxis(a, x.Rank, "permute")).ToArray();
        if (perm.Distinct().Count() != perm.Length) throw new ArgumentException($"permute: [{string.Join(", ", axes)}] is not a permutation of the axes of {x.Shape}");
        bool identity = true;
        for (int i = 0; i < perm.Length; i++) identity &= perm[i] == i;
        if (identity) return x;
        var strides = x.Shape.Strides();
        var y = Empty(x, new Shape(perm.Select(a => x.Shape[a]).ToArray()));
        B(x).StridedCopy(x, 0, perm.Select(a => strides[a]).ToArray(), y);
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return Autograd.Record(y, "permute", [x], g => [Permute(g, inverse)]);
    }

    /// <summary>Swaps two axes (default: the last two, the matrix transpose).</summary>
    public static Tensor Transpose(Tensor x, int axis0 = -2, int axis1 = -1)
    {
        if (x.Rank < 2) throw new ArgumentException($"transpose: needs rank ≥ 2, got {x.Shape}");
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        int a = Shape.NormalizeAxis(axis0, x.Rank, "transpose"), b = Shape.NormalizeAxis(axis1, x.Rank, "transpose");
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(x, perm);
    }

    /// <summary>Stretches size-1 axes (and adds leading axes) to <paramref name="shape"/>. Backward: SumTo.</summary>
    public static Tensor BroadcastTo(Tensor x, Shape shape)
    {
        if (x.Shape.Equals(shape)) return x;
        if (!Shape.Broadcast(x.Shape, shape, "broadcast_to").Equals(shape))
            throw new ArgumentException($"broadcast_to: {x.Shape} cannot be stretched to {shape}");
        var strides = x.Shape.BroadcastStrides(shape);
        var y = Empty(x, shape);
        B(x).StridedCopy(x, 0, strides, y);
        var from = x.Shape;
        return Autograd.Record(y, "broadcast_to", [x], g => [SumTo(g, from)]);
    }

    /// <summary>
    /// Sums <paramref name="x"/> over the axes along which <paramref name="shape"/> was broadcast to x's shape:
    /// the adjoint of <see cref="BroadcastTo"/>, used by every broadcasting op's backward.
    /// </summary>
    public static Tensor SumTo(Tensor x, Shape shape)
    {
        if (x.Shape.Equals(shape)) return x;
        int lead = x.Rank - shape.Rank;
        if (lead < 0) throw new ArgumentException($"sum_to: cannot sum {x.Shape} to higher-rank {shape}");
        var axes = new List<int>();
        for (int i = 0; i < x.Rank; i++)
        {
            if (i < lead) axes.Add(i);
            else if (shape[i - lead] == 1 && x.Shape[i] != 1) axes.Add(i);
            else if (shape[i - lead] != x.Shape[i])
                throw new ArgumentException($"sum_to: {x.Shape} is not a broadcast of {shape}");
        }
        var summed = Sum(x, axes.ToArray(), keepDims: true);
        return Reshape(summed, shape.ToArray());
    }

    /// <summary>Inserts a size-1 axis at <paramref name="axis"/>.</summary>
    public static Tensor Unsqueeze(Tensor x, int axis)
    {
        int a = axis < 0 ? axis + x.Rank + 1 : axis;
        if (a < 0 || a > x.Rank) throw new ArgumentException($"unsqueeze: axis {axis} out of range for {x.Shape}");
        var dims = x.Shape.ToArray().ToList();
        dims.Insert(a, 1);
        return Reshape(x, dims.ToArray());
    }

    /// <summary>Removes a size-1 axis.</summary>
    public static Tensor Squeeze(Tensor x, int axis)
    {
        int a = Shape.NormalizeAxis(axis, x.Rank, "squeeze");
        if (x.Shape[a] != 1) throw new ArgumentException($"squeeze: axis {axis} of {x.Shape} has size {x.Shape[a]}, not 1");
        var dims = x.Shape.ToArray().ToList();
        dims.RemoveAt(a);
        return Reshape(x, dims.ToArray());
    }
}
