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
                for (int o = o0; o < o1; o++) y[o] = ReduceRow(op, new ReadOnlySpan<T>(x, o * n, n));
            });
            return;
        }
        CpuParallel.For(outer, (long)n * inner, (o0, o1) =>
        {
            var column = new T[n];
            for (int o = o0; o < o1; o++)
            {
                var dst = new Span<T>(y, o * inner, inner);
                if (op == ReduceOp.Sum)
                {
                    dst.Clear();
                    for (int j = 0; j < n; j++) TensorPrimitives.Add(dst, new ReadOnlySpan<T>(x, (o * n + j) * inner, inner), dst);
                    continue;
                }
                for (int i = 0; i < inner; i++)
                {
                    for (int j = 0; j < n; j++) column[j] = x[(o * n + j) * inner + i];
                    dst[i] = ReduceRow(op, column);
                }
            }
        });
    }

    static T ReduceRow<T>(ReduceOp op, ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
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
                T s = T.Zero;
                foreach (var v in row) s += T.Exp(v - m);
                return m + T.Log(s);
            default: throw new NotSupportedException($"CPU backend: reduction {op}");
        }
    }
}
