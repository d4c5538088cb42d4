using MachinePerception.Numerics;

namespace MachinePerception.Tests.Numerics;

public class FiniteDifferencesTests
{
    [Fact]
    public void Gradient_of_a_cubic_matches_the_derivative_entry_by_entry()
    {
        // f(θ) = Σ c_ij θ_ij³ + θ_00 θ_12, so ∂f/∂θ_ij = 3 c_ij θ_ij² (+ θ_12 at (0, 0), + θ_00 at (1, 2))
        double[,] c = { { 1, -2, 0.5 }, { 3, 0.25, -1 } }, theta = { { 0.3, -1.1, 2 }, { 0.7, -0.4, 1.5 } };
        double F(double[,] t)
        {
            double s = t[0, 0] * t[1, 2];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) s += c[i, j] * Math.Pow(t[i, j], 3);
            return s;
        }
        var g = FiniteDifferences.Gradient(F, theta);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
            {
                double exact = 3 * c[i, j] * theta[i, j] * theta[i, j] + (i, j) switch { (0, 0) => theta[1, 2], (1, 2) => theta[0, 0], _ => 0 };
                Assert.Equal(exact, g[i, j], 1e-8);
            }
        Assert.Equal(0.3, theta[0, 0]); // θ itself is left unchanged
    }

    [Fact]
    public void A_step_that_is_not_positive_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => FiniteDifferences.Gradient(_ => 0, new double[1, 1], 0));
        Assert.Contains("h = 0", e.Message);
    }
}
