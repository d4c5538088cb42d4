using MachinePerception.Basics;
using MachinePerception.Generative;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Generative;

public class OptimalDiscriminatorTests
{
    [Fact]
    public void Golden_section_finds_a_over_a_plus_b_where_f_second_derivative_is_negative()
    {
        var rng = new Rng(5);
        for (int i = 0; i < 20; i++)
        {
            double a = 0.01 + 3 * rng.NextDouble(), b = 0.01 + 3 * rng.NextDouble();
            double y = OptimalDiscriminator.Maximiser(a, b);
            Assert.Equal(y, Estimation.ArgMax(t => OptimalDiscriminator.Objective(a, b, t), 1e-9, 1 - 1e-9), 1e-6);
            Assert.Equal(0, OptimalDiscriminator.Derivative(a, b, y), 1e-10);
            Assert.True(OptimalDiscriminator.SecondDerivative(a, b, y) < 0);
        }
    }

    [Fact]
    public void Simpson_is_exact_for_cubics_and_the_optimal_value_is_minus_log_4_plus_twice_JS()
    {
        Assert.Equal(0.25 * 16 - 0.25, MachinePerception.Numerics.Quadrature.Simpson(x => x * x * x, 1, 2, 2), 1e-13);
        Func<double, double> pd = x => DiagonalGaussian.Density(x, -1, 1), pg = x => DiagonalGaussian.Density(x, 1.5, 0.5);
        double v = OptimalDiscriminator.Value(x => OptimalDiscriminator.Optimal(pd(x), pg(x)), pd, pg, -12, 12);
        Assert.Equal(-Math.Log(4) + 2 * OptimalDiscriminator.JensenShannon(pd, pg, -12, 12), v, 1e-9);
        Assert.True(v > OptimalDiscriminator.Value(_ => 0.5, pd, pg, -12, 12));
    }

    [Fact]
    public void Negative_weights_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => OptimalDiscriminator.Maximiser(-1, 2));
        Assert.StartsWith("OptimalDiscriminator.Maximiser", e.Message);
    }
}
