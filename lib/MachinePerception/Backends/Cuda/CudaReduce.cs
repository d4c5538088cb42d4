using ILGPU;
using MachinePerception.Tensors;

namespace MachinePerception.Backends.Cuda;

// Reductions along an axis and softmax. Threads fold fixed slices of the axis, and a shared-memory tree with a
// fixed pairing combines the slices, so results never depend on timing.
public sealed partial class CudaBackend
{
    public override void Reduce(ReduceOp op, Tensor x, Tensor y, int outer, int n, int inner)
    {
        if (n == 0 && op is not ReduceOp.Sum)
            throw new ArgumentException($"{op}: cannot reduce an empty axis (x {x.Shape})");
        if (x.DType == DType.Float32) Reduce<float, Float32Math>(op, x, y, outer, n, inner);
        else Reduce<double, Float64Math>(op, x, y, outer, n, inner);
    }

    void Reduce<T, TMath>(ReduceOp op, Tensor x, Tensor y, int outer, int n, int inner) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        if (inner == 1)
        {
            kernels.Launch(ReductionKernels.ReduceRows<T, TMath>, kernels.Rows(outer), new ReduceArgs<T>(View<T>(x), View<T>(y), (int)op, outer, n, inner, 1));
            return;
        }
        // columns: a group takes `lanes` neighbouring columns (coalesced reads) and splits the axis among
        // GroupSize / lanes slices, so a few long columns (a bias gradient Σ over the batch) still fill the GPU
        int lanes = (int)Math.Min(Math.Min(32, kernels.GroupSize / 2), BitCeil(inner));
        int blocks = outer * ((inner + lanes - 1) / lanes);
        kernels.Launch(ReductionKernels.ReduceColumns<T, TMath>, kernels.Rows(blocks), new ReduceArgs<T>(View<T>(x), View<T>(y), (int)op, outer, n, inner, lanes));
    }

    static long BitCeil(long v)
    {
        long p = 1;
        while (p < v) p *= 2;
        return p;
    }

    public override void Softmax(Tensor x, Tensor y, int rows, int n, bool log)
    {
        if (x.DType == DType.Float32)
            kernels.Launch(ReductionKernels.Softmax<float, Float32Math>, kernels.Rows(rows), new SoftmaxArgs<float>(View<float>(x), View<float>(y), rows, n, log ? 1 : 0));
        else
            kernels.Launch(ReductionKernels.Softmax<double, Float64Math>, kernels.Rows(rows), new SoftmaxArgs<double>(View<double>(x), View<double>(y), rows, n, log ? 1 : 0));
    }
}

/// <summary>x viewed as [Outer, N, Inner] reduced over N; Lanes = columns per group in the column kernel.</summary>
public readonly record struct ReduceArgs<T>(ArrayView<T> X, ArrayView<T> Y, int Op, int Outer, int N, int Inner, int Lanes) where T : unmanaged;
/// <summary>Softmax of x viewed as [Rows, N] along N; Log = 1 for log-softmax.</summary>
public readonly record struct SoftmaxArgs<T>(ArrayView<T> X, ArrayView<T> Y, int Rows, int N, int Log) where T : unmanaged;

/// <summary>Kernels that reduce along one axis, and softmax (a max, a sum and a map over each row).</summary>
public static class ReductionKernels
{
    /// <summary>Largest group the shared-memory trees are sized for (the launch helper never exceeds it).</summary>
    public const int MaxGroup = 256;

    /// <summary>
    /// x as [outer, n, inner] with inner &gt; 1. A group owns a block of <c>Lanes</c> neighbouring columns of one o;
    /// thread (slice, lane) folds column i = block start + lane over j = slice, slice + S, ... (S = group size / lanes),
    /// then a tree over the slices combines them per lane.
    /// </summary>
    [Kernel]
    public static void ReduceColumns<T, TMath>(ReduceArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        var values = SharedMemory.Allocate<T>(MaxGroup);
        var indices = SharedMemory.Allocate<int>(MaxGroup);
        int lanes = p.Lanes, slices = Group.DimX / lanes, lane = Group.IdxX % lanes, slice = Group.IdxX / lanes;
        int blocksPerRow = (p.Inner + lanes - 1) / lanes;
        for (int b = Grid.IdxX; b < p.Outer * blocksPerRow; b += Grid.DimX)
        {
            int o = b / blocksPerRow, i = b % blocksPerRow * lanes + lane;
            bool live = i < p.Inner; // the last block may stick out; its extra threads still meet every barrier
            int first = o * p.N * p.Inner + i;
            int op = p.Op == (int)ReduceOp.LogSumExp ? (int)ReduceOp.Max : p.Op;
            Identity<T, TMath>(op, out T v, out int at);
            if (live)
                for (int j = slice; j < p.N; j += slices) Combine<T, TMath>(op, ref v, ref at, p.X[first + j * p.Inner], j);
            v = GroupTree<T, TMath>(op, v, at, values, indices, lanes, out at);
            if (p.Op == (int)ReduceOp.LogSumExp)
            {
                T mx = v, s = m.Zero;
                if (live)
                    for (int j = slice; j < p.N; j += slices) s = m.Add(s, m.Exp(m.Sub(p.X[first + j * p.Inner], mx)));
                s = GroupTree<T, TMath>((int)ReduceOp.Sum, s, 0, values, indices, lanes, out _);
                v = FinishLogSumExp<T, TMath>(mx, s);
            }
            if (live && slice == 0) p.Y[o * p.Inner + i] = IsArg(p.Op) ? m.FromInt(at) : v;
        }
    }

    /// <summary>x as [outer, n] (contiguous rows): one group per row, each thread folds a strided slice, then a tree.</summary>
    [Kernel]
    public static void ReduceRows<T, TMath>(ReduceArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        var values = SharedMemory.Allocate<T>(MaxGroup);
        var indices = SharedMemory.Allocate<int>(MaxGroup);
        for (int row = Grid.IdxX; row < p.Outer; row += Grid.DimX)
        {
            int start = row * p.N;
            if (p.Op == (int)ReduceOp.LogSumExp)
            {
                T mx = RowFold<T, TMath>(p.X, start, p.N, (int)ReduceOp.Max, values, indices, out _);
                T s = m.Zero;
                for (int j = Group.IdxX; j < p.N; j += Group.DimX) s = m.Add(s, m.Exp(m.Sub(p.X[start + j], mx)));
                s = GroupTree<T, TMath>((int)ReduceOp.Sum, s, 0, values, indices, 1, out _);
                if (Group.IdxX == 0) p.Y[row] = FinishLogSumExp<T, TMath>(mx, s);
                continue;
            }
            T v = RowFold<T, TMath>(p.X, start, p.N, p.Op, values, indices, out int at);
            if (Group.IdxX == 0) p.Y[row] = IsArg(p.Op) ? m.FromInt(at) : v;
        }
    }

    /// <summary>Row-wise softmax: subtract the row max first (softmax is shift-invariant, so exp never overflows).</summary>
    [Kernel]
    public static void Softmax<T, TMath>(SoftmaxArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        var values = SharedMemory.Allocate<T>(MaxGroup);
        var indices = SharedMemory.Allocate<int>(MaxGroup);
        for (int row = Grid.IdxX; row < p.Rows; row += Grid.DimX)
        {
            int start = row * p.N;
            T mx = RowFold<T, TMath>(p.X, start, p.N, (int)ReduceOp.Max, values, indices, out _);
            T s = m.Zero;
            for (int j = Group.IdxX; j < p.N; j += Group.DimX)
            {
                T e = m.Exp(m.Sub(p.X[start + j], mx));
                s = m.Add(s, e);
                if (p.Log == 0) p.Y[start + j] = e;
            }
            s = GroupTree<T, TMath>((int)ReduceOp.Sum, s, 0, values, indices, 1, out _);
            // log-softmax: (x − m) − log Σ e^{x−m}; softmax: e^{x−m} / Σ e^{x−m}
            T logS = m.Log(s);
            for (int j = Group.IdxX; j < p.N; j += Group.DimX)
                p.Y[start + j] = p.Log != 0 ? m.Sub(m.Sub(p.X[start + j], mx), logS) : m.Div(p.Y[start + j], s);
        }
    }

    static bool IsArg(int op) => op == (int)ReduceOp.ArgMax || op == (int)ReduceOp.ArgMin;

    // log Σ e^{x_j} = m + log Σ e^{x_j − m}; an infinite max is the answer itself (as on the CPU)
    static T FinishLogSumExp<T, TMath>(T mx, T s) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        bool infinite = m.Equal(m.Abs(mx), m.Neg(m.NegativeInfinity));
        return infinite ? mx : m.Add(mx, m.Log(s));
    }

    /// <summary>The neutral start of a fold: 0 for sums, −∞ for max, +∞ for min, and the last possible index for arg-reductions.</summary>
    static void Identity<T, TMath>(int op, out T v, out int at) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        at = int.MaxValue;
        v = op == (int)ReduceOp.Sum ? m.Zero
            : op == (int)ReduceOp.Max || op == (int)ReduceOp.ArgMax ? m.NegativeInfinity
            : m.Neg(m.NegativeInfinity);
    }

    /// <summary>
    /// Folds (x, j) into the running (v, at). Arg-reductions rank values as TensorPrimitives.IndexOfMax/IndexOfMin
    /// do: NaN first, then by value, +0 above −0 for max (−0 below +0 for min), and the first index among equals.
    /// That is a fixed order, so a tree of partial results picks the same index as a loop.
    /// </summary>
    static void Combine<T, TMath>(int op, ref T v, ref int at, T x, int j) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        if (op == (int)ReduceOp.Sum) { v = m.Add(v, x); return; }
        if (op == (int)ReduceOp.Max) { v = m.Max(v, x); return; }
        if (op == (int)ReduceOp.Min) { v = m.Min(v, x); return; }
        bool take;
        if (m.IsNaN(v) || m.IsNaN(x)) take = m.IsNaN(x) && (!m.IsNaN(v) || j < at);
        else if (!m.Equal(x, v)) take = op == (int)ReduceOp.ArgMax ? m.Greater(x, v) : m.Greater(v, x);
        else if (m.IsNegative(x) != m.IsNegative(v)) take = op == (int)ReduceOp.ArgMax ? m.IsNegative(v) : m.IsNegative(x); // ±0
        else take = j < at;
        if (take) { v = x; at = j; }
    }

    /// <summary>Every thread of the group folds x[start + t], x[start + t + G], ...; then the group combines the partials.</summary>
    static T RowFold<T, TMath>(ArrayView<T> x, int start, int n, int op, ArrayView<T> values, ArrayView<int> indices, out int at)
        where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        Identity<T, TMath>(op, out T v, out int a);
        for (int j = Group.IdxX; j < n; j += Group.DimX) Combine<T, TMath>(op, ref v, ref a, x[start + j], j);
        return GroupTree<T, TMath>(op, v, a, values, indices, 1, out at);
    }

    /// <summary>
    /// Combines the partials of the group's slices, lane by lane: thread t = slice·lanes + lane holds one, and for
    /// w = S/2, S/4, ..., 1 slice s &lt; w takes in slice s + w (S = group size / lanes, a power of two). With
    /// lanes = 1 this is a plain tree over the whole group. The pairing is fixed, so the result is the same on
    /// every run. Every thread of a lane gets its lane's result.
    /// </summary>
    static T GroupTree<T, TMath>(int op, T v, int at, ArrayView<T> values, ArrayView<int> indices, int lanes, out int resultAt)
        where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        int t = Group.IdxX, lane = t % lanes, slice = t / lanes;
        values[t] = v;
        indices[t] = at;
        Group.Barrier();
        for (int w = Group.DimX / lanes / 2; w > 0; w /= 2)
        {
            if (slice < w)
            {
                T mine = values[t];
                int mineAt = indices[t];
                Combine<T, TMath>(op, ref mine, ref mineAt, values[t + w * lanes], indices[t + w * lanes]);
                values[t] = mine;
                indices[t] = mineAt;
            }
            Group.Barrier();
        }
        T r = values[lane];
        resultAt = indices[lane];
        Group.Barrier(); // nobody overwrites the shared slots before all have read their lane's result
        return r;
    }
}
