using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// Principal angles between two subspaces (§1, to compare a linear autoencoder with PCA). Orthonormalise bases of
/// both spans, Q₁ and Q₂ (thin QR); the singular values of Q₁ᵀQ₂ are the cosines of the angles θ₁ ≤ θ₂ ≤ … between
/// them. All angles are 0 exactly when the spans coincide, whatever the bases: the comparison ignores any
/// invertible mixing of the basis vectors, which is what the autoencoder's weights are free to contain.
/// </summary>
public static class PrincipalAngles
{
    /// <summary>The angles in degrees, smallest first, between span(A) and span(B) for bases A [D, k], B [D, l].</summary>
    public static double[] Between(Matrix<double> a, Matrix<double> b)
    {
        if (a.RowCount != b.RowCount)
            throw new ArgumentException($"PrincipalAngles.Between: bases live in different spaces, A is {a.RowCount}×{a.ColumnCount}, B is {b.RowCount}×{b.ColumnCount}");
        if (a.ColumnCount > a.RowCount || b.ColumnCount > b.RowCount)
            throw new ArgumentException($"PrincipalAngles.Between: a basis needs at most as many columns as rows, got A {a.RowCount}×{a.ColumnCount}, B {b.RowCount}×{b.ColumnCount}");
        var q1 = Orthonormal(a);
        var q2 = Orthonormal(b);
        var cosines = (q1.TransposeThisAndMultiply(q2)).Svd(computeVectors: false).S; // descending
        // Rounding can push a cosine a hair above 1; acos is undefined there.
        return cosines.Select(c => Math.Acos(Math.Clamp(c, -1, 1)) * 180 / Math.PI).ToArray();
    }

    /// <summary>The same for bases given as tensors [D, k] and [D, l].</summary>
    public static double[] Between(Tensor a, Tensor b) => Between(ToMatrix(a), ToMatrix(b));

    /// <summary>The largest principal angle in degrees: how far the two subspaces are apart at worst.</summary>
    public static double Largest(Matrix<double> a, Matrix<double> b) => Between(a, b).Max();

    static Matrix<double> Orthonormal(Matrix<double> basis) =>
        basis.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q;

    /// <summary>A [rows, cols] tensor as a MathNet matrix (float64); the same as <see cref="MatrixConversion.ToMatrix"/>.</summary>
    public static Matrix<double> ToMatrix(Tensor t) => t.ToMatrix();
}
