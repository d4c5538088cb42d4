using MachinePerception.Checks;
using MachinePerception.Flows;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Flows;

/// <summary>The three checks every flow layer gets: round trip, log|det| against the full autodiff Jacobian, gradients.</summary>
static class FlowTestSupport
{
    /// <summary>max |Inverse(Forward(x)) − x|.</summary>
    public static double RoundTripError(FlowLayer layer, Tensor x, Tensor? condition = null)
    {
        var (y, _) = layer.Forward(x, condition);
        return Op.Max(Op.Abs(layer.Inverse(y, condition) - x)).Item();
    }

    /// <summary>|layer's log|det| − log|det ∂y/∂x| of the brute-force Jacobian| for each example of x, the worst one.</summary>
    public static double LogDetError(FlowLayer layer, Tensor x, Tensor? condition = null)
    {
        var logDet = layer.Forward(x, condition).LogDet.ToDoubleArray();
        double worst = 0;
        for (int b = 0; b < x.Shape[0]; b++)
        {
            var xb = Op.Slice(x, 0, b, 1);
            var cb = condition is null ? null : Op.Slice(condition, 0, b, 1);
            var j = FlowJacobian.Of(v => layer.Forward(v, cb).Output, xb);
            worst = Math.Max(worst, Math.Abs(FlowJacobian.LogAbsDet(j) - logDet[b]));
        }
        return worst;
    }

    /// <summary>The output and the log-determinant as one vector, so one gradient check covers both.</summary>
    public static Tensor OutputAndLogDet(FlowLayer layer, Tensor x, Tensor? condition = null)
    {
        var (y, logDet) = layer.Forward(x, condition);
        return Op.Concat([Op.Reshape(y, y.Size), logDet], 0);
    }

    /// <summary>Gradient check (float64, 1e-7) of output and log-det with respect to the input and every parameter.</summary>
    public static GradCheckResult GradientCheck(FlowLayer layer, Tensor x, Tensor? condition = null)
    {
        var input = x.Detach().Clone().RequireGrad();
        var leaves = new List<Tensor> { input };
        leaves.AddRange(layer.Parameters());
        return GradCheck.RunOn(() => OutputAndLogDet(layer, input, condition), [.. leaves]);
    }

    /// <summary>The same for the inverse direction (sampling is trained through in some models, e.g. C-Flow's transfer).</summary>
    public static GradCheckResult InverseGradientCheck(FlowLayer layer, Tensor y, Tensor? condition = null)
    {
        var input = y.Detach().Clone().RequireGrad();
        var leaves = new List<Tensor> { input };
        leaves.AddRange(layer.Parameters());
        return GradCheck.RunOn(() => layer.Inverse(input, condition), [.. leaves]);
    }
}
