using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Numerics;

/// <summary>
/// exp(A) = Σ Aⁿ/n! by scaling and squaring: A is halved s times until ‖A‖₁/2ˢ ≤ ½, the Taylor series of the small
/// matrix is summed until its terms stop mattering, and the result is squared s times (exp(A) = exp(A/2ˢ)^{2ˢ}).
/// The independent reference for Rodrigues' formula, R(r) = exp([r]×) (§9.3).
/// </summary>
public static class MatrixExponential
{
    public static Matrix<double> Of(Matrix<double> a)
    {
        if (a.RowCount != a.ColumnCount) throw new ArgumentException($"MatrixExponential.Of: needs a square matrix, got {a.RowCount}×{a.ColumnCount}");
        double norm = a.L1Norm();
        if (!double.IsFinite(norm)) throw new ArgumentException("MatrixExponential.Of: the matrix has non-finite entries");
        int squarings = norm > 0.5 ? (int)Math.Ceiling(Math.Log2(norm / 0.5)) : 0;
        var scaled = a / Math.Pow(2, squarings);
        var sum = Matrix<double>.Build.DenseIdentity(a.RowCount);
        var term = sum.Clone();
        for (int n = 1; n < 60; n++)
        {
            term = term * scaled / n;
            sum += term;
            if (term.L1Norm() <= 1e-18 * sum.L1Norm()) break;
        }
        for (int i = 0; i < squarings; i++) sum *= sum;
        return sum;
    }
}
