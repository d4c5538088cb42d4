namespace MachinePerception.Numerics;

/// <summary>
/// Centred differences of a scalar function of a parameter matrix, the "truth" that exact gradients are compared with
/// when no autodiff graph exists (the policy-gradient proofs of §7 and §13 work on plain arrays).
/// </summary>
public static class FiniteDifferences
{
    /// <summary>∂f/∂θ[i, j] ≈ (f(θ + h E_ij) − f(θ − h E_ij)) / 2h for every entry (error O(h²) plus rounding ≈ ε·|f|/h).</summary>
    public static double[,] Gradient(Func<double[,], double> f, double[,] theta, double h = 1e-6)
    {
        if (!(h > 0)) throw new ArgumentException($"FiniteDifferences.Gradient: step h = {h} must be positive");
        int rows = theta.GetLength(0), columns = theta.GetLength(1);
        var g = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                var plus = (double[,])theta.Clone();
                var minus = (double[,])theta.Clone();
                plus[i, j] += h;
                minus[i, j] -= h;
                g[i, j] = (f(plus) - f(minus)) / (2 * h);
            }
        return g;
    }
}
