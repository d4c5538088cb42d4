using System.Numerics;
using System.Numerics.Tensors;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// The in-place updates the optimizers are made of. On the CPU each is one loop over the arrays (SIMD where
/// <see cref="TensorPrimitives"/> has the fused form); on another device the same update is composed from
/// <see cref="Backend"/> primitives writing into their own input (y == x), so every optimizer runs on every device.
/// Nothing here is recorded by autodiff: an update changes a parameter's value, it is not part of the model.
/// </summary>
static class InPlace
{
    static Backend B(Tensor t) => Backend.Get(t.Device);

    /// <summary>Tests set this (per thread) to run the device-independent path (Backend primitives) on the CPU as well.</summary>
    [ThreadStatic] internal static bool UseBackendPrimitives;

    static bool FastCpu(Tensor t) => t.Device == Device.Cpu && !UseBackendPrimitives;

    static Tensor Temp(Tensor like) => B(like).Allocate(like.Shape, like.DType);

    /// <summary>y ← a·y.</summary>
    public static void Scale(Tensor y, double a) => B(y).Unary(UnaryOp.MulScalar, y, y, a);

    /// <summary>y ← y + a·x.</summary>
    public static void AddScaled(Tensor y, Tensor x, double a)
    {
        if (FastCpu(y))
        {
            if (y.DType == DType.Float32) TensorPrimitives.MultiplyAdd(x.AsSpan<float>(), (float)a, y.AsSpan<float>(), y.AsSpan<float>());
            else TensorPrimitives.MultiplyAdd(x.AsSpan<double>(), a, y.AsSpan<double>(), y.AsSpan<double>());
            return;
        }
        var t = Temp(y);
        B(y).Unary(UnaryOp.MulScalar, x, t, a);
        B(y).Binary(BinaryOp.Add, y, t, y);
    }

    /// <summary>y ← y + a·x⊙x (second-moment accumulators).</summary>
    public static void AddScaledSquare(Tensor y, Tensor x, double a)
    {
        if (FastCpu(y))
        {
            if (y.DType == DType.Float32) AddScaledSquare(x.AsSpan<float>(), (float)a, y.AsSpan<float>());
            else AddScaledSquare(x.AsSpan<double>(), a, y.AsSpan<double>());
            return;
        }
        var t = Temp(y);
        B(y).Unary(UnaryOp.Square, x, t);
        B(y).Unary(UnaryOp.MulScalar, t, t, a);
        B(y).Binary(BinaryOp.Add, y, t, y);
    }

    static void AddScaledSquare<T>(ReadOnlySpan<T> x, T a, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // SIMD lanes do the scalar loop's operations in the same order, so the result is bit-identical
        int i = 0, V = Vector<T>.Count;
        var va = new Vector<T>(a);
        for (; i + V <= y.Length; i += V)
        {
            var xi = new Vector<T>(x[i..]);
            (new Vector<T>(y[i..]) + va * xi * xi).CopyTo(y[i..]);
        }
        for (; i < y.Length; i++) y[i] += a * x[i] * x[i];
    }

    /// <summary>
    /// The adaptive step θ ← θ + a · u / (√(s·r) + δ), or θ ← θ + a · u / √(s·r + δ) when
    /// <paramref name="deltaInsideRoot"/>: AdaGrad and RMSProp (u = g, s = 1) and Adam (u = m, s = 1/(1 − β₂ᵗ)).
    /// </summary>
    public static void AdaptiveStep(Tensor theta, Tensor u, Tensor r, double a, double s, double delta, bool deltaInsideRoot = false)
    {
        if (FastCpu(theta))
        {
            if (theta.DType == DType.Float32)
                AdaptiveStep(theta.AsSpan<float>(), u.AsSpan<float>(), r.AsSpan<float>(), (float)a, (float)s, (float)delta, deltaInsideRoot);
            else
                AdaptiveStep(theta.AsSpan<double>(), u.AsSpan<double>(), r.AsSpan<double>(), a, s, delta, deltaInsideRoot);
            return;
        }
        var d = Temp(theta);
        B(d).Unary(UnaryOp.MulScalar, r, d, s);
        if (deltaInsideRoot) { B(d).Unary(UnaryOp.AddScalar, d, d, delta); B(d).Unary(UnaryOp.Sqrt, d, d); }
        else { B(d).Unary(UnaryOp.Sqrt, d, d); B(d).Unary(UnaryOp.AddScalar, d, d, delta); }
        B(d).Binary(BinaryOp.Div, u, d, d);
        B(d).Unary(UnaryOp.MulScalar, d, d, a);
        B(d).Binary(BinaryOp.Add, theta, d, theta);
    }

    static void AdaptiveStep<T>(Span<T> theta, ReadOnlySpan<T> u, ReadOnlySpan<T> r, T a, T s, T delta, bool deltaInsideRoot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // SIMD lanes do the scalar loop's operations in the same order, so the result is bit-identical
        int i = 0, V = Vector<T>.Count;
        Vector<T> va = new(a), vs = new(s), vd = new(delta);
        for (; i + V <= theta.Length; i += V)
        {
            var ri = new Vector<T>(r[i..]);
            var denominator = deltaInsideRoot ? Vector.SquareRoot(vs * ri + vd) : Vector.SquareRoot(vs * ri) + vd;
            (new Vector<T>(theta[i..]) + va * new Vector<T>(u[i..]) / denominator).CopyTo(theta[i..]);
        }
        if (deltaInsideRoot)
            for (; i < theta.Length; i++) theta[i] += a * u[i] / T.Sqrt(s * r[i] + delta);
        else
            for (; i < theta.Length; i++) theta[i] += a * u[i] / (T.Sqrt(s * r[i]) + delta);
    }

    /// <summary>Σ x² as a double (for global-norm clipping).</summary>
    public static double SumOfSquares(Tensor x)
    {
        if (FastCpu(x))
            return x.DType == DType.Float32 ? SumOfSquares(x.AsSpan<float>()) : TensorPrimitives.SumOfSquares<double>(x.AsSpan<double>());
        var t = Temp(x);
        B(x).Unary(UnaryOp.Square, x, t);
        return Ops.Op.Sum(t).Item();
    }

    // float32 gradients are summed in double: the norm decides whether to clip, so it should not drift with size
    static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x) s += (double)v * v;
        return s;
    }
}
