using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Flows;

/// <summary>
/// The change-of-variables formula of §4 in plain doubles, for a map x = f(z) of a base variable z with density p_z.
/// Two equivalent forms:
///     p_x(x) = p_z(f⁻¹(x)) · |det ∂f⁻¹(x)/∂x|            (the Jacobian of the inverse, at x),
///     p_x(x) = p_z(z) · |det ∂f(z)/∂z|⁻¹,  z = f⁻¹(x)     (the inverse determinant of the forward map, at z).
/// They agree because ∂f⁻¹/∂x at x is the matrix inverse of ∂f/∂z at z = f⁻¹(x) (inverse function theorem).
/// Jacobians here are centred differences (step h, error O(h²)), so the two forms are computed independently of any
/// hand-derived derivative.
/// </summary>
public static class ChangeOfVariables
{
    /// <summary>1-D: p_z(f⁻¹(x)) · |d f⁻¹/dx|.</summary>
    public static double DensityViaInverse(Func<double, double> baseDensity, Func<double, double> inverse, double x, double h = 1e-5) =>
        baseDensity(inverse(x)) * Math.Abs((inverse(x + h) - inverse(x - h)) / (2 * h));

    /// <summary>1-D: p_z(z) / |f′(z)| at z = f⁻¹(x).</summary>
    public static double DensityViaForward(Func<double, double> baseDensity, Func<double, double> forward, Func<double, double> inverse,
        double x, double h = 1e-5)
    {
        double z = inverse(x);
        return baseDensity(z) / Math.Abs((forward(z + h) - forward(z - h)) / (2 * h));
    }

    /// <summary>The Jacobian ∂g/∂u [n, n] of a map of n variables by centred differences.</summary>
    public static Matrix<double> Jacobian(Func<double[], double[]> g, double[] u, double h = 1e-5)
    {
        int n = u.Length;
        var j = Matrix<double>.Build.Dense(n, n);
        for (int c = 0; c < n; c++)
        {
            var plus = (double[])u.Clone();
            var minus = (double[])u.Clone();
            plus[c] += h;
            minus[c] -= h;
            var gp = g(plus);
            var gm = g(minus);
            if (gp.Length != n) throw new ArgumentException($"ChangeOfVariables.Jacobian: the map returns {gp.Length} values for {n} inputs; it must be square");
            for (int r = 0; r < n; r++) j[r, c] = (gp[r] - gm[r]) / (2 * h);
        }
        return j;
    }

    /// <summary>n-D: p_z(f⁻¹(x)) · |det ∂f⁻¹(x)/∂x|.</summary>
    public static double DensityViaInverse(Func<double[], double> baseDensity, Func<double[], double[]> inverse, double[] x, double h = 1e-5) =>
        baseDensity(inverse(x)) * Math.Abs(Jacobian(inverse, x, h).Determinant());

    /// <summary>n-D: p_z(z) · |det ∂f(z)/∂z|⁻¹ at z = f⁻¹(x).</summary>
    public static double DensityViaForward(Func<double[], double> baseDensity, Func<double[], double[]> forward, Func<double[], double[]> inverse,
        double[] x, double h = 1e-5)
    {
        var z = inverse(x);
        return baseDensity(z) / Math.Abs(Jacobian(forward, z, h).Determinant());
    }

    /// <summary>The standard normal density in n dimensions, (2π)^{−n/2} e^{−|z|²/2}.</summary>
    public static double StandardNormal(double[] z) =>
        Math.Exp(-0.5 * z.Sum(v => v * v)) / Math.Pow(2 * Math.PI, z.Length / 2.0);

    /// <summary>The standard normal density in one dimension.</summary>
    public static double StandardNormal(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
}
