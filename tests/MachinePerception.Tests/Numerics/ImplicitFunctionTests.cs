using MachinePerception.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Numerics;

public class ImplicitFunctionTests
{
    [Fact]
    public void On_the_unit_circle_dy_dx_is_minus_x_over_y_on_both_branches()
    {
        static double F(double x, double y) => x * x + y * y - 1;
        var rng = new Rng(3);
        for (int i = 0; i < 6; i++)
        {
            double angle = 2 * Math.PI * rng.NextDouble();
            double x = Math.Cos(angle), y = Math.Sin(angle);
            if (Math.Abs(y) < 0.2) continue;      // near a vertical tangent y(x) is steep and the difference's truncation error grows
            double formula = ImplicitFunction.Slope(2 * x, 2 * y);
            Assert.Equal(-x / y, formula, 1e-15);
            double numeric = ImplicitFunction.SlopeByDifferences(F, x, y);
            Assert.True(Math.Abs(numeric - formula) <= 1e-7 * Math.Max(1, Math.Abs(formula)), $"{numeric} vs {formula}");
        }
    }

    [Fact]
    public void A_vertical_tangent_has_no_slope()
    {
        var e = Assert.Throws<ArgumentException>(() => ImplicitFunction.Slope(2, 0));
        Assert.StartsWith("ImplicitFunction.Slope", e.Message);
    }
}
