using MachinePerception.Numerics;

namespace MachinePerception.Generative;

/// <summary>
/// The optimal GAN discriminator (§13 "Optimal discriminator"): for a fixed generator, V(G, D) = ∫ p_d log D + p_g log(1 − D) dx
/// is maximised pointwise. At each x it is f(y) = a log y + b log(1 − y) with a = p_d(x), b = p_g(x), y = D(x), whose
/// maximiser on (0, 1) is y* = a/(a + b) (f′(y*) = 0 and f″ &lt; 0 there). Hence D*(x) = p_d(x)/(p_d(x) + p_g(x)), and
/// V(G, D*) = −log 4 + 2 JS(p_d ‖ p_g).
/// </summary>
public static class OptimalDiscriminator
{
    /// <summary>f(y) = a log y + b log(1 − y).</summary>
    public static double Objective(double a, double b, double y) => a * Math.Log(y) + b * Math.Log(1 - y);

    /// <summary>f′(y) = a/y − b/(1 − y).</summary>
    public static double Derivative(double a, double b, double y) => a / y - b / (1 - y);

    /// <summary>f″(y) = −a/y² − b/(1 − y)²: negative on (0, 1) whenever a, b ≥ 0 and not both zero, so f is strictly concave.</summary>
    public static double SecondDerivative(double a, double b, double y) => -a / (y * y) - b / ((1 - y) * (1 - y));

    /// <summary>y* = a/(a + b), the zero of f′.</summary>
    public static double Maximiser(double a, double b)
    {
        if (!(a >= 0 && b >= 0 && a + b > 0))
            throw new ArgumentException($"OptimalDiscriminator.Maximiser: a = {a} and b = {b} must be ≥ 0 and not both zero");
        return a / (a + b);
    }

    /// <summary>D*(x) = p_d(x)/(p_d(x) + p_g(x)).</summary>
    public static double Optimal(double dataDensity, double modelDensity) => Maximiser(dataDensity, modelDensity);

    /// <summary>
    /// V(G, D) = ∫ p_d log D + p_g log(1 − D) dx by the composite Simpson rule on [lo, hi] with an even number of
    /// intervals; the densities must be negligible outside the interval. D is kept inside [10⁻³⁰⁰, 1 − 2⁻⁵³]: far in the
    /// tails D*(x) rounds to exactly 0 or 1 although the density that multiplies its log is negligible, not zero.
    /// </summary>
    public static double Value(Func<double, double> discriminator, Func<double, double> dataDensity, Func<double, double> modelDensity,
                               double lo, double hi, int intervals = 4000) =>
        Quadrature.Simpson(x =>
        {
            double d = Math.Clamp(discriminator(x), 1e-300, 1 - Math.Pow(2, -53)), pd = dataDensity(x), pg = modelDensity(x);
            // 0 · log 0 = 0: where a density vanishes its term does not count
            return (pd > 0 ? pd * Math.Log(d) : 0) + (pg > 0 ? pg * Math.Log(1 - d) : 0);
        }, lo, hi, intervals);

    /// <summary>JS(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m) with m = (p + q)/2, by Simpson's rule on [lo, hi].</summary>
    public static double JensenShannon(Func<double, double> p, Func<double, double> q, double lo, double hi, int intervals = 4000) =>
        Quadrature.Simpson(x =>
        {
            double a = p(x), b = q(x), m = 0.5 * (a + b);
            return 0.5 * ((a > 0 ? a * Math.Log(a / m) : 0) + (b > 0 ? b * Math.Log(b / m) : 0));
        }, lo, hi, intervals);
}
