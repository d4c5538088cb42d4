using System.Collections;
using System.Runtime.CompilerServices;

namespace MachinePerception.Tensors;

/// <summary>
/// An immutable list of dimension sizes, row-major (the last axis is contiguous).
/// Broadcasting follows NumPy: shapes are aligned at the right, a size-1 axis stretches.
/// </summary>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public sealed class Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    /// <summary>Lets a shape be written as a collection expression: <c>Shape s = [2, 3];</c></summary>
    public static Shape Create(ReadOnlySpan<int> dims) => new(dims.ToArray());

    readonly int[] dims;

    public Shape(params int[] dims)
    {
        foreach (var d in dims)
            if (d < 0) throw new ArgumentException($"Shape: negative dimension in [{string.Join(", ", dims)}]");
        this.dims = (int[])dims.Clone();
        long n = 1;
        foreach (var d in dims) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"Shape: [{string.Join(", ", dims)}] has more than 2^31 elements");
        Size = (int)n;
    }

    public int Rank => dims.Length;
    int IReadOnlyCollection<int>.Count => dims.Length;
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => dims.GetEnumerator();
    public int Size { get; }
    public int this[int axis] => dims[NormalizeAxis(axis, Rank, "Shape")];
    public int[] ToArray() => (int[])dims.Clone();
    public ReadOnlySpan<int> Dims => dims;

    /// <summary>Row-major strides in elements: stride[i] = product of dims after i.</summary>
    public int[] Strides()
    {
        var s = new int[Rank];
        int acc = 1;
        for (int i = Rank - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    /// <summary>Turns a possibly negative axis into 0..rank-1, or throws naming the op.</summary>
    public static int NormalizeAxis(int axis, int rank, string op)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ArgumentException($"{op}: axis {axis} is out of range for rank {rank}");
        return a;
    }

    /// <summary>The broadcast shape of a and b, or an error naming the op and both shapes.</summary>
    public static Shape Broadcast(Shape a, Shape b, string op)
    {
        if (a.Equals(b)) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a.dims[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b.dims[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {a} and {b} cannot be broadcast (axis {i}: {da} vs {db})");
            r[i] = da == 1 ? db : da;
        }
        return new Shape(r);
    }

    /// <summary>Strides for reading a tensor of this shape as if it had shape <paramref name="target"/> (0 on stretched axes).</summary>
    public int[] BroadcastStrides(Shape target)
    {
        var own = Strides();
        var s = new int[target.Rank];
        int off = target.Rank - Rank;
        if (off < 0) throw new ArgumentException($"broadcast: cannot broadcast {this} to lower-rank {target}");
        for (int i = 0; i < Rank; i++)
        {
            if (dims[i] == target.dims[i + off]) s[i + off] = own[i];
            else if (dims[i] == 1) s[i + off] = 0;
            else throw new ArgumentException($"broadcast: cannot broadcast {this} to {target}");
        }
        return s;
    }

    public bool Equals(Shape? other) => other is not null && dims.AsSpan().SequenceEqual(other.dims);
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in dims) h.Add(d);
        return h.ToHashCode();
    }
    public override string ToString() => "[" + string.Join(", ", dims) + "]";

    public static implicit operator Shape(int[] dims) => new(dims);
}
