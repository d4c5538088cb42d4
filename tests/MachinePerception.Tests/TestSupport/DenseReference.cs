using MachinePerception.Checks;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.TestSupport;

/// <summary>Helpers for tests that compare an op with a plain-loop reference kept as a flat double[].</summary>
public static class DenseReference
{
    /// <summary>A tensor of the given shape and dtype from row-major values.</summary>
    public static Tensor T(double[] v, DType dtype, params int[] shape)
    {
        var t = Tensor.FromArray(v, shape);
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    /// <summary>Every entry within tol·(1 + |expected|); a failure names the entry.</summary>
    public static void Close(double[] expected, Tensor actual, double tol)
    {
        var a = actual.ToDoubleArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(expected[i] - a[i]) <= tol * (1 + Math.Abs(expected[i])),
                $"entry {Check.IndexString(actual.Shape, i)}: expected {expected[i]}, got {a[i]}");
    }
}
