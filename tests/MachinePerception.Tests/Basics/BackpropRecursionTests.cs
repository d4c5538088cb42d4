using MachinePerception.Basics;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Basics;

public class BackpropRecursionTests
{
    [Theory]
    [InlineData("sigmoid", 1)]
    [InlineData("tanh", 2)]
    [InlineData("ReLU", 3)]
    public void Matrix_recursion_equals_the_course_delta_formulas_and_finite_differences(string name, int seed)
    {
        var f = ActivationTable.All.Single(a => a.Name == name);
        var rng = new Rng(seed);
        var net = new ManualBackprop([3, 4, 5, 2], f, rng);
        double[] x = [rng.NextNormal(), rng.NextNormal(), rng.NextNormal()], y = [rng.NextNormal(), rng.NextNormal()];
        var (_, course) = net.SquaredErrorGradients(x, y);
        var pass = net.Forward(x);
        var recursion = BackpropRecursion.Run(net, pass, pass.Output.Zip(y, (o, t) => o - t).ToArray());
        var a = recursion.Flatten();
        var b = ManualBackprop.Flatten(course);
        var n = net.NumericGradients(x, y);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) < 1e-13, $"{name} entry {i}: {a[i]} vs {b[i]}");
            Assert.True(Math.Abs(a[i] - n[i]) < 1e-7, $"{name} entry {i}: {a[i]} vs finite difference {n[i]}");
        }
        // δ̄⁽ˡ⁾ = δ⁽ˡ⁾ ⊙ f′(a⁽ˡ⁾) on the hidden layers
        for (int l = 1; l < 3; l++)
            for (int i = 0; i < net.Sizes[l]; i++)
                Assert.Equal(course.Delta[l][i] * f.Derivative(pass.A[l][i]), recursion.Errors[l][i], 1e-13);
    }

    [Fact]
    public void A_wrong_output_gradient_length_names_the_method_and_sizes()
    {
        var net = new ManualBackprop([2, 3, 2], ActivationTable.Tanh, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => BackpropRecursion.Run(net, net.Forward([0.1, 0.2]), [1.0]));
        Assert.StartsWith("BackpropRecursion.Run", e.Message);
        Assert.Contains("1 entries", e.Message);
    }
}
