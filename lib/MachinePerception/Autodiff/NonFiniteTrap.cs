using MachinePerception.Tensors;

namespace MachinePerception.Autodiff;

/// <summary>The NaN/Inf trap behind <see cref="Autograd.TrapNonFinite"/>: names the first op whose result is not finite.</summary>
static class NonFiniteTrap
{
    public static void Check(Tensor result, string op, Tensor[] inputs)
    {
        var values = result.ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i])) continue;
            var shapes = string.Join(", ", inputs.Select(x => x.Shape.ToString()));
            throw new ArithmeticException(
                $"{op}: produced {values[i]} at flat index {i} of its result {result.Shape} (inputs {shapes}); " +
                $"inputs finite: {string.Join(", ", inputs.Select(x => x.ToDoubleArray().All(double.IsFinite)))}");
        }
    }
}
