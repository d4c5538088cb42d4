using System.Numerics;
using System.Numerics.Tensors;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

public sealed partial class CpuBackend
{
    public override void Reduce(ReduceOp op, Tensor x, Tensor y, int outer, int n, int inner)
    {
        if (x.DType == DType.Float32) Reduce(op, Data<float>(x), Data<float>(y), outer, n, inner);
        else Reduce(op, Data<double>(x), Data<double>(y), outer, n, inner);
    }

    // Each output element is reduced by one thread in a fixed order: deterministic sums.
    static void Reduce<T>(ReduceOp op, T[] x, T[] y, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 && op is not ReduceOp.Sum)
            throw new ArgumentException($"{op}: cannot reduce an empty axis");
        if (inner == 1)
        {
            CpuParallel.For(outer, Math.Max(1, n), (o0, o1) =>
            {
                var scratch = op == ReduceOp.LogSumExp ? new T[n] : [];
                for (int o = o0; o < o1; o++) y[o] = ReduceRow(op, new ReadOnlySpan<T>(x, o * n, n), scratch);
            });
            return;
        }
        CpuParallel.For(outer, (long)n * inner, (o0, o1) =>
        {
            var scratch = new T[inner];
            for (int o = o0; o < o1; o++) ReduceRows(op, x, new Span<T>(y, o * inner, inner), o, n, inner, scratch);
        });
    }

    /// <summary>
    /// Reduces [n, inner] into dst [inner] a whole row at a time (contiguous reads; SIMD for sum, max, min and
    /// log-sum-exp) rather than a strided column at a time.
    /// </summary>
    static void ReduceRows<T>(ReduceOp op, T[] x, Span<T> dst, int o, int n, int inner, T[] scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> Row(int j) => new(x, (o * n + j) * inner, inner);
        switch (op)
        {
            case ReduceOp.Sum:
                dst.Clear();
                for (int j = 0; j < n; j++) TensorPrimitives.Add(dst, Row(j), dst);
                return;
            case ReduceOp.Max:
            case ReduceOp.Min:
                Row(0).CopyTo(dst);
                for (int j = 1; j < n; j++)
                    if (op == ReduceOp.Max) TensorPrimitives.Max(dst, Row(j), dst);
                    else TensorPrimitives.Min(dst, Row(j), dst);
                return;
            case ReduceOp.LogSumExp:
                // m + log Σ_j e^{x_j − m} per column, with m the column max (dst holds m, then the result)
                var m = dst;
                Row(0).CopyTo(m);
                for (int j = 1; j < n; j++) TensorPrimitives.Max(m, Row(j), m);
                var sum = new T[inner];
                var e = scratch.AsSpan(0, inner);
                for (int j = 0; j < n; j++)
                {
                    TensorPrimitives.Subtract(Row(j), m, e);
                    TensorPrimitives.Exp(e, e);
                    TensorPrimitives.Add(sum, e, sum);
                }
                for (int i = 0; i < inner; i++)
                    if (!T.IsInfinity(m[i])) m[i] += T.Log(sum[i]); // an infinite max is the answer itself
                return;
            case ReduceOp.ArgMax:
            case ReduceOp.ArgMin:
                // the running best of each column, replaced only by a strictly better value (ties keep the first
                // index), by a first NaN, or by +0 over −0 for max (−0 over +0 for min): the same order as
                // TensorPrimitives.IndexOfMax/IndexOfMin on a contiguous row
                var best = scratch.AsSpan(0, inner);
                Row(0).CopyTo(best);
                dst.Clear();
                for (int j = 1; j < n; j++)
                {
                    var row = Row(j);
                    T index = T.CreateTruncating(j);
                    for (int i = 0; i < inner; i++)
                    {
                        T v = row[i], b = best[i];
                        bool better = op == ReduceOp.ArgMax
                            ? v > b || (v == b && T.IsNegative(b) && !T.IsNegative(v))
                            : v < b || (v == b && T.IsNegative(v) && !T.IsNegative(b));
                        if (better || (T.IsNaN(v) && !T.IsNaN(b))) { best[i] = v; dst[i] = index; }
                    }
                }
                return;
            default:
                throw new NotSupportedException($"CPU backend: reduction {op}");
        }
    }

    static T ReduceRow<T>(ReduceOp op, ReadOnlySpan<T> row, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case ReduceOp.Sum: return TensorPrimitives.Sum(row);
            case ReduceOp.Max: return TensorPrimitives.Max(row);
            case ReduceOp.Min: return TensorPrimitives.Min(row);
            case ReduceOp.ArgMax: return T.CreateTruncating(TensorPrimitives.IndexOfMax(row));
            case ReduceOp.ArgMin: return T.CreateTruncating(TensorPrimitives.IndexOfMin(row));
            case ReduceOp.LogSumExp:
                // log Σ e^{x_j} = m + log Σ e^{x_j − m} with m = max x: no overflow
                T m = TensorPrimitives.Max(row);
                if (T.IsInfinity(m)) return m;
                if (scratch.Length < row.Length)
                {
                    T s = T.Zero;
                    foreach (var v in row) s += T.Exp(v - m);
                    return m + T.Log(s);
                }
                var e = scratch[..row.Length];
                TensorPrimitives.Subtract(row, m, e);
                TensorPrimitives.Exp(e, e);
                return m + T.Log(TensorPrimitives.Sum<T>(e));
            default: throw new NotSupportedException($"CPU backend: reduction {op}");
        }
    }
}
