using MachinePerception.Basics;
using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Basics;

public class UniversalApproximationTests
{
    [Fact]
    public void Piecewise_linear_relu_net_interpolates_and_meets_the_h_squared_bound()
    {
        static double F(double x) => Math.Sin(3 * x);
        foreach (int width in new[] { 2, 8, 32 })
        {
            var g = UniversalApproximation.PiecewiseLinear(F, -1, 1, width);
            double h = 2.0 / width;
            Assert.True(UniversalApproximation.MaxError(g, F, -1, 1) <= h * h * 9 / 8 + 1e-12, $"width {width}");
        }
    }

    [Fact]
    public void Fitted_network_reduces_the_loss()
    {
        var data = Toy.Function1D(64, new Rng(1), x => Math.Sin(3 * x), dtype: DType.Float64);
        var (_, losses) = UniversalApproximation.Fit(data, 8, 200, new Rng(2), 0.02);
        Assert.True(losses[^1] < 0.2 * losses[0]);
    }
}
