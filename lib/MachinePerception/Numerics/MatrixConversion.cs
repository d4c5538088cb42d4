using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Tensors;

namespace MachinePerception.Numerics;

/// <summary>Tensors as MathNet matrices, for the chapters' independent reference computations in plain linear algebra.</summary>
public static class MatrixConversion
{
    /// <summary>A [rows, cols] tensor as a float64 MathNet matrix (one copy of the data, row-major).</summary>
    public static Matrix<double> ToMatrix(this Tensor t)
    {
        if (t.Rank != 2) throw new ArgumentException($"ToMatrix: expected a matrix [rows, cols], got {t.Shape}");
        return Matrix<double>.Build.DenseOfRowMajor(t.Shape[0], t.Shape[1], t.ToDoubleArray());
    }
}
