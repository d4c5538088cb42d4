using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Body;
using MachinePerception.Checks;
using MachinePerception.Geometry;
using MachinePerception.Numerics;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Body;

public class RodriguesTests
{
    // f_k(s) = Σ (−s)ⁿ/(2n + k)! summed in decimal (28 digits), the independent reference
    static double DecimalSeries(int k, double s)
    {
        decimal factorial = 1;
        for (int i = 2; i <= k; i++) factorial *= i;
        decimal term = 1 / factorial, sum = term, ds = (decimal)s;
        for (int n = 1; n < 200 && term != 0; n++)
        {
            term *= -ds / ((2 * n + k - 1) * (2 * n + k));
            sum += term;
        }
        return (double)sum;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-12)]
    [InlineData(0.3)]
    [InlineData(4.0)]
    [InlineData(24.99)]
    [InlineData(25.01)]
    [InlineData(60.0)]
    [InlineData(-0.5)]
    public void Coefficients_match_the_series_summed_in_decimal(double s)
    {
        for (int k = 0; k <= 8; k++)
        {
            double expected = DecimalSeries(k, s);
            Assert.True(Math.Abs(Rodrigues.Coefficient(k, s) - expected) <= 1e-13 * Math.Max(1, Math.Abs(expected)) + 1e-16,
                $"f_{k}({s}) = {Rodrigues.Coefficient(k, s):R}, series {expected:R}");
        }
    }

    [Fact]
    public void The_first_coefficients_are_the_closed_forms()
    {
        foreach (double theta in new[] { 0.1, 1.0, 2.5, 3.1, 6.0 })
        {
            double s = theta * theta;
            Assert.Equal(Math.Cos(theta), Rodrigues.Coefficient(0, s), 14);
            Assert.Equal(Math.Sin(theta) / theta, Rodrigues.Coefficient(1, s), 14);
            Assert.Equal((1 - Math.Cos(theta)) / s, Rodrigues.Coefficient(2, s), 13);
        }
    }

    [Fact]
    public void Rotation_equals_the_matrix_exponential_of_the_skew_matrix()
    {
        var rng = new Rng(3);
        for (int trial = 0; trial < 40; trial++)
        {
            var r = (trial == 0 ? 0 : 3 * rng.NextDouble()) * new Vec3(rng.NextNormal(), rng.NextNormal(), rng.NextNormal()).Normalized();
            var expm = MatrixExponential.Of(Matrix<double>.Build.DenseOfRowMajor(3, 3, Matrix3.Skew(r).ToRowMajor()));
            var rodrigues = Rodrigues.Rotation(r);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) Assert.Equal(expm[i, j], rodrigues.ToRowMajor()[3 * i + j], 12);
        }
    }

    [Fact]
    public void Tensor_rotation_matches_the_double_version_and_is_a_rotation()
    {
        var r = new Rng(5).Normal([4, 6, 3], dtype: DType.Float64);
        var rotations = Rodrigues.Rotation(r).ToDoubleArray(); // [4, 6, 3, 3]
        var values = r.ToDoubleArray();
        for (int n = 0; n < 24; n++)
        {
            var expected = Rodrigues.Rotation(new Vec3(values[3 * n], values[3 * n + 1], values[3 * n + 2]));
            var got = Matrix3.FromRowMajor(rotations.AsSpan(9 * n, 9));
            Assert.True(Matrix3.MaxAbsDifference(expected, got) < 1e-14);
            Assert.True(Matrix3.MaxAbsDifference(got.Transpose() * got, Matrix3.Identity) < 1e-14);
            Assert.Equal(1, got.Determinant, 13);
        }
    }

    [Fact]
    public void Skew_matrix_computes_the_cross_product()
    {
        var r = Tensor.FromArray(new double[] { 0.3, -1.2, 2.0 }, 3);
        var p = Tensor.FromArray(new double[] { 1.5, 0.25, -0.7 }, 3);
        var product = Op.MatMul(Rodrigues.Skew(r), p).ToDoubleArray();
        var cross = new Vec3(0.3, -1.2, 2.0).Cross(new Vec3(1.5, 0.25, -0.7));
        Assert.Equal(cross.X, product[0], 14);
        Assert.Equal(cross.Y, product[1], 14);
        Assert.Equal(cross.Z, product[2], 14);
    }

    [Fact]
    public void Axis_angle_inverts_the_rotation_also_near_zero_and_near_pi()
    {
        var rng = new Rng(11);
        foreach (double angle in new[] { 0.0, 1e-9, 1e-4, 0.5, 1.5, 2.0, 3.0, Math.PI - 1e-6, Math.PI - 1e-10 })
            for (int trial = 0; trial < 5; trial++)
            {
                var r = angle * new Vec3(rng.NextNormal(), rng.NextNormal(), rng.NextNormal()).Normalized();
                var back = Rodrigues.AxisAngle(Rodrigues.Rotation(r));
                Assert.True(Matrix3.MaxAbsDifference(Rodrigues.Rotation(back), Rodrigues.Rotation(r)) < 1e-12, $"angle {angle}");
                if (angle < 3) Assert.True((back - r).Norm < 1e-9, $"angle {angle}: {back} vs {r}");
            }
    }

    // Threshold 1e-7: Rodrigues is smooth (entire in r), checked in float64 (GradCheck.SmoothTolerance).
    [Fact]
    public void Coefficient_op_passes_first_and_second_order_gradient_checks()
    {
        var s = Tensor.FromArray(new double[] { 0, 1e-6, 0.4, 3, 24.9, 26, 70 }, 7);
        for (int k = 0; k <= 3; k++)
        {
            int order = k;
            var first = GradCheck.Run(x => Rodrigues.Coefficient(x[0], order), [s]);
            Assert.True(first.Passed, $"f_{k}: {first.Summary}");
            var second = GradCheck.RunSecondOrder(x => Rodrigues.Coefficient(x[0], order), [s]);
            Assert.True(second.Passed, $"f_{k} (second order): {second.Summary}");
        }
    }

    [Fact]
    public void Rotation_passes_gradient_checks_including_at_the_rest_pose()
    {
        var r = Op.Concat([Tensor.Zeros([1, 3], DType.Float64), new Rng(2).Normal([5, 3], dtype: DType.Float64)], 0);
        var first = GradCheck.Run(x => Rodrigues.Rotation(x[0]), [r]);
        Assert.True(first.Passed, first.Summary);
        var second = GradCheck.RunSecondOrder(x => Rodrigues.Rotation(x[0]), [r]);
        Assert.True(second.Passed, second.Summary);
    }

    [Fact]
    public void Bad_shapes_are_refused_with_the_shape_in_the_message()
    {
        var e = Assert.Throws<ArgumentException>(() => Rodrigues.Rotation(Tensor.Zeros([4, 2], DType.Float64)));
        Assert.Contains("[4, 2]", e.Message);
        Assert.Throws<ArgumentException>(() => Rodrigues.Coefficient(-1, 0.5));
    }
}
