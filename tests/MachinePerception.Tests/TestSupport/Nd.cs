using MachinePerception.Tensors;

namespace MachinePerception.Tests.TestSupport;

/// <summary>
/// A plain n-dimensional array of doubles for the reference side of op tests: every reference is written
/// with these explicit loops, independent of the engine's kernels, shapes and broadcasting code.
/// </summary>
public sealed class Nd
{
    public int[] Shape { get; }
    public double[] Data { get; }

    public Nd(int[] shape, double[] data)
    {
        int size = 1;
        foreach (var d in shape) size *= d;
        if (size != data.Length) throw new ArgumentException($"Nd: {data.Length} values for shape [{string.Join(", ", shape)}]");
        Shape = shape;
        Data = data;
    }

    public static Nd Zeros(params int[] shape)
    {
        int size = 1;
        foreach (var d in shape) size *= d;
        return new Nd(shape, new double[size]);
    }

    public static Nd Of(Tensor t) => new(t.Shape.ToArray(), t.ToDoubleArray());

    public int Rank => Shape.Length;
    public int Size => Data.Length;

    /// <summary>Flat position of a multi-index (row-major).</summary>
    public int Flat(int[] idx)
    {
        int f = 0;
        for (int i = 0; i < Rank; i++) f = f * Shape[i] + idx[i];
        return f;
    }

    public double this[params int[] idx]
    {
        get => Data[Flat(idx)];
        set => Data[Flat(idx)] = value;
    }

    /// <summary>Every multi-index of a shape, in row-major order.</summary>
    public static IEnumerable<int[]> Indices(int[] shape)
    {
        int size = 1;
        foreach (var d in shape) size *= d;
        var idx = new int[shape.Length];
        for (int k = 0; k < size; k++)
        {
            yield return (int[])idx.Clone();
            for (int a = shape.Length - 1; a >= 0; a--)
            {
                if (++idx[a] < shape[a]) break;
                idx[a] = 0;
            }
        }
    }

    public Nd Map(Func<double, double> f) => new(Shape, Data.Select(f).ToArray());

    /// <summary>f(a, b) with NumPy broadcasting, by reading each input at the output index clipped to its size-1 axes.</summary>
    public static Nd Zip(Nd a, Nd b, Func<double, double, double> f)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = Dim(a, i, rank), db = Dim(b, i, rank);
            if (da != db && da != 1 && db != 1) throw new ArgumentException("Nd.Zip: shapes do not broadcast");
            shape[i] = da == 1 ? db : da;
        }
        var y = Zeros(shape);
        foreach (var idx in Indices(shape)) y[idx] = f(a.At(idx), b.At(idx));
        return y;
    }

    static int Dim(Nd t, int i, int rank) => i < rank - t.Rank ? 1 : t.Shape[i - (rank - t.Rank)];

    /// <summary>The element a broadcast read at a (possibly longer) output index sees.</summary>
    public double At(int[] outIdx)
    {
        var idx = new int[Rank];
        int off = outIdx.Length - Rank;
        for (int i = 0; i < Rank; i++) idx[i] = Shape[i] == 1 ? 0 : outIdx[i + off];
        return this[idx];
    }

    /// <summary>Reduces the listed axes (all when empty) with f over the values of each group, in row-major order.</summary>
    public Nd Reduce(int[] axes, bool keepDims, Func<double[], double> f)
    {
        var all = axes.Length == 0 ? Enumerable.Range(0, Rank).ToArray() : axes.Select(a => a < 0 ? a + Rank : a).ToArray();
        var outShape = Enumerable.Range(0, Rank).Where(a => !all.Contains(a)).Select(a => Shape[a]).ToArray();
        var groups = new Dictionary<int, List<double>>();
        var outIdx = new List<int>();
        foreach (var idx in Indices(Shape))
        {
            outIdx.Clear();
            for (int a = 0; a < Rank; a++) if (!all.Contains(a)) outIdx.Add(idx[a]);
            int key = 0;
            for (int i = 0; i < outIdx.Count; i++) key = key * outShape[i] + outIdx[i];
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(this[idx]);
        }
        var y = Zeros(outShape);
        for (int k = 0; k < y.Size; k++) y.Data[k] = f(groups.TryGetValue(k, out var l) ? l.ToArray() : []);
        if (!keepDims) return y;
        var kept = Enumerable.Range(0, Rank).Select(a => all.Contains(a) ? 1 : Shape[a]).ToArray();
        return new Nd(kept, y.Data);
    }

    /// <summary>Result axis i is input axis perm[i].</summary>
    public Nd Permute(params int[] perm)
    {
        var y = Zeros(perm.Select(p => Shape[p]).ToArray());
        foreach (var idx in Indices(Shape))
        {
            var o = perm.Select(p => idx[p]).ToArray();
            y[o] = this[idx];
        }
        return y;
    }

    public Nd Reshape(params int[] shape) => new(shape, Data);
}
