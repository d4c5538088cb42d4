using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Generative;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Generative;

public class PcaTests
{
    static Tensor Correlated(int n, int d, int seed)
    {
        var rng = new Rng(seed);
        var mix = Matrix<double>.Build.Dense(d, d, (_, _) => rng.NextNormal());
        var x = Matrix<double>.Build.Dense(n, d, (_, j) => rng.NextNormal() * (j + 1)) * mix + 3; // non-zero mean
        return Tensor.FromArray(x.ToArray());
    }

    [Fact]
    public void Covariance_route_and_data_svd_route_agree()
    {
        var data = Correlated(40, 6, 1);
        var a = Pca.Fit(data, 3);
        var b = Pca.FitBySvdOfData(data, 3);
        for (int i = 0; i < 6; i++) Assert.Equal(b.Eigenvalues[i], a.Eigenvalues[i], 9);
        Assert.True(PrincipalAngles.Largest(a.Components, b.Components) < 1e-6);
        Assert.Equal(a.Mean, b.Mean);
        Assert.True((a.Covariance - b.Covariance).FrobeniusNorm() < 1e-9 * a.Covariance.FrobeniusNorm());
    }

    [Fact]
    public void Gram_route_agrees_with_the_data_svd_when_examples_are_fewer_than_dimensions()
    {
        var data = Correlated(12, 30, 2);
        var a = Pca.FitByGram(data, 5);
        var b = Pca.FitBySvdOfData(data, 5);
        for (int i = 0; i < 30; i++) Assert.Equal(b.Eigenvalues[i], a.Eigenvalues[i], 8);
        Assert.True(PrincipalAngles.Largest(a.Components, b.Components) < 1e-6);
        Assert.True((a.Components.TransposeThisAndMultiply(a.Components) - Matrix<double>.Build.DenseIdentity(5)).FrobeniusNorm() < 1e-10);
        Assert.True((a.Covariance - b.Covariance).FrobeniusNorm() < 1e-9 * a.Covariance.FrobeniusNorm());
        Assert.Throws<ArgumentException>(() => Pca.FitByGram(data, 13));
    }

    [Fact]
    public void Projection_error_onto_any_orthonormal_basis_is_the_trace_identity()
    {
        var data = Correlated(60, 6, 6);
        var pca = Pca.Fit(data, 2);
        var rng = new Rng(7);
        var u = Matrix<double>.Build.Dense(6, 2, (_, _) => rng.NextNormal()).QR().Q.SubMatrix(0, 6, 0, 2);
        var x = data.ToDoubleArray();
        double error = 0;
        for (int n = 0; n < 60; n++)
        {
            var v = Vector<double>.Build.Dense(6, j => x[n * 6 + j] - pca.Mean[j]);
            error += (v - u * (u.TransposeThisAndMultiply(v))).L2Norm() * (v - u * (u.TransposeThisAndMultiply(v))).L2Norm() / 60;
        }
        Assert.Equal(pca.Covariance.Trace() - u.TransposeThisAndMultiply(pca.Covariance * u).Trace(), error, 9);
        Assert.True(error > pca.ResidualVariance); // the top eigenvectors do best
    }

    [Fact]
    public void Eigenvalues_are_descending_and_sum_to_the_total_variance_and_components_are_orthonormal()
    {
        var data = Correlated(50, 5, 2);
        var pca = Pca.Fit(data, 5);
        var x = data.ToDoubleArray();
        double total = 0;
        for (int j = 0; j < 5; j++)
        {
            double mean = Enumerable.Range(0, 50).Average(i => x[i * 5 + j]);
            total += Enumerable.Range(0, 50).Sum(i => (x[i * 5 + j] - mean) * (x[i * 5 + j] - mean)) / 50;
        }
        Assert.Equal(total, pca.Eigenvalues.Sum(), 9);
        for (int i = 1; i < 5; i++) Assert.True(pca.Eigenvalues[i - 1] >= pca.Eigenvalues[i]);
        var gram = pca.Components.TransposeThisAndMultiply(pca.Components);
        Assert.True((gram - Matrix<double>.Build.DenseIdentity(5)).FrobeniusNorm() < 1e-10);
        Assert.Equal(1, pca.ExplainedVarianceRatio(5), 12);
    }

    [Fact]
    public void Projection_error_equals_the_discarded_eigenvalues()
    {
        var data = Correlated(60, 7, 3);
        var pca = Pca.Fit(data, 3);
        var error = (pca.Reconstruct(data) - data).ToDoubleArray().Sum(v => v * v) / 60;
        Assert.Equal(pca.ResidualVariance, error, 9);
        Assert.Equal(new Shape(60, 3), pca.Encode(data).Shape);
    }

    [Fact]
    public void Points_on_a_line_have_that_line_as_first_direction_and_no_second_variance()
    {
        var t = new double[] { -2, -1, 0, 1, 3 };
        var points = Tensor.FromArray(t.SelectMany(s => new[] { 1 + 3 * s, 2 + 4 * s }).ToArray(), 5, 2); // along (3, 4)/5
        var pca = Pca.Fit(points, 1);
        Assert.Equal(0.6, Math.Abs(pca.Components[0, 0]), 12);
        Assert.Equal(0.8, Math.Abs(pca.Components[1, 0]), 12);
        Assert.Equal(0, pca.Eigenvalues[1], 12);
        Assert.Equal(25 * t.Select(s => (s - t.Average()) * (s - t.Average())).Average(), pca.Eigenvalues[0], 10);
    }

    [Fact]
    public void Principal_angles_ignore_the_basis_and_measure_known_angles()
    {
        var rng = new Rng(4);
        var basis = Matrix<double>.Build.Dense(6, 3, (_, _) => rng.NextNormal());
        var mixed = basis * Matrix<double>.Build.Dense(3, 3, (_, _) => rng.NextNormal());
        Assert.True(PrincipalAngles.Largest(basis, mixed) < 1e-5);

        double theta = 0.3;
        var line1 = Matrix<double>.Build.DenseOfArray(new double[,] { { 1 }, { 0 }, { 0 } });
        var line2 = Matrix<double>.Build.DenseOfArray(new double[,] { { Math.Cos(theta) }, { Math.Sin(theta) }, { 0 } });
        Assert.Equal(theta * 180 / Math.PI, PrincipalAngles.Between(line1, line2)[0], 9);

        // two planes through the z axis, turned by θ: one angle 0 (the shared axis), one θ
        var plane1 = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 1 }, { 0, 0 }, { 1, 0 } });
        var plane2 = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, Math.Cos(theta) }, { 0, Math.Sin(theta) }, { 2, 0 } });
        var angles = PrincipalAngles.Between(plane1, plane2);
        Assert.Equal(0, angles[0], 6);
        Assert.Equal(theta * 180 / Math.PI, angles[1], 9);
    }

    [Fact]
    public void Bad_input_names_the_method_and_the_sizes()
    {
        Assert.StartsWith("Pca.Fit", Assert.Throws<ArgumentException>(() => Pca.Fit(Tensor.Zeros([5, 3]), 4)).Message);
        Assert.StartsWith("Pca.Fit", Assert.Throws<ArgumentException>(() => Pca.Fit(Tensor.Zeros([1, 3]), 1)).Message);
        var pca = Pca.Fit(Correlated(10, 4, 5), 2);
        Assert.StartsWith("Pca", Assert.Throws<ArgumentException>(() => pca.Reconstruct(Tensor.Zeros([2, 5]))).Message);
        var ex = Assert.Throws<ArgumentException>(() => PrincipalAngles.Between(Matrix<double>.Build.Dense(4, 2), Matrix<double>.Build.Dense(5, 2)));
        Assert.StartsWith("PrincipalAngles.Between", ex.Message);
        Assert.Contains("4×2", ex.Message);
    }

    [Fact]
    public void Truncating_keeps_the_leading_directions_and_equals_a_refit()
    {
        var data = Correlated(40, 6, 7);
        var wide = Pca.Fit(data, 4);
        var two = wide.Truncate(2);
        var refit = Pca.Fit(data, 2);
        Assert.Equal(2, two.Rank);
        Assert.True(PrincipalAngles.Largest(two.Components, refit.Components) < 1e-6);
        Assert.Equal(refit.ResidualVariance, two.ResidualVariance, 10);
        Assert.Throws<ArgumentException>(() => wide.Truncate(5));
    }
}
