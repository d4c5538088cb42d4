using System.Numerics;
using System.Numerics.Tensors;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

/// <summary>
/// The default backend: managed arrays, SIMD through <see cref="TensorPrimitives"/>, a packed GEMM, and
/// <see cref="CpuParallel"/> above a size threshold. Each primitive is written once, generic over float/double.
/// </summary>
public sealed partial class CpuBackend : Backend
{
    public static readonly CpuBackend Instance = new();

    CpuBackend() { }

    public override Device Device => Device.Cpu;

    // large arrays come from CpuBufferPool (reused once their tensors are unreachable)
    public override Tensor Allocate(Shape shape, DType dtype) =>
        dtype == DType.Float32
            ? new Tensor(shape, CpuBufferPool.Storage<float>(shape.Size, zero: true))
            : new Tensor(shape, CpuBufferPool.Storage<double>(shape.Size, zero: true));

    public override Tensor AllocateUninitialized(Shape shape, DType dtype) =>
        dtype == DType.Float32
            ? new Tensor(shape, CpuBufferPool.Storage<float>(shape.Size, zero: false))
            : new Tensor(shape, CpuBufferPool.Storage<double>(shape.Size, zero: false));

    public override Tensor Transfer(Tensor source, Device to) =>
        source.Device == Device.Cpu && to == Device.Cpu ? source.Clone()
            : throw new InvalidOperationException($"Transfer: the CPU backend cannot move {source.Shape} from {source.Device} to {to}");

    public override void Fill(Tensor y, double value)
    {
        if (y.DType == DType.Float32) y.AsSpan<float>().Fill((float)value);
        else y.AsSpan<double>().Fill(value);
    }

    public override void Copy(Tensor x, Tensor y)
    {
        switch (x.DType, y.DType)
        {
            case (DType.Float32, DType.Float32): x.AsSpan<float>().CopyTo(y.AsSpan<float>()); break;
            case (DType.Float64, DType.Float64): x.AsSpan<double>().CopyTo(y.AsSpan<double>()); break;
            case (DType.Float32, DType.Float64): TensorPrimitives.ConvertChecked<float, double>(x.AsSpan<float>(), y.AsSpan<double>()); break;
            default: TensorPrimitives.ConvertTruncating<double, float>(x.AsSpan<double>(), y.AsSpan<float>()); break;
        }
    }

    public override void StridedCopy(Tensor x, int offset, int[] strides, Tensor y)
    {
        if (x.DType == DType.Float32) StridedCopy<float>(x.AsSpan<float>(), offset, strides, y.Shape, y.AsSpan<float>());
        else StridedCopy<double>(x.AsSpan<double>(), offset, strides, y.Shape, y.AsSpan<double>());
    }

    static void StridedCopy<T>(Span<T> xs, int offset, int[] strides, Shape shape, Span<T> y) where T : unmanaged
    {
        int rank = shape.Rank;
        if (rank == 0) { y[0] = xs[offset]; return; }
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        var idx = new int[rank];
        int rows = inner == 0 ? 0 : shape.Size / inner;
        int src = offset;
        for (int r = 0; r < rows; r++)
        {
            var dst = y.Slice(r * inner, inner);
            if (innerStride == 1) xs.Slice(src, inner).CopyTo(dst);
            else if (innerStride == 0) dst.Fill(xs[src]);
            else for (int j = 0; j < inner; j++) dst[j] = xs[src + j * innerStride];
            // advance the multi-index over all but the last axis (odometer)
            for (int a = rank - 2; a >= 0; a--)
            {
                idx[a]++;
                src += strides[a];
                if (idx[a] < shape[a]) break;
                src -= strides[a] * shape[a];
                idx[a] = 0;
            }
        }
    }

    public override void Where(Tensor cond, Tensor a, Tensor b, Tensor y)
    {
        if (cond.DType != y.DType)
        {
            var converted = AllocateUninitialized(cond.Shape, y.DType); // a condition may come in the other dtype
            Copy(cond, converted);
            cond = converted;
        }
        var sc = cond.Shape.BroadcastStrides(y.Shape);
        var sa = a.Shape.BroadcastStrides(y.Shape);
        var sb = b.Shape.BroadcastStrides(y.Shape);
        if (y.DType == DType.Float32) Where(Data<float>(cond), sc, Data<float>(a), sa, Data<float>(b), sb, y.Shape, Data<float>(y));
        else Where(Data<double>(cond), sc, Data<double>(a), sa, Data<double>(b), sb, y.Shape, Data<double>(y));
    }

    // Row by row along the last axis, each operand either a full row (stride 1) or one value stretched along it (stride 0);
    // the row starts come from the broadcast strides, as in Binary.
    static void Where<T>(T[] c, int[] sc, T[] a, int[] sa, T[] b, int[] sb, Shape shape, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rank = shape.Rank;
        if (rank == 0) { y[0] = c[0] != T.Zero ? a[0] : b[0]; return; }
        int inner = shape[rank - 1], rows = inner == 0 ? 0 : y.Length / inner;
        int ic = sc[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1];
        var dims = shape.ToArray();
        CpuParallel.For(rows, Math.Max(1, inner), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int oc = 0, oa = 0, ob = 0, rem = r;
                for (int ax = rank - 2; ax >= 0; ax--)
                {
                    int i = rem % dims[ax];
                    rem /= dims[ax];
                    oc += i * sc[ax]; oa += i * sa[ax]; ob += i * sb[ax];
                }
                WhereRow(c.AsSpan(oc), ic, a.AsSpan(oa), ia, b.AsSpan(ob), ib, y.AsSpan(r * inner, inner));
            }
        });
    }

    static void WhereRow<T>(ReadOnlySpan<T> c, int ic, ReadOnlySpan<T> a, int ia, ReadOnlySpan<T> b, int ib, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0, n = y.Length, V = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated && ic == 1)
        {
            // a stretched operand is a broadcast vector; y = c ≠ 0 ? a : b, a vector at a time
            var fa = ia == 0 ? new Vector<T>(a[0]) : default;
            var fb = ib == 0 ? new Vector<T>(b[0]) : default;
            for (; j + V <= n; j += V)
            {
                var isZero = Vector.Equals(new Vector<T>(c[j..]), Vector<T>.Zero);
                var va = ia == 0 ? fa : new Vector<T>(a[j..]);
                var vb = ib == 0 ? fb : new Vector<T>(b[j..]);
                Vector.ConditionalSelect(isZero, vb, va).CopyTo(y[j..]);
            }
        }
        for (; j < n; j++) y[j] = c[j * ic] != T.Zero ? a[j * ia] : b[j * ib];
    }

    public override void Softmax(Tensor x, Tensor y, int rows, int n, bool log)
    {
        if (x.DType == DType.Float32) Softmax(Data<float>(x), Data<float>(y), rows, n, log);
        else Softmax(Data<double>(x), Data<double>(y), rows, n, log);
    }

    static void Softmax<T>(T[] xa, T[] ya, int rows, int n, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(rows, 4L * n, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var x = new ReadOnlySpan<T>(xa, r * n, n);
                var y = new Span<T>(ya, r * n, n);
                // subtract the max first so exp never overflows (softmax is shift-invariant)
                T max = TensorPrimitives.Max(x);
                TensorPrimitives.Subtract(x, max, y);
                if (log)
                {
                    // Σ e^{x − max} through y (vectorised), then y = (x − max) − log Σ; subtracting max first
                    // keeps the digits of x − max that x − (max + log Σ) would round away for large logits
                    TensorPrimitives.Exp(y, y);
                    T logSum = T.Log(TensorPrimitives.Sum<T>(y));
                    TensorPrimitives.Subtract(x, max, y);
                    TensorPrimitives.Subtract(y, logSum, y);
                }
                else
                {
                    TensorPrimitives.Exp(y, y);
                    TensorPrimitives.Divide(y, TensorPrimitives.Sum<T>(y), y);
                }
            }
        });
    }

    /// <summary>The array behind a CPU tensor (kernels that run in parallel need arrays, not spans).</summary>
    internal static T[] Data<T>(Tensor t) where T : unmanaged =>
        t.Storage is CpuStorage<T> s ? s.Data
            : throw new InvalidOperationException($"CPU backend: expected a {typeof(T).Name} tensor on the CPU, got {t.DType.Name()} on {t.Device}");
}
