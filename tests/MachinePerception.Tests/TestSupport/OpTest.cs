using MachinePerception.Checks;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.TestSupport;

/// <summary>Where the random inputs of an op test are drawn from.</summary>
public enum Domain
{
    /// <summary>Standard normal.</summary>
    Any,
    /// <summary>Uniform in [0.5, 2] (log, sqrt, divisors, bases of powers).</summary>
    Positive,
}

/// <summary>
/// One row of the op table: the op, the shapes of its inputs, a plain-loop reference on <see cref="Nd"/>,
/// and how to check it. <see cref="Kinks"/> are points where the op is not differentiable: inputs are
/// drawn at least 0.05 away from them, so the smooth gradient threshold applies.
/// </summary>
public sealed record OpCase(string Name, int[][] Shapes, Func<Tensor[], Tensor> Op, Func<Nd[], Nd> Reference)
{
    public Domain[] Domains { get; init; } = [];
    public double[] Kinks { get; init; } = [];
    /// <summary>Relative tolerance of the float32 forward (rounding of float32 inputs is shared by both sides).</summary>
    public double Float32Tolerance { get; init; } = 2e-6;
    public double Float64Tolerance { get; init; } = 1e-13;
    /// <summary>False for ops with no gradient (comparisons, arg-reductions).</summary>
    public bool Gradient { get; init; } = true;
    public double GradientTolerance { get; init; } = GradCheck.SmoothTolerance;
    /// <summary>True for the smooth ops that chapters differentiate twice.</summary>
    public bool SecondOrder { get; init; }
    public int Seed { get; init; } = 7;

    public override string ToString() => Name;
}

/// <summary>
/// The one helper that drives every op test (in the manner of tinygrad's test_ops): draws the inputs, runs the
/// op in float32 and float64 against its plain-loop reference, checks the gradient against centered differences
/// with <see cref="GradCheck.Run"/>, and the second derivative with <see cref="GradCheck.RunSecondOrder"/>.
/// </summary>
public static class OpTest
{
    public static Tensor[] Inputs(OpCase c, DType dtype)
    {
        var rng = new Rng(c.Seed);
        var inputs = new Tensor[c.Shapes.Length];
        for (int k = 0; k < inputs.Length; k++)
        {
            var shape = c.Shapes[k];
            var domain = k < c.Domains.Length ? c.Domains[k] : Domain.Any;
            int size = shape.Aggregate(1, (p, d) => p * d);
            var v = new double[size];
            for (int i = 0; i < size; i++)
            {
                double x = domain == Domain.Positive ? 0.5 + 1.5 * rng.NextDouble() : rng.NextNormal();
                // keep at least 0.05 from every kink, on the side the draw fell
                foreach (var kink in c.Kinks)
                    if (Math.Abs(x - kink) < 0.05) x = kink + (x >= kink ? 1 : -1) * (0.05 + Math.Abs(x - kink));
                v[i] = x;
            }
            var t = Tensor.FromArray(v, shape);
            inputs[k] = dtype == DType.Float64 ? t : t.To(dtype);
        }
        return inputs;
    }

    /// <summary>The op's result in <paramref name="dtype"/> against the reference evaluated in double on the same inputs.</summary>
    public static void Forward(OpCase c, DType dtype)
    {
        var inputs = Inputs(c, dtype);
        var y = c.Op(inputs);
        var expected = c.Reference(inputs.Select(Nd.Of).ToArray());
        Assert.True(y.DType == dtype, $"{c.Name}: result is {y.DType.Name()}, expected {dtype.Name()}");
        AssertClose(c.Name, expected, y, dtype == DType.Float32 ? c.Float32Tolerance : c.Float64Tolerance);
    }

    /// <summary>|actual − expected| ≤ tol·(1 + |expected|) elementwise, with the same shape; NaN only where the reference has NaN.</summary>
    public static void AssertClose(string what, Nd expected, Tensor actual, double tol)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape.ToArray()),
            $"{what}: shape {actual.Shape}, reference [{string.Join(", ", expected.Shape)}]");
        var a = actual.ToDoubleArray();
        for (int i = 0; i < a.Length; i++)
        {
            double e = expected.Data[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a[i])
                : double.IsInfinity(e) ? a[i] == e
                : Math.Abs(a[i] - e) <= tol * (1 + Math.Abs(e));
            Assert.True(ok, $"{what}: element {i} is {a[i]:G17}, reference {e:G17} (tolerance {tol:G3})");
        }
    }

    public static void Gradient(OpCase c)
    {
        var r = GradCheck.Run(c.Op, Inputs(c, DType.Float64), c.GradientTolerance);
        Assert.True(r.Passed, $"{c.Name}: {r.Summary}");
    }

    public static void SecondOrder(OpCase c)
    {
        var r = GradCheck.RunSecondOrder(c.Op, Inputs(c, DType.Float64));
        Assert.True(r.Passed, $"{c.Name} (second order): {r.Summary}");
    }

    /// <summary>Asserts that <paramref name="action"/> throws an ArgumentException whose message starts with the op's name and contains each fragment (shapes, values).</summary>
    public static ArgumentException Throws(string op, Action action, params string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.StartsWith(op + ":", e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e;
    }

    public static Tensor D(params double[] v) => Tensor.FromArray(v);
}
