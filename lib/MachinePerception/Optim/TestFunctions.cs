using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// A 2-D loss surface for watching the optimizers of §10.2: the loss of a parameter tensor θ [2] written with the
/// engine's ops (so autodiff gives the gradient), the same function and its gradient in plain doubles (for plots and
/// for hand-written reference updates), its minimiser, a plotting window and a starting point.
/// </summary>
public sealed record TestFunction(string Name, Func<Tensor, Tensor> Loss, Func<double, double, double> Value,
    Func<double, double, (double Dx, double Dy)> Gradient, (double X, double Y) Minimum,
    (double Min, double Max) XRange, (double Min, double Max) YRange, (double X, double Y) Start)
{
    public override string ToString() => Name;
}

/// <summary>The test surfaces of §10.2's optimizer comparison.</summary>
public static class TestFunctions
{
    /// <summary>
    /// f(x, y) = ½(x² + κy²): an ill-conditioned quadratic whose Hessian diag(1, κ) has condition number κ. Gradient
    /// descent must take ε &lt; 2/κ to be stable along y, and then crawls along x at a rate 1 − ε.
    /// </summary>
    public static TestFunction IllConditionedQuadratic(double kappa = 20)
    {
        if (!(kappa >= 1)) throw new ArgumentException($"IllConditionedQuadratic: condition number {kappa} must be ≥ 1");
        var c = Tensor.FromArray([0.5, 0.5 * kappa], 2);
        return new TestFunction($"quadratic κ = {kappa}",
            theta => Op.Sum(c.To(theta.DType) * Op.Square(Check(theta))),
            (x, y) => 0.5 * (x * x + kappa * y * y),
            (x, y) => (x, kappa * y),
            (0, 0), (-4.5, 1), (-1.5, 1.5), (-4, 1));
    }

    /// <summary>
    /// Rosenbrock's banana f(x, y) = (a − x)² + b(y − x²)², minimum 0 at (a, a²) at the end of a narrow curved valley.
    /// </summary>
    public static TestFunction Rosenbrock(double a = 1, double b = 100) =>
        new($"Rosenbrock (a = {a}, b = {b})",
            theta =>
            {
                var x = Op.Slice(Check(theta), 0, 0, 1);
                var y = Op.Slice(theta, 0, 1, 1);
                return Op.Sum(Op.Square(a - x) + b * Op.Square(y - Op.Square(x)));
            },
            (x, y) => (a - x) * (a - x) + b * (y - x * x) * (y - x * x),
            (x, y) => (-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)),
            (a, a * a), (-2, 2), (-1, 3), (-1.5, 2));

    static Tensor Check(Tensor theta) =>
        theta.Shape.Rank == 1 && theta.Shape[0] == 2 ? theta
            : throw new ArgumentException($"TestFunction: θ must have shape [2], got {theta.Shape}");
}
