using System.Numerics;
using System.Numerics.Tensors;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

public sealed partial class CpuBackend
{
    public override void StridedWrite(Tensor x, Tensor y, int offset, int[] strides)
    {
        if (x.DType == DType.Float32) StridedWrite(Data<float>(x), x.Shape, Data<float>(y), offset, strides);
        else StridedWrite(Data<double>(x), x.Shape, Data<double>(y), offset, strides);
    }

    static void StridedWrite<T>(T[] x, Shape shape, T[] y, int offset, int[] strides)
    {
        int rank = shape.Rank;
        if (rank == 0) { y[offset] = x[0]; return; }
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        int rows = inner == 0 ? 0 : shape.Size / inner;
        var idx = new int[rank];
        int dst = offset;
        for (int r = 0; r < rows; r++)
        {
            if (innerStride == 1) Array.Copy(x, r * inner, y, dst, inner);
            else for (int j = 0; j < inner; j++) y[dst + j * innerStride] = x[r * inner + j];
            for (int a = rank - 2; a >= 0; a--)
            {
                idx[a]++;
                dst += strides[a];
                if (idx[a] < shape[a]) break;
                dst -= strides[a] * shape[a];
                idx[a] = 0;
            }
        }
    }

    public override void Gather(Tensor x, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner)
    {
        var idx = Indices(index, nIn, "gather");
        if (x.DType == DType.Float32) Gather(Data<float>(x), idx, Data<float>(y), outer, nIn, nOut, inner);
        else Gather(Data<double>(x), idx, Data<double>(y), outer, nIn, nOut, inner);
        System.Buffers.ArrayPool<int>.Shared.Return(idx);
    }

    static void Gather<T>(T[] x, int[] idx, T[] y, int outer, int nIn, int nOut, int inner)
    {
        if (inner == 1)
        {
            // one index per element (the max-pooling gather): a plain loop, each outer row by one thread
            CpuParallel.For(outer, nOut, (o0, o1) =>
            {
                for (int o = o0; o < o1; o++)
                    for (int j = 0, k = o * nOut; j < nOut; j++, k++) y[k] = x[o * nIn + idx[k]];
            });
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nOut; j++)
            {
                int k0 = (o * nOut + j) * inner;
                // an index that is the same across the inner positions (index_select, embeddings) picks a whole row
                if (Uniform(idx, k0, inner))
                {
                    Array.Copy(x, (o * nIn + idx[k0]) * inner, y, k0, inner);
                    continue;
                }
                for (int i = 0; i < inner; i++) y[k0 + i] = x[(o * nIn + idx[k0 + i]) * inner + i];
            }
    }

    static bool Uniform(int[] idx, int start, int length)
    {
        for (int i = 1; i < length; i++)
            if (idx[start + i] != idx[start]) return false;
        return true;
    }

    public override void ScatterAdd(Tensor src, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner)
    {
        var idx = Indices(index, nOut, "scatter_add");
        if (src.DType == DType.Float32) ScatterAdd(Data<float>(src), idx, Data<float>(y), outer, nIn, nOut, inner);
        else ScatterAdd(Data<double>(src), idx, Data<double>(y), outer, nIn, nOut, inner);
        System.Buffers.ArrayPool<int>.Shared.Return(idx);
    }

    // Serial within an outer row on purpose: several sources may land on one target, and a fixed order keeps the sums
    // deterministic. Different outer rows write different rows of y, so those may run on different cores.
    static void ScatterAdd<T>(T[] src, int[] idx, T[] y, int outer, int nIn, int nOut, int inner) where T : INumber<T>
    {
        if (inner == 1)
        {
            // one index per element (max-unpooling, the max-pooling backward): a plain loop
            CpuParallel.For(outer, nIn, (o0, o1) =>
            {
                for (int o = o0; o < o1; o++)
                    for (int j = 0, k = o * nIn; j < nIn; j++, k++) y[o * nOut + idx[k]] += src[k];
            });
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIn; j++)
            {
                int k0 = (o * nIn + j) * inner;
                if (Uniform(idx, k0, inner))
                {
                    // a whole row into a whole row: the same additions in the same order, vectorised
                    var row = y.AsSpan((o * nOut + idx[k0]) * inner, inner);
                    TensorPrimitives.Add(row, src.AsSpan(k0, inner), row);
                    continue;
                }
                for (int i = 0; i < inner; i++) y[(o * nOut + idx[k0 + i]) * inner + i] += src[k0 + i];
            }
    }

    /// <summary>
    /// Index values stored as numbers, checked to be integers in [0, n), in an array rented from the shared pool (at
    /// least as long as the index; the caller returns it).
    /// </summary>
    static int[] Indices(Tensor index, int n, string op) =>
        index.Storage is CpuStorage<float> f ? Indices<float>(f.Data, n, op) : Indices<double>(Data<double>(index), n, op);

    static int[] Indices<T>(T[] d, int n, string op) where T : IFloatingPoint<T>
    {
        var r = System.Buffers.ArrayPool<int>.Shared.Rent(d.Length);
        for (int i = 0; i < d.Length; i++)
        {
            int v = int.CreateSaturating(d[i]);
            if (T.CreateTruncating(v) != d[i] || v < 0 || v >= n)
            {
                System.Buffers.ArrayPool<int>.Shared.Return(r);
                throw new ArgumentException($"{op}: index {d[i]} at position {i} is not an integer in [0, {n})");
            }
            r[i] = v;
        }
        return r;
    }
}
