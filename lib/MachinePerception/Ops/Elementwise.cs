using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

// Elementwise arithmetic and math functions. Binary ops broadcast; their backward sums the gradient
// back over the broadcast axes (SumTo), because a stretched input was used once per copy.
public static partial class Op
{
    static Tensor Binary(BinaryOp op, Tensor a, Tensor b, string name)
    {
        Guard.SameDTypeAndDevice(name, a, b);
        var y = Empty(a, Shape.Broadcast(a.Shape, b.Shape, name));
        B(a).Binary(op, a, b, y);
        return y;
    }

    static Tensor Unary(UnaryOp op, Tensor x, double p = 0, double q = 0)
    {
        var y = Empty(x, x.Shape);
        B(x).Unary(op, x, y, p, q);
        return y;
    }

    /// <summary>a + b. ∂/∂a = 1, ∂/∂b = 1.</summary>
    public static Tensor Add(Tensor a, Tensor b) =>
        Autograd.Record(Binary(BinaryOp.Add, a, b, "add"), "add", [a, b], g => [SumTo(g, a.Shape), SumTo(g, b.Shape)]);

    /// <summary>a − b. ∂/∂a = 1, ∂/∂b = −1.</summary>
    public static Tensor Sub(Tensor a, Tensor b) =>
        Autograd.Record(Binary(BinaryOp.Sub, a, b, "sub"), "sub", [a, b], g => [SumTo(g, a.Shape), SumTo(Neg(g), b.Shape)]);

    /// <summary>a ⊙ b. ∂/∂a = b, ∂/∂b = a (product rule).</summary>
    public static Tensor Mul(Tensor a, Tensor b) =>
        Autograd.Record(Binary(BinaryOp.Mul, a, b, "mul"), "mul", [a, b], g => [SumTo(g * b, a.Shape), SumTo(g * a, b.Shape)]);

    /// <summary>a / b. ∂/∂a = 1/b, ∂/∂b = −a/b² (quotient rule).</summary>
    public static Tensor Div(Tensor a, Tensor b) =>
        Autograd.Record(Binary(BinaryOp.Div, a, b, "div"), "div", [a, b], g => [SumTo(g / b, a.Shape), SumTo(Neg(g * a / (b * b)), b.Shape)]);

    /// <summary>a^b elementwise. ∂/∂a = b·a^(b−1), ∂/∂b = a^b·log a (defined for a &gt; 0).</summary>
    public static Tensor Pow(Tensor a, Tensor b)
    {
        var y = Binary(BinaryOp.Pow, a, b, "pow");
        return Autograd.Record(y, "pow", [a, b], g => [
            SumTo(g * b * Pow(a, b - 1), a.Shape),
            b.RequiresGrad ? SumTo(g * Pow(a, b) * Log(a), b.Shape) : null]);
    }

    /// <summary>max(a, b) elementwise; the gradient goes to the larger input (to a on ties).</summary>
    public static Tensor Maximum(Tensor a, Tensor b)
    {
        var y = Binary(BinaryOp.Max, a, b, "maximum");
        return Autograd.Record(y, "maximum", [a, b], g =>
        {
            var takeA = Mask(BinaryOp.GreaterEqual, a, b);
            return [SumTo(g * takeA, a.Shape), SumTo(g * (1 - takeA), b.Shape)];
        });
    }

    /// <summary>min(a, b) elementwise; the gradient goes to the smaller input (to a on ties).</summary>
    public static Tensor Minimum(Tensor a, Tensor b)
    {
        var y = Binary(BinaryOp.Min, a, b, "minimum");
        return Autograd.Record(y, "minimum", [a, b], g =>
        {
            var takeA = Mask(BinaryOp.GreaterEqual, b, a);
            return [SumTo(g * takeA, a.Shape), SumTo(g * (1 - takeA), b.Shape)];
        });
    }

    /// <summary>1 where a &gt; b, else 0 (broadcast). A constant: no gradient flows through a comparison.</summary>
    public static Tensor Greater(Tensor a, Tensor b) => Mask(BinaryOp.Greater, a, b);

    /// <summary>1 where a ≥ b, else 0.</summary>
    public static Tensor GreaterEqual(Tensor a, Tensor b) => Mask(BinaryOp.GreaterEqual, a, b);

    /// <summary>1 where a == b, else 0.</summary>
    public static Tensor Equal(Tensor a, Tensor b) => Mask(BinaryOp.Equal, a, b);

    static Tensor Mask(BinaryOp op, Tensor a, Tensor b) => Binary(op, a, b, op.ToString().ToLowerInvariant());

    /// <summary>x + c.</summary>
    public static Tensor AddScalar(Tensor x, double c) =>
        Autograd.Record(Unary(UnaryOp.AddScalar, x, c), "add_scalar", [x], g => [g]);

    /// <summary>c · x.</summary>
    public static Tensor MulScalar(Tensor x, double c) =>
        Autograd.Record(Unary(UnaryOp.MulScalar, x, c), "mul_scalar", [x], g => [MulScalar(g, c)]);

    /// <summary>−x.</summary>
    public static Tensor Neg(Tensor x) => Autograd.Record(Unary(UnaryOp.Neg, x), "neg", [x], g => [Neg(g)]);

    /// <summary>x^p for a constant p. d/dx = p·x^(p−1).</summary>
    public static Tensor Pow(Tensor x, double p) =>
        Autograd.Record(Unary(UnaryOp.PowScalar, x, p), "pow_scalar", [x], g => [g * (p * Pow(x, p - 1))]);

    /// <summary>x². d/dx = 2x.</summary>
    public static Tensor Square(Tensor x) => Autograd.Record(Unary(UnaryOp.Square, x), "square", [x], g => [g * x * 2]);

    /// <summary>1/x. d/dx = −1/x² = −y².</summary>
    public static Tensor Reciprocal(Tensor x)
    {
        var y = Unary(UnaryOp.Reciprocal, x);
        return Autograd.Record(y, "reciprocal", [x], g => [Neg(g * Square(y))]);
    }

    /// <summary>eˣ. d/dx = eˣ = y.</summary>
    public static Tensor Exp(Tensor x)
    {
        var y = Unary(UnaryOp.Exp, x);
        return Autograd.Record(y, "exp", [x], g => [g * y]);
    }

    /// <summary>ln x. d/dx = 1/x.</summary>
    public static Tensor Log(Tensor x) => Autograd.Record(Unary(UnaryOp.Log, x), "log", [x], g => [g / x]);

    /// <summary>ln(1 + x), accurate for small x. d/dx = 1/(1 + x).</summary>
    public static Tensor Log1p(Tensor x) => Autograd.Record(Unary(UnaryOp.Log1p, x), "log1p", [x], g => [g / (x + 1)]);

    /// <summary>√x. d/dx = 1/(2√x).</summary>
    public static Tensor Sqrt(Tensor x)
    {
        var y = Unary(UnaryOp.Sqrt, x);
        return Autograd.Record(y, "sqrt", [x], g => [g / (y * 2)]);
    }

    /// <summary>|x|. d/dx = sign x (0 at the kink).</summary>
    public static Tensor Abs(Tensor x) => Autograd.Record(Unary(UnaryOp.Abs, x), "abs", [x], g => [g * Sign(x)]);

    /// <summary>sign x ∈ {−1, 0, 1}: piecewise constant, zero gradient.</summary>
    public static Tensor Sign(Tensor x) => Unary(UnaryOp.Sign, x);

    /// <summary>sin x. d/dx = cos x.</summary>
    public static Tensor Sin(Tensor x) => Autograd.Record(Unary(UnaryOp.Sin, x), "sin", [x], g => [g * Cos(x)]);

    /// <summary>cos x. d/dx = −sin x.</summary>
    public static Tensor Cos(Tensor x) => Autograd.Record(Unary(UnaryOp.Cos, x), "cos", [x], g => [Neg(g * Sin(x))]);

    /// <summary>tanh x. d/dx = 1 − tanh² x (§10.1, activation table).</summary>
    public static Tensor Tanh(Tensor x)
    {
        var y = Unary(UnaryOp.Tanh, x);
        return Autograd.Record(y, "tanh", [x], g => [g * (1 - Square(y))]);
    }

    /// <summary>σ(x) = 1/(1 + e^{−x}). dσ/dx = σ(1 − σ) (§10.1, activation table).</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var y = Unary(UnaryOp.Sigmoid, x);
        return Autograd.Record(y, "sigmoid", [x], g => [g * y * (1 - y)]);
    }

    /// <summary>softplus x = ln(1 + eˣ), computed without overflow. d/dx = σ(x).</summary>
    public static Tensor Softplus(Tensor x) =>
        Autograd.Record(Unary(UnaryOp.Softplus, x), "softplus", [x], g => [g * Sigmoid(x)]);

    /// <summary>ReLU x = max(0, x). d/dx = 1 for x &gt; 0, else 0 (the subgradient 0 at the kink).</summary>
    public static Tensor Relu(Tensor x) =>
        Autograd.Record(Unary(UnaryOp.Relu, x), "relu", [x], g => [ReluBackward(g, x)]);

    // g ⊙ [x > 0] in one pass. Linear in g, so its backward is itself; piecewise constant in x (no gradient to x).
    static Tensor ReluBackward(Tensor g, Tensor x) =>
        Autograd.Record(Binary(BinaryOp.PassWherePositive, g, x, "relu_backward"), "relu_backward", [g], gg => [ReluBackward(gg, x)]);

    /// <summary>Leaky ReLU: x for x &gt; 0, else slope·x. d/dx = 1 or slope.</summary>
    public static Tensor LeakyRelu(Tensor x, double slope = 0.01) =>
        Autograd.Record(Unary(UnaryOp.LeakyRelu, x, slope), "leaky_relu", [x], g =>
        {
            var pos = Unary(UnaryOp.GreaterThanScalar, x, 0);
            return [g * (pos + (1 - pos) * slope)];
        });

    /// <summary>ELU: x for x &gt; 0, else α(eˣ − 1). d/dx = 1, or α eˣ for x ≤ 0.</summary>
    public static Tensor Elu(Tensor x, double alpha = 1.0) =>
        Autograd.Record(Unary(UnaryOp.Elu, x, alpha), "elu", [x], g =>
        {
            var pos = Unary(UnaryOp.GreaterThanScalar, x, 0);
            return [g * (pos + (1 - pos) * Exp(x) * alpha)];
        });

    /// <summary>min(max(x, lo), hi). d/dx = 1 inside [lo, hi], else 0.</summary>
    public static Tensor Clamp(Tensor x, double lo, double hi)
    {
        if (lo > hi) throw new ArgumentException($"clamp: lo = {lo} is greater than hi = {hi}");
        return Autograd.Record(Unary(UnaryOp.Clamp, x, lo, hi), "clamp", [x], g => [g * Unary(UnaryOp.InRange, x, lo, hi)]);
    }

    /// <summary>cond ≠ 0 ? a : b with broadcasting. The condition is a constant; the gradient goes to the chosen branch.</summary>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b)
    {
        Guard.SameDTypeAndDevice("where", a, b);
        var shape = Shape.Broadcast(Shape.Broadcast(cond.Shape, a.Shape, "where"), b.Shape, "where");
        var y = Empty(a, shape);
        B(a).Where(cond.DType == a.DType ? cond : Cast(cond.Detach(), a.DType), a, b, y);
        return Autograd.Record(y, "where", [a, b], g =>
        {
            var zero = Tensor.Zeros(new Shape(), g.DType, g.Device); // broadcast
            return [a.RequiresGrad ? SumTo(Where(cond, g, zero), a.Shape) : null, b.RequiresGrad ? SumTo(Where(cond, zero, g), b.Shape) : null];
        });
    }
}
