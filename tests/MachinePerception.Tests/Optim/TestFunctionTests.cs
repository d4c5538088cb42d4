using MachinePerception.Autodiff;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Optim;

public class TestFunctionTests
{
    public static TheoryData<string> Surfaces => ["quadratic", "rosenbrock"];

    static TestFunction Get(string name) => name == "quadratic" ? TestFunctions.IllConditionedQuadratic(20) : TestFunctions.Rosenbrock();

    [Theory]
    [MemberData(nameof(Surfaces))]
    public void Tensor_loss_value_and_hand_gradient_agree(string name)
    {
        var f = Get(name);
        var theta = Tensor.FromArray([0.3, -0.8], 2).RequireGrad();
        var loss = f.Loss(theta);
        Assert.Equal(f.Value(0.3, -0.8), loss.Item(), 1e-12);
        var g = Autograd.Grad([loss], [theta])[0]!.ToDoubleArray();
        var (dx, dy) = f.Gradient(0.3, -0.8);
        Assert.Equal(dx, g[0], 1e-10);
        Assert.Equal(dy, g[1], 1e-10);
        Assert.Equal(0, f.Value(f.Minimum.X, f.Minimum.Y), 1e-15);
    }

    public static TheoryData<string> Rules => ["sgd", "momentum", "nesterov", "nesterov-shifted", "adagrad", "rmsprop", "adam", "adam-inside"];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Optimizer_classes_follow_the_summary_rules(string rule)
    {
        var f = TestFunctions.Rosenbrock();
        const int steps = 30;
        var (cls, reference) = rule switch
        {
            "sgd" => (Trajectory.Run(f, p => new Sgd(p, 1e-3), steps), SummaryRules.Sgd(f, 1e-3, steps)),
            "momentum" => (Trajectory.Run(f, p => new Momentum(p, 1e-3, 0.9), steps), SummaryRules.Momentum(f, 1e-3, 0.9, steps)),
            "nesterov" => (Trajectory.Run(f, p => new Nesterov(p, 1e-3, 0.9, NesterovForm.LookAheadClosure), steps), SummaryRules.Nesterov(f, 1e-3, 0.9, steps)),
            "nesterov-shifted" => (Trajectory.Run(f, p => new Nesterov(p, 1e-3, 0.9, NesterovForm.ShiftedParameters), steps), SummaryRules.Nesterov(f, 1e-3, 0.9, steps)),
            "adagrad" => (Trajectory.Run(f, p => new AdaGrad(p, 0.3, 1e-7), steps), SummaryRules.AdaGrad(f, 0.3, 1e-7, steps)),
            "rmsprop" => (Trajectory.Run(f, p => new RmsProp(p, 0.01, 0.9, 1e-8), steps), SummaryRules.RmsProp(f, 0.01, 0.9, 1e-8, steps)),
            "adam" => (Trajectory.Run(f, p => new Adam(p, 0.05, 0.9, 0.999, 1e-8), steps), SummaryRules.Adam(f, 0.05, 0.9, 0.999, 1e-8, steps)),
            _ => (Trajectory.Run(f, p => new Adam(p, 0.05, 0.9, 0.999, 1e-2, epsilonInsideRoot: true), steps),
                  SummaryRules.Adam(f, 0.05, 0.9, 0.999, 1e-2, steps, epsilonInsideRoot: true)),
        };
        Assert.True(SummaryRules.MaxDistance(cls, reference) < 1e-10, rule);
        Assert.NotEqual(cls[0], cls[^1]);
    }
}
