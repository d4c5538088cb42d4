namespace MachinePerception.Numerics;

/// <summary>Numerical integration in one variable, for the integrals that the proofs of §13 evaluate exactly.</summary>
public static class Quadrature
{
    /// <summary>
    /// The composite Simpson rule (h/3)(g₀ + 4g₁ + 2g₂ + … + 4g_{n−1} + g_n) on [lo, hi] with an even number n of
    /// intervals: exact for cubics, error O(h⁴) for smooth g.
    /// </summary>
    public static double Simpson(Func<double, double> g, double lo, double hi, int intervals)
    {
        if (intervals < 2 || intervals % 2 != 0 || !(hi > lo))
            throw new ArgumentException($"Quadrature.Simpson: need an even number ≥ 2 of intervals on a non-empty [lo, hi], got {intervals} on [{lo}, {hi}]");
        double h = (hi - lo) / intervals, s = g(lo) + g(hi);
        for (int i = 1; i < intervals; i++) s += (i % 2 == 1 ? 4 : 2) * g(lo + i * h);
        return s * h / 3;
    }
}
