using System.Numerics;
using System.Numerics.Tensors;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

public sealed partial class CpuBackend
{
    public override void Unary(UnaryOp op, Tensor x, Tensor y, double a = 0, double b = 0)
    {
        if (x.DType == DType.Float32) Unary(op, Data<float>(x), Data<float>(y), (float)a, (float)b);
        else Unary(op, Data<double>(x), Data<double>(y), a, b);
    }

    static void Unary<T>(UnaryOp op, T[] xa, T[] ya, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(xa.Length, 8, (s, e) => UnarySpan(op, new ReadOnlySpan<T>(xa, s, e - s), new Span<T>(ya, s, e - s), a, b));

    static void UnarySpan<T>(UnaryOp op, ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(x, y); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(x, y); break;
            case UnaryOp.Log: TensorPrimitives.Log(x, y); break;
            case UnaryOp.Log1p: for (int i = 0; i < x.Length; i++) y[i] = Log1p(x[i]); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryOp.Sign: for (int i = 0; i < x.Length; i++) y[i] = T.IsNaN(x[i]) ? x[i] : T.CreateTruncating(T.Sign(x[i])); break;
            case UnaryOp.Tanh: TensorPrimitives.Tanh(x, y); break;
            case UnaryOp.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case UnaryOp.Softplus:
                // log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}): never overflows
                for (int i = 0; i < x.Length; i++) y[i] = T.Max(x[i], T.Zero) + Log1p(T.Exp(-T.Abs(x[i])));
                break;
            case UnaryOp.Relu: TensorPrimitives.Max(x, T.Zero, y); break;
            case UnaryOp.Square: TensorPrimitives.Multiply(x, x, y); break;
            case UnaryOp.Reciprocal: TensorPrimitives.Divide(T.One, x, y); break;
            case UnaryOp.Sin: TensorPrimitives.Sin(x, y); break;
            case UnaryOp.Cos: TensorPrimitives.Cos(x, y); break;
            case UnaryOp.PowScalar: TensorPrimitives.Pow(x, a, y); break;
            case UnaryOp.AddScalar: TensorPrimitives.Add(x, a, y); break;
            case UnaryOp.MulScalar: TensorPrimitives.Multiply(x, a, y); break;
            case UnaryOp.LeakyRelu: for (int i = 0; i < x.Length; i++) y[i] = x[i] > T.Zero ? x[i] : a * x[i]; break;
            case UnaryOp.Elu: for (int i = 0; i < x.Length; i++) y[i] = x[i] > T.Zero ? x[i] : a * (T.Exp(x[i]) - T.One); break;
            case UnaryOp.Clamp: TensorPrimitives.Max(x, a, y); TensorPrimitives.Min(y, b, y); break;
            case UnaryOp.GreaterThanScalar: for (int i = 0; i < x.Length; i++) y[i] = x[i] > a ? T.One : T.Zero; break;
            case UnaryOp.InRange: for (int i = 0; i < x.Length; i++) y[i] = x[i] >= a && x[i] <= b ? T.One : T.Zero; break;
            default: throw new NotSupportedException($"CPU backend: unary op {op}");
        }
    }

    // log(1+x) accurate for small x (the naive form loses every digit below 1e-16)
    static T Log1p<T>(T x) where T : IFloatingPointIeee754<T> => T.LogP1(x);

    public override void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y)
    {
        var sa = a.Shape.BroadcastStrides(y.Shape);
        var sb = b.Shape.BroadcastStrides(y.Shape);
        if (y.DType == DType.Float32) Binary(op, Data<float>(a), sa, Data<float>(b), sb, y.Shape, Data<float>(y));
        else Binary(op, Data<double>(a), sa, Data<double>(b), sb, y.Shape, Data<double>(y));
    }

    static void Binary<T>(BinaryOp op, T[] a, int[] sa, T[] b, int[] sb, Shape shape, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rank = shape.Rank;
        if (rank == 0 || (a.Length == y.Length && b.Length == y.Length))
        {
            // same shapes: one flat loop
            CpuParallel.For(y.Length, 2, (s, e) => BinaryRow(op, a.AsSpan(s, e - s), 1, b.AsSpan(s, e - s), 1, y.AsSpan(s, e - s)));
            return;
        }
        // rows of the last axis; each row's start in a and b comes from the broadcast strides
        int inner = shape[rank - 1];
        int rows = inner == 0 ? 0 : y.Length / inner;
        int ia = sa[rank - 1], ib = sb[rank - 1];
        var dims = shape.ToArray();
        CpuParallel.For(rows, Math.Max(1, inner), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int oa = 0, ob = 0, rem = r;
                for (int ax = rank - 2; ax >= 0; ax--)
                {
                    int i = rem % dims[ax];
                    rem /= dims[ax];
                    oa += i * sa[ax];
                    ob += i * sb[ax];
                }
                BinaryRow(op, a.AsSpan(oa, ia == 0 ? 1 : inner), ia, b.AsSpan(ob, ib == 0 ? 1 : inner), ib, y.AsSpan(r * inner, inner));
            }
        });
    }

    // One row: a and b each either a full row (stride 1) or a single value stretched along it (stride 0).
    static void BinaryRow<T>(BinaryOp op, ReadOnlySpan<T> a, int ia, ReadOnlySpan<T> b, int ib, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ia == 1 && ib == 1)
        {
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(a, b, y); return;
                case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); return;
                case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); return;
                case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); return;
                case BinaryOp.Pow: TensorPrimitives.Pow(a, b, y); return;
                case BinaryOp.Max: TensorPrimitives.Max(a, b, y); return;
                case BinaryOp.Min: TensorPrimitives.Min(a, b, y); return;
                case BinaryOp.PassWherePositive: PassWherePositive(a, b, y); return;
            }
        }
        else if (ia == 1 && ib == 0)
        {
            T s = b[0];
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(a, s, y); return;
                case BinaryOp.Sub: TensorPrimitives.Subtract(a, s, y); return;
                case BinaryOp.Mul: TensorPrimitives.Multiply(a, s, y); return;
                case BinaryOp.Div: TensorPrimitives.Divide(a, s, y); return;
                case BinaryOp.Pow: TensorPrimitives.Pow(a, s, y); return;
                case BinaryOp.Max: TensorPrimitives.Max(a, s, y); return;
                case BinaryOp.Min: TensorPrimitives.Min(a, s, y); return;
            }
        }
        else if (ia == 0 && ib == 1)
        {
            T s = a[0];
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(b, s, y); return;
                case BinaryOp.Sub: TensorPrimitives.Subtract(s, b, y); return;
                case BinaryOp.Mul: TensorPrimitives.Multiply(b, s, y); return;
                case BinaryOp.Div: TensorPrimitives.Divide(s, b, y); return;
                case BinaryOp.Pow: TensorPrimitives.Pow(s, b, y); return;
                case BinaryOp.Max: TensorPrimitives.Max(b, s, y); return;
                case BinaryOp.Min: TensorPrimitives.Min(b, s, y); return;
            }
        }
        for (int i = 0; i < y.Length; i++) y[i] = Apply(op, a[ia * i], b[ib * i]);
    }

    // y = b > 0 ? a : 0, a vector at a time
    static void PassWherePositive<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i + Vector<T>.Count <= y.Length; i += Vector<T>.Count)
            {
                var vb = new Vector<T>(b[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(vb, Vector<T>.Zero), new Vector<T>(a[i..]), Vector<T>.Zero).CopyTo(y[i..]);
            }
        for (; i < y.Length; i++) y[i] = b[i] > T.Zero ? a[i] : T.Zero;
    }

    static T Apply<T>(BinaryOp op, T x, T z) where T : IFloatingPointIeee754<T> => op switch
    {
        BinaryOp.Add => x + z,
        BinaryOp.Sub => x - z,
        BinaryOp.Mul => x * z,
        BinaryOp.Div => x / z,
        BinaryOp.Pow => T.Pow(x, z),
        BinaryOp.Max => T.Max(x, z),
        BinaryOp.Min => T.Min(x, z),
        BinaryOp.Greater => x > z ? T.One : T.Zero,
        BinaryOp.GreaterEqual => x >= z ? T.One : T.Zero,
        BinaryOp.Equal => x == z ? T.One : T.Zero,
        BinaryOp.PassWherePositive => z > T.Zero ? x : T.Zero,
        _ => throw new NotSupportedException($"CPU backend: binary op {op}"),
    };
}
