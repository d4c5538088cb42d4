namespace MachinePerception.Numerics;

/// <summary>
/// Implicit differentiation in the plane (§13 "Implicit differentiation"). If F(x, y) = 0 near (x₀, y₀) and
/// ∂F/∂y ≠ 0 there, the implicit function theorem gives a unique differentiable y(x) through (x₀, y₀) with
/// F(x, y(x)) = 0, and differentiating that identity gives dy/dx = −(∂F/∂x)/(∂F/∂y). For x² + y² = 1 it is −x/y.
/// </summary>
public static class ImplicitFunction
{
    /// <summary>dy/dx = −F_x/F_y; throws where F_y = 0 (a vertical tangent: no function y(x) there).</summary>
    public static double Slope(double dFdx, double dFdy)
    {
        if (dFdy == 0 || !double.IsFinite(dFdx / dFdy))
            throw new ArgumentException($"ImplicitFunction.Slope: ∂F/∂y = {dFdy} (∂F/∂x = {dFdx}); the theorem needs ∂F/∂y ≠ 0");
        return -dFdx / dFdy;
    }

    /// <summary>
    /// The y with F(x, y) = 0 nearest to <paramref name="yGuess"/>, by the secant method started at yGuess and
    /// yGuess + 10⁻³: the point of the curve above x on the branch through the guess.
    /// </summary>
    public static double SolveForY(Func<double, double, double> f, double x, double yGuess)
    {
        var r = RootFinding.Secant(y => f(x, y), yGuess, yGuess + 1e-3);
        if (!r.Converged) throw new ArgumentException($"ImplicitFunction.SolveForY: no root of F({x}, y) near y = {yGuess}");
        return r.Root;
    }

    /// <summary>
    /// dy/dx along the curve without any derivative of F: move to x ± h, find the curve's y there by root finding
    /// (<see cref="SolveForY"/>, starting from y₀), and take the centered difference (y(x + h) − y(x − h))/2h.
    /// </summary>
    public static double SlopeByDifferences(Func<double, double, double> f, double x, double y, double h = 1e-5) =>
        (SolveForY(f, x + h, y) - SolveForY(f, x - h, y)) / (2 * h);
}
