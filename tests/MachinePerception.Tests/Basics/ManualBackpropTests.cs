using MachinePerception.Autodiff;
using MachinePerception.Basics;
using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Basics;

public class ManualBackpropTests
{
    public static TheoryData<string> Activations => ["sigmoid", "tanh", "ReLU"];

    [Theory]
    [MemberData(nameof(Activations))]
    public void Delta_formulas_equal_autodiff(string name)
    {
        var f = ActivationTable.All.Single(a => a.Name == name);
        var rng = new Rng(5);
        var net = new ManualBackprop([3, 4, 4, 2], f, rng);
        double[] x = [0.3, -1.2, 0.7], y = [0.5, -0.25];
        var (loss, manual) = net.SquaredErrorGradients(x, y);
        var p = net.ParameterTensors();
        var output = net.ForwardWithOps(p, Tensor.FromArray(x, 3));
        var l = 0.5 * Op.Sum(Op.Square(output - Tensor.FromArray(y, 2)));
        Assert.Equal(loss, l.Item(), 1e-12);
        var grads = Autograd.Grad([l], p);
        var auto = grads.SelectMany(g => g!.ToDoubleArray()).ToArray();
        var flat = ManualBackprop.Flatten(manual);
        Assert.Equal(auto.Length, flat.Length);
        for (int i = 0; i < auto.Length; i++) Assert.True(Math.Abs(auto[i] - flat[i]) < 1e-12, $"{name} entry {i}: {auto[i]} vs {flat[i]}");
    }

    [Fact]
    public void Delta_formulas_pass_the_gradient_check()
    {
        var net = new ManualBackprop([2, 3, 1], ActivationTable.Tanh, new Rng(2));
        var p = net.ParameterTensors();
        var x = Tensor.FromArray([0.4, -0.9], 2);
        var r = GradCheck.RunOn(() => net.ForwardWithOps(p, x), p);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Summary_index_as_written_is_not_the_gradient()
    {
        var net = new ManualBackprop([3, 3, 1], ActivationTable.Sigmoid, new Rng(1));
        var pass = net.Forward([0.5, -0.5, 1.0]);
        var g = net.Backward(pass, [1.0]);
        var written = net.WeightGradientAsWritten(pass, g, 1);
        double worst = 0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) worst = Math.Max(worst, Math.Abs(written[i, j] - g.WeightGradients[1][i, j]));
        Assert.True(worst > 1e-3);
    }
}
