using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Numerics;

public class MatrixExponentialTests
{
    [Fact]
    public void Exponential_of_a_diagonal_matrix_is_the_exponential_of_its_entries()
    {
        var d = Matrix<double>.Build.DenseOfDiagonalArray([0.5, -2, 7]);
        var e = MatrixExponential.Of(d);
        Assert.Equal(Math.Exp(0.5), e[0, 0], 12);
        Assert.Equal(Math.Exp(-2), e[1, 1], 12);
        Assert.Equal(Math.Exp(7), e[2, 2], 9);
        Assert.Equal(0, e[0, 1]);
    }

    [Fact]
    public void Exponential_of_a_matrix_times_that_of_its_negative_is_the_identity()
    {
        var rng = new Rng(4);
        var a = Matrix<double>.Build.Dense(4, 4, (_, _) => rng.NextNormal());
        var product = MatrixExponential.Of(a) * MatrixExponential.Of(-a);
        Assert.True((product - Matrix<double>.Build.DenseIdentity(4)).L1Norm() < 1e-12);
    }

    [Fact]
    public void A_nilpotent_matrix_has_the_finite_series()
    {
        var n = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 1, 2 }, { 0, 0, 3 }, { 0, 0, 0 } });
        var expected = Matrix<double>.Build.DenseIdentity(3) + n + n * n / 2;
        Assert.True((MatrixExponential.Of(n) - expected).L1Norm() < 1e-14);
    }
}
