namespace MachinePerception.Numerics;

/// <summary>The iterates of a root finder, so a chapter can print them and measure the convergence order.</summary>
public sealed record RootFindingResult(double Root, IReadOnlyList<double> Iterates, bool Converged)
{
    /// <summary>
    /// Estimates of the convergence order p from consecutive errors eₖ = |xₖ − x*|:
    /// p ≈ log(eₖ₊₁/eₖ) / log(eₖ/eₖ₋₁). Secant tends to the golden ratio φ ≈ 1.618, Newton to 2.
    /// Errors below <paramref name="floor"/> are dropped: at machine precision the ratios are noise.
    /// </summary>
    public IReadOnlyList<double> OrderEstimates(double exactRoot, double floor = 1e-13)
    {
        var e = Iterates.Select(x => Math.Abs(x - exactRoot)).TakeWhile(v => v > floor).ToList();
        var p = new List<double>();
        for (int k = 1; k + 1 < e.Count; k++)
            p.Add(Math.Log(e[k + 1] / e[k]) / Math.Log(e[k] / e[k - 1]));
        return p;
    }
}

/// <summary>Root finding in one variable (§14 Appendix, used by the ray–surface intersection of §8).</summary>
public static class RootFinding
{
    /// <summary>
    /// The secant method (§14): the line through (x₀, f(x₀)) and (x₁, f(x₁)) crosses zero at
    /// x₂ = x₁ − f(x₁)(x₁ − x₀)/(f(x₁) − f(x₀)); repeat with (x₁, x₂). Newton's method with the derivative
    /// replaced by a difference quotient, so it needs no derivative.
    /// </summary>
    public static RootFindingResult Secant(Func<double, double> f, double x0, double x1, double tolerance = 1e-14, int maxIterations = 100)
    {
        if (x0 == x1) throw new ArgumentException($"Secant: the two starting points must differ (both {x0})");
        var xs = new List<double> { x0, x1 };
        double f0 = f(x0), f1 = f(x1);
        for (int i = 0; i < maxIterations; i++)
        {
            if (f1 == 0) return new(x1, xs, true);
            if (f1 == f0) return new(x1, xs, false); // horizontal secant: no crossing
            double x2 = x1 - f1 * (x1 - x0) / (f1 - f0);
            if (!double.IsFinite(x2)) return new(x1, xs, false);
            xs.Add(x2);
            if (Math.Abs(x2 - x1) <= tolerance * Math.Max(1, Math.Abs(x2))) return new(x2, xs, true);
            (x0, f0, x1, f1) = (x1, f1, x2, f(x2));
        }
        return new(x1, xs, false);
    }

    /// <summary>Newton's method xₖ₊₁ = xₖ − f(xₖ)/f′(xₖ): quadratic convergence near a simple root.</summary>
    public static RootFindingResult Newton(Func<double, double> f, Func<double, double> derivative, double x0, double tolerance = 1e-14, int maxIterations = 100)
    {
        var xs = new List<double> { x0 };
        double x = x0;
        for (int i = 0; i < maxIterations; i++)
        {
            double d = derivative(x);
            if (d == 0 || !double.IsFinite(d)) return new(x, xs, false);
            double next = x - f(x) / d;
            xs.Add(next);
            if (Math.Abs(next - x) <= tolerance * Math.Max(1, Math.Abs(next))) return new(next, xs, true);
            x = next;
        }
        return new(x, xs, false);
    }

    /// <summary>Bisection on a bracket [a, b] with f(a)·f(b) &lt; 0: slow (one bit per step) but certain.</summary>
    public static RootFindingResult Bisection(Func<double, double> f, double a, double b, double tolerance = 1e-14, int maxIterations = 200)
    {
        double fa = f(a), fb = f(b);
        if (fa * fb > 0) throw new ArgumentException($"Bisection: f({a}) = {fa} and f({b}) = {fb} have the same sign; no bracket");
        var xs = new List<double>();
        for (int i = 0; i < maxIterations; i++)
        {
            double m = 0.5 * (a + b), fm = f(m);
            xs.Add(m);
            if (fm == 0 || 0.5 * (b - a) <= tolerance * Math.Max(1, Math.Abs(m))) return new(m, xs, true);
            if (fa * fm < 0) (b, fb) = (m, fm);
            else (a, fa) = (m, fm);
        }
        return new(0.5 * (a + b), xs, false);
    }
}
