using ILGPU;
using ILGPU.Runtime;
using MachinePerception.Tensors;

namespace MachinePerception.Backends.Cuda;

// Fill, dtype conversion, strided copies and the elementwise maps: one thread per output element, grid-stride.
public sealed partial class CudaBackend
{
    public override void Fill(Tensor y, double value)
    {
        if (y.DType == DType.Float32) kernels.Launch(ElementwiseKernels.Fill<float>, kernels.Elements(y.Size), new FillArgs<float>(View<float>(y), (float)value));
        else kernels.Launch(ElementwiseKernels.Fill<double>, kernels.Elements(y.Size), new FillArgs<double>(View<double>(y), value));
    }

    public override void Copy(Tensor x, Tensor y)
    {
        CheckSameSize("copy", x, y);
        switch (x.DType, y.DType)
        {
            case (DType.Float32, DType.Float32): CopySame(View<float>(x), View<float>(y)); break;
            case (DType.Float64, DType.Float64): CopySame(View<double>(x), View<double>(y)); break;
            case (DType.Float32, DType.Float64): kernels.Launch(ElementwiseKernels.Widen, kernels.Elements(x.Size), new ConvertArgs<float, double>(View<float>(x), View<double>(y))); break;
            default: kernels.Launch(ElementwiseKernels.Narrow, kernels.Elements(x.Size), new ConvertArgs<double, float>(View<double>(x), View<float>(y))); break;
        }
    }

    void CopySame<T>(ArrayView<T> x, ArrayView<T> y) where T : unmanaged
    {
        kernels.Bind();
        if (x.Length > 0) ArrayViewExtensions.CopyTo(x, y);
    }

    public override void StridedCopy(Tensor x, int offset, int[] strides, Tensor y)
    {
        var index = StridedIndex.Create(y.Shape.Dims, strides);
        if (y.DType == DType.Float32) kernels.Launch(ElementwiseKernels.StridedCopy<float>, kernels.Elements(y.Size), new StridedArgs<float>(View<float>(x), View<float>(y), offset, index));
        else kernels.Launch(ElementwiseKernels.StridedCopy<double>, kernels.Elements(y.Size), new StridedArgs<double>(View<double>(x), View<double>(y), offset, index));
    }

    public override void StridedWrite(Tensor x, Tensor y, int offset, int[] strides)
    {
        var index = StridedIndex.Create(x.Shape.Dims, strides);
        if (x.DType == DType.Float32) kernels.Launch(ElementwiseKernels.StridedWrite<float>, kernels.Elements(x.Size), new StridedArgs<float>(View<float>(x), View<float>(y), offset, index));
        else kernels.Launch(ElementwiseKernels.StridedWrite<double>, kernels.Elements(x.Size), new StridedArgs<double>(View<double>(x), View<double>(y), offset, index));
    }

    public override void Unary(UnaryOp op, Tensor x, Tensor y, double a = 0, double b = 0)
    {
        CheckSameSize($"unary {op}", x, y);
        if (x.DType == DType.Float32)
            kernels.Launch(ElementwiseKernels.Unary<float, Float32Math>, kernels.Elements(y.Size), new UnaryArgs<float>(View<float>(x), View<float>(y), (int)op, (float)a, (float)b));
        else
            kernels.Launch(ElementwiseKernels.Unary<double, Float64Math>, kernels.Elements(y.Size), new UnaryArgs<double>(View<double>(x), View<double>(y), (int)op, a, b));
    }

    public override void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y)
    {
        var index = StridedIndex.Create(y.Shape.Dims, a.Shape.BroadcastStrides(y.Shape), b.Shape.BroadcastStrides(y.Shape));
        if (y.DType == DType.Float32)
            kernels.Launch(ElementwiseKernels.Binary<float, Float32Math>, kernels.Elements(y.Size), new BinaryArgs<float>(View<float>(a), View<float>(b), View<float>(y), (int)op, index));
        else
            kernels.Launch(ElementwiseKernels.Binary<double, Float64Math>, kernels.Elements(y.Size), new BinaryArgs<double>(View<double>(a), View<double>(b), View<double>(y), (int)op, index));
    }

    public override void Where(Tensor cond, Tensor a, Tensor b, Tensor y)
    {
        // the condition may come in the other dtype; bring it to y's so one kernel reads all three
        if (cond.DType != y.DType)
        {
            var c = Allocate(cond.Shape, y.DType);
            Copy(cond, c);
            cond = c;
        }
        var index = StridedIndex.Create(y.Shape.Dims, cond.Shape.BroadcastStrides(y.Shape), a.Shape.BroadcastStrides(y.Shape), b.Shape.BroadcastStrides(y.Shape));
        if (y.DType == DType.Float32)
            kernels.Launch(ElementwiseKernels.Where<float, Float32Math>, kernels.Elements(y.Size), new WhereArgs<float>(View<float>(cond), View<float>(a), View<float>(b), View<float>(y), index));
        else
            kernels.Launch(ElementwiseKernels.Where<double, Float64Math>, kernels.Elements(y.Size), new WhereArgs<double>(View<double>(cond), View<double>(a), View<double>(b), View<double>(y), index));
    }
}

/// <summary>y[i] = Value for every i.</summary>
public readonly record struct FillArgs<T>(ArrayView<T> Y, T Value) where T : unmanaged;
/// <summary>y[i] = x[i] converted to another element type.</summary>
public readonly record struct ConvertArgs<TIn, TOut>(ArrayView<TIn> X, ArrayView<TOut> Y) where TIn : unmanaged where TOut : unmanaged;
/// <summary>A strided read (StridedCopy) or write (StridedWrite) between x and y, starting at Offset.</summary>
public readonly record struct StridedArgs<T>(ArrayView<T> X, ArrayView<T> Y, int Offset, StridedIndex Index) where T : unmanaged;
/// <summary>y = f(x; A, B) for the <see cref="UnaryOp"/> numbered Op.</summary>
public readonly record struct UnaryArgs<T>(ArrayView<T> X, ArrayView<T> Y, int Op, T A, T B) where T : unmanaged;
/// <summary>y = f(a, b) for the <see cref="BinaryOp"/> numbered Op, a and b read through Index (broadcasting).</summary>
public readonly record struct BinaryArgs<T>(ArrayView<T> A, ArrayView<T> B, ArrayView<T> Y, int Op, StridedIndex Index) where T : unmanaged;
/// <summary>y = cond ≠ 0 ? a : b, the three read through Index (broadcasting).</summary>
public readonly record struct WhereArgs<T>(ArrayView<T> Cond, ArrayView<T> A, ArrayView<T> B, ArrayView<T> Y, StridedIndex Index) where T : unmanaged;

/// <summary>Elementwise kernels. Each thread starts at its global index and strides by the whole grid.</summary>
public static class ElementwiseKernels
{
    /// <summary>Threads in the whole launch: the step of a grid-stride loop.</summary>
    public static int GridStride => Grid.DimX * Group.DimX;

    [Kernel]
    public static void Fill<T>(FillArgs<T> p) where T : unmanaged
    {
        for (int i = Grid.GlobalIndex.X; i < p.Y.IntLength; i += GridStride) p.Y[i] = p.Value;
    }

    [Kernel]
    public static void Widen(ConvertArgs<float, double> p)
    {
        for (int i = Grid.GlobalIndex.X; i < p.Y.IntLength; i += GridStride) p.Y[i] = p.X[i];
    }

    [Kernel]
    public static void Narrow(ConvertArgs<double, float> p)
    {
        for (int i = Grid.GlobalIndex.X; i < p.Y.IntLength; i += GridStride) p.Y[i] = (float)p.X[i];
    }

    /// <summary>y[i] = x[offset + Σ idx_k·stride_k]: permute, slice and expand in one kernel.</summary>
    [Kernel]
    public static void StridedCopy<T>(StridedArgs<T> p) where T : unmanaged
    {
        for (int i = Grid.GlobalIndex.X; i < p.Y.IntLength; i += GridStride)
        {
            p.Index.Offsets(i, out int src, out _, out _);
            p.Y[i] = p.X[p.Offset + src];
        }
    }

    /// <summary>y[offset + Σ idx_k·stride_k] = x[i]: the dual of StridedCopy (concat, pad). Targets must not overlap.</summary>
    [Kernel]
    public static void StridedWrite<T>(StridedArgs<T> p) where T : unmanaged
    {
        for (int i = Grid.GlobalIndex.X; i < p.X.IntLength; i += GridStride)
        {
            p.Index.Offsets(i, out int dst, out _, out _);
            p.Y[p.Offset + dst] = p.X[i];
        }
    }

    [Kernel]
    public static void Unary<T, TMath>(UnaryArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        for (int i = Grid.GlobalIndex.X; i < p.Y.IntLength; i += GridStride) p.Y[i] = ApplyUnary<T, TMath>(p.Op, p.X[i], p.A, p.B);
    }

    /// <summary>The maps of <see cref="UnaryOp"/>, written with the same formulas as the CPU backend.</summary>
    public static T ApplyUnary<T, TMath>(int op, T x, T a, T b) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        T zero = m.Zero, one = m.One;
        switch ((UnaryOp)op)
        {
            case UnaryOp.Neg: return m.Neg(x);
            case UnaryOp.Exp: return m.Exp(x);
            case UnaryOp.Log: return m.Log(x);
            case UnaryOp.Log1p: return Log1p<T, TMath>(x);
            case UnaryOp.Sqrt: return m.Sqrt(x);
            case UnaryOp.Abs: return m.Abs(x);
            case UnaryOp.Sign: return m.IsNaN(x) ? x : m.Greater(x, zero) ? one : m.Greater(zero, x) ? m.Neg(one) : zero;
            case UnaryOp.Tanh: return m.Tanh(x);
            case UnaryOp.Sigmoid: return m.Div(one, m.Add(one, m.Exp(m.Neg(x))));
            // log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}): never overflows
            case UnaryOp.Softplus: return m.Add(m.Max(x, zero), Log1p<T, TMath>(m.Exp(m.Neg(m.Abs(x)))));
            case UnaryOp.Relu: return m.Max(x, zero);
            case UnaryOp.Square: return m.Mul(x, x);
            case UnaryOp.Reciprocal: return m.Div(one, x);
            case UnaryOp.Sin: return m.Sin(x);
            case UnaryOp.Cos: return m.Cos(x);
            case UnaryOp.PowScalar: return m.Pow(x, a);
            case UnaryOp.AddScalar: return m.Add(x, a);
            case UnaryOp.MulScalar: return m.Mul(x, a);
            case UnaryOp.LeakyRelu: return m.Greater(x, zero) ? x : m.Mul(a, x);
            case UnaryOp.Elu: return m.Greater(x, zero) ? x : m.Mul(a, m.Sub(m.Exp(x), one));
            case UnaryOp.Clamp: return m.Min(m.Max(x, a), b);
            case UnaryOp.GreaterThanScalar: return m.Greater(x, a) ? one : zero;
            case UnaryOp.InRange: return m.GreaterEqual(x, a) && m.GreaterEqual(b, x) ? one : zero;
            default: return x; // unreachable: the host passes only UnaryOp values
        }
    }

    /// <summary>log(1 + x) without losing the digits of small x: with u = 1 + x rounded, log(u)·x/(u − 1) corrects the rounding of u.</summary>
    public static T Log1p<T, TMath>(T x) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        T u = m.Add(m.One, x);
        T d = m.Sub(u, m.One);
        if (m.Equal(d, m.Zero)) return x;
        return m.Equal(u, m.Neg(m.NegativeInfinity)) ? u : m.Div(m.Mul(m.Log(u), x), d); // log(+∞) = +∞, not ∞/∞
    }

    [Kernel]
    public static void Binary<T, TMath>(BinaryArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        for (int i = Grid.GlobalIndex.X; i < p.Y.IntLength; i += GridStride)
        {
            p.Index.Offsets(i, out int ia, out int ib, out _);
            p.Y[i] = ApplyBinary<T, TMath>(p.Op, p.A[ia], p.B[ib]);
        }
    }

    public static T ApplyBinary<T, TMath>(int op, T x, T z) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        switch ((BinaryOp)op)
        {
            case BinaryOp.Add: return m.Add(x, z);
            case BinaryOp.Sub: return m.Sub(x, z);
            case BinaryOp.Mul: return m.Mul(x, z);
            case BinaryOp.Div: return m.Div(x, z);
            case BinaryOp.Pow: return m.Pow(x, z);
            case BinaryOp.Max: return m.Max(x, z);
            case BinaryOp.Min: return m.Min(x, z);
            case BinaryOp.Greater: return m.Greater(x, z) ? m.One : m.Zero;
            case BinaryOp.GreaterEqual: return m.GreaterEqual(x, z) ? m.One : m.Zero;
            case BinaryOp.Equal: return m.Equal(x, z) ? m.One : m.Zero;
            case BinaryOp.PassWherePositive: return m.Greater(z, m.Zero) ? x : m.Zero;
            default: return x;
        }
    }

    [Kernel]
    public static void Where<T, TMath>(WhereArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        for (int i = Grid.GlobalIndex.X; i < p.Y.IntLength; i += GridStride)
        {
            p.Index.Offsets(i, out int ic, out int ia, out int ib);
            p.Y[i] = m.Equal(p.Cond[ic], m.Zero) ? p.B[ib] : p.A[ia];
        }
    }
}
