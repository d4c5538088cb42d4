using MachinePerception.Autodiff;
using MachinePerception.Basics;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Basics;

public class ActivationTableTests
{
    [Fact]
    public void Table_derivatives_match_autodiff_and_differences_away_from_the_kink()
    {
        double[] xs = [-3, -0.7, 0.2, 1.5, 4];
        foreach (var f in ActivationTable.All)
        {
            var x = Tensor.FromArray(xs, xs.Length).RequireGrad();
            var g = Autograd.Grad([Op.Sum(f.Op(x))], [x])[0]!.ToDoubleArray();
            for (int i = 0; i < xs.Length; i++)
            {
                double h = 1e-6, numeric = (f.F(xs[i] + h) - f.F(xs[i] - h)) / (2 * h);
                Assert.True(Math.Abs(f.Derivative(xs[i]) - g[i]) < 1e-12, $"{f.Name} at {xs[i]}: autodiff");
                Assert.True(Math.Abs(f.Derivative(xs[i]) - numeric) < 1e-8, $"{f.Name} at {xs[i]}: differences");
                Assert.True(Math.Abs(f.F(xs[i]) - f.Op(Tensor.FromArray([xs[i]], 1)).Item()) < 1e-12, $"{f.Name} at {xs[i]}: value");
            }
        }
    }

    [Fact]
    public void Ranges_hold_and_saturating_functions_have_vanishing_slopes()
    {
        foreach (var f in ActivationTable.All)
            foreach (var x in new[] { -30.0, -1, 0, 1, 30 })
                Assert.True(f.F(x) >= f.Low && f.F(x) <= f.High);
        Assert.True(ActivationTable.Sigmoid.Derivative(10) < 1e-4);
        Assert.True(ActivationTable.Tanh.Derivative(10) < 1e-8);
        Assert.Equal(1, ActivationTable.ReLU.Derivative(10));
    }
}
