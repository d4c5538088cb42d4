using MachinePerception.Tensors;
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

    /// <summary>
    /// ∫∫ f over a box, as the sum of MathNet's Gauss–Legendre rule of the given order on tiles × tiles equal rectangles:
    /// a density with narrow features needs small tiles, and the sum over tiles converges quickly as the order grows.
    /// </summary>
    public static double IntegrateOverBox(Func<double, double, double> f, (double Min, double Max) x, (double Min, double Max) y,
        int tiles = 16, int order = 16)
    {
        if (!(x.Max > x.Min) || !(y.Max > y.Min) || tiles < 1 || order < 1)
            throw new ArgumentException($"ChangeOfVariables.IntegrateOverBox: needs a non-empty box and positive tiles and order, got x {x}, y {y}, {tiles} tiles, order {order}");
        double dx = (x.Max - x.Min) / tiles, dy = (y.Max - y.Min) / tiles, total = 0;
        for (int i = 0; i < tiles; i++)
            for (int j = 0; j < tiles; j++)
                total += MathNet.Numerics.Integrate.OnRectangle(f, x.Min + i * dx, x.Min + (i + 1) * dx, y.Min + j * dy, y.Min + (j + 1) * dy, order);
        return total;
    }

    /// <summary>
    /// ∫∫ exp(log p) over a box for a batched log-density (points [N, 2] → [N], e.g. a flow's <c>LogProb</c>): the same
    /// tiled Gauss–Legendre rule as <see cref="IntegrateOverBox(Func{double, double, double}, ValueTuple{double, double}, ValueTuple{double, double}, int, int)"/>,
    /// with every node evaluated in one batch without gradients.
    /// </summary>
    public static double IntegrateDensity(Func<Tensor, Tensor> logDensity, (double Min, double Max) x, (double Min, double Max) y,
        int tiles = 8, int order = 16, DType dtype = DType.Float32)
    {
        if (!(x.Max > x.Min) || !(y.Max > y.Min) || tiles < 1 || order < 1)
            throw new ArgumentException($"ChangeOfVariables.IntegrateDensity: needs a non-empty box and positive tiles and order, got x {x}, y {y}, {tiles} tiles, order {order}");
        var (xs, wx) = Nodes(x, tiles, order);
        var (ys, wy) = Nodes(y, tiles, order);
        var points = new double[2 * xs.Length * ys.Length];
        for (int i = 0; i < xs.Length; i++)
            for (int j = 0; j < ys.Length; j++) (points[2 * (i * ys.Length + j)], points[2 * (i * ys.Length + j) + 1]) = (xs[i], ys[j]);
        double[] logP;
        using (Autodiff.Autograd.NoGrad())
            logP = logDensity(Tensor.FromArray(points, xs.Length * ys.Length, 2).To(dtype)).ToDoubleArray();
        double total = 0;
        for (int i = 0; i < xs.Length; i++)
            for (int j = 0; j < ys.Length; j++) total += wx[i] * wy[j] * Math.Exp(logP[i * ys.Length + j]);
        return total;
    }

    // Gauss–Legendre nodes and weights of every tile of an interval, concatenated
    static (double[] Nodes, double[] Weights) Nodes((double Min, double Max) range, int tiles, int order)
    {
        var nodes = new List<double>();
        var weights = new List<double>();
        double width = (range.Max - range.Min) / tiles;
        for (int t = 0; t < tiles; t++)
        {
            var rule = new MathNet.Numerics.Integration.GaussLegendreRule(range.Min + t * width, range.Min + (t + 1) * width, order);
            nodes.AddRange(rule.Abscissas);
            weights.AddRange(rule.Weights);
        }
        return ([.. nodes], [.. weights]);
    }

    /// <summary>The standard normal density in n dimensions, (2π)^{−n/2} e^{−|z|²/2}.</summary>
    public static double StandardNormal(double[] z) =>
        Math.Exp(-0.5 * z.Sum(v => v * v)) / Math.Pow(2 * Math.PI, z.Length / 2.0);

    /// <summary>The standard normal density in one dimension.</summary>
    public static double StandardNormal(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
}
