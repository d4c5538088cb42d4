using ILGPU;
using ILGPU.Runtime;
using MachinePerception.Tensors;
using Device = MachinePerception.Tensors.Device;

namespace MachinePerception.Backends.Cuda;

// Gather and its adjoint, scatter-add. Indices arrive as numbers; a bad one is flagged by the kernel and
// reported on the host with the CPU backend's message (the flag read-back is one small synchronising copy).
public sealed partial class CudaBackend
{
    MemoryBuffer1D<int, Stride1D.Dense>? indexError;

    public override void Gather(Tensor x, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner)
    {
        if (x.DType == DType.Float32)
            IndexLaunch<float>("gather", IndexingKernels.Gather<float, Float32Math>, x, index, y, outer, nIn, nOut, inner, y.Size, nIn);
        else
            IndexLaunch<double>("gather", IndexingKernels.Gather<double, Float64Math>, x, index, y, outer, nIn, nOut, inner, y.Size, nIn);
    }

    public override void ScatterAdd(Tensor src, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner)
    {
        if (src.DType == DType.Float32)
            IndexLaunch<float>("scatter_add", IndexingKernels.ScatterAdd<float, Float32Math>, src, index, y, outer, nIn, nOut, inner, (long)outer * inner, nOut);
        else
            IndexLaunch<double>("scatter_add", IndexingKernels.ScatterAdd<double, Float64Math>, src, index, y, outer, nIn, nOut, inner, (long)outer * inner, nOut);
    }

    void IndexLaunch<T>(string op, Action<IndexArgs<T>> kernel, Tensor x, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner, long threads, int range)
        where T : unmanaged
    {
        if (index.Size == 0) return;
        if (index.DType != x.DType)
        {
            var converted = Allocate(index.Shape, x.DType);
            Copy(index, converted);
            index = converted;
        }
        kernels.Bind();
        indexError ??= accelerator.Allocate1D<int>(1);
        indexError.MemSetToZero();
        kernels.Launch(kernel, kernels.Elements(threads), new IndexArgs<T>(View<T>(x), View<T>(index), View<T>(y), indexError.View.AsContiguous(), outer, nIn, nOut, inner));
        int flag = indexError.GetAsArray1D()[0];
        if (flag != 0)
        {
            int bad = int.MaxValue - flag; // the first bad position, as the CPU backend reports it
            double value = Transfer(index, Device.Cpu).ToDoubleArray()[bad];
            throw new ArgumentException($"{op}: index {value} at position {bad} is not an integer in [0, {range})");
        }
    }
}

/// <summary>x [outer, nIn, inner] and y [outer, nOut, inner]; Index has the shape of the side that is walked (y for gather, x for scatter).</summary>
public readonly record struct IndexArgs<T>(ArrayView<T> X, ArrayView<T> Index, ArrayView<T> Y, ArrayView<int> Error,
    int Outer, int NIn, int NOut, int Inner) where T : unmanaged;

/// <summary>Kernels that move elements by an index tensor.</summary>
public static class IndexingKernels
{
    /// <summary>y[o, j, i] = x[o, index[o, j, i], i]: one thread per element of y.</summary>
    [Kernel]
    public static void Gather<T, TMath>(IndexArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        for (int k = Grid.GlobalIndex.X; k < p.Y.IntLength; k += ElementwiseKernels.GridStride)
        {
            int j = CheckedIndex<T, TMath>(p.Index[k], p.NIn, k, p.Error);
            if (j < 0) continue;
            int i = k % p.Inner, o = k / p.Inner / p.NOut;
            p.Y[k] = p.X[(o * p.NIn + j) * p.Inner + i];
        }
    }

    /// <summary>
    /// y[o, index[o, j, i], i] += x[o, j, i]. Several j may hit one target, so one thread owns each column (o, i)
    /// and adds its j = 0, 1, ... in order: the same sums, in the same order, as the serial CPU loop (no atomics).
    /// </summary>
    [Kernel]
    public static void ScatterAdd<T, TMath>(IndexArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        for (int col = Grid.GlobalIndex.X; col < p.Outer * p.Inner; col += ElementwiseKernels.GridStride)
        {
            int o = col / p.Inner, i = col % p.Inner;
            for (int j = 0; j < p.NIn; j++)
            {
                int k = (o * p.NIn + j) * p.Inner + i;
                int t = CheckedIndex<T, TMath>(p.Index[k], p.NOut, k, p.Error);
                if (t < 0) continue;
                int target = (o * p.NOut + t) * p.Inner + i;
                p.Y[target] = m.Add(p.Y[target], p.X[k]);
            }
        }
    }

    /// <summary>
    /// The index as an int, or −1 after flagging position k when it is not an integer in [0, n). The flag keeps
    /// max(int.MaxValue − k) = int.MaxValue − (first bad k): an atomic max, so the report does not depend on which
    /// thread ran first, and 0 (the zeroed flag) still means "all good".
    /// </summary>
    static int CheckedIndex<T, TMath>(T value, int n, int k, ArrayView<int> error) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        int v = m.ToInt(value);
        if (m.Equal(m.FromInt(v), value) && v >= 0 && v < n) return v;
        Atomic.Max(ref error[0], int.MaxValue - k);
        return -1;
    }
}
