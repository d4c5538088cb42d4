using MachinePerception.Numerics;

namespace MachinePerception.Tests.Numerics;

public class RootFindingTests
{
    static double F(double x) => x * x * x - 2 * x - 5; // Wallis' cubic, root ≈ 2.0945514815423265

    [Fact]
    public void Secant_finds_the_root_and_its_order_approaches_the_golden_ratio()
    {
        var exact = RootFinding.Newton(F, x => 3 * x * x - 2, 2).Root;
        var r = RootFinding.Secant(F, 1.5, 3.0);
        Assert.True(r.Converged);
        Assert.Equal(exact, r.Root, 1e-13);
        var orders = r.OrderEstimates(exact);
        double golden = (1 + Math.Sqrt(5)) / 2;
        Assert.InRange(orders[^1], golden - 0.15, golden + 0.15);
    }

    [Fact]
    public void Newton_converges_quadratically()
    {
        var r = RootFinding.Newton(x => x * x - 2, x => 2 * x, 3);
        var orders = r.OrderEstimates(Math.Sqrt(2));
        Assert.InRange(orders[^1], 1.9, 2.1);
    }

    [Fact]
    public void One_secant_step_is_the_zero_of_the_line_through_both_points()
    {
        var r = RootFinding.Secant(x => 2 * x - 1, 0, 3); // a line: one step lands on the root
        Assert.Equal(0.5, r.Iterates[2], 15);
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        Assert.Contains("Secant", Assert.Throws<ArgumentException>(() => RootFinding.Secant(F, 1, 1)).Message);
        Assert.Contains("Bisection", Assert.Throws<ArgumentException>(() => RootFinding.Bisection(F, 3, 4)).Message);
    }

    [Fact]
    public void Bisection_brackets_the_root()
    {
        var r = RootFinding.Bisection(F, 2, 3);
        Assert.Equal(2.0945514815423265, r.Root, 12);
    }
}
