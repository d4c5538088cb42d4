using System.Numerics;
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
    }

    static void Gather<T>(T[] x, int[] idx, T[] y, int outer, int nIn, int nOut, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nOut; j++)
                for (int i = 0; i < inner; i++)
                {
                    int k = (o * nOut + j) * inner + i;
                    y[k] = x[(o * nIn + idx[k]) * inner + i];
                }
    }

    public override void ScatterAdd(Tensor src, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner)
    {
        var idx = Indices(index, nOut, "scatter_add");
        if (src.DType == DType.Float32) ScatterAdd(Data<float>(src), idx, Data<float>(y), outer, nIn, nOut, inner);
        else ScatterAdd(Data<double>(src), idx, Data<double>(y), outer, nIn, nOut, inner);
    }

    // Serial on purpose: several sources may land on one target, and a fixed order keeps the sums deterministic.
    static void ScatterAdd<T>(T[] src, int[] idx, T[] y, int outer, int nIn, int nOut, int inner) where T : INumber<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIn; j++)
                for (int i = 0; i < inner; i++)
                {
                    int k = (o * nIn + j) * inner + i;
                    y[(o * nOut + idx[k]) * inner + i] += src[k];
                }
    }

    /// <summary>Index values stored as numbers, checked to be integers in [0, n).</summary>
    static int[] Indices(Tensor index, int n, string op)
    {
        var d = index.ToDoubleArray();
        var r = new int[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            int v = (int)d[i];
            if (v != d[i] || v < 0 || v >= n)
                throw new ArgumentException($"{op}: index {d[i]} at position {i} is not an integer in [0, {n})");
            r[i] = v;
        }
        return r;
    }
}
