using System.Globalization;
using MachinePerception.Tensors;

namespace MachinePerception.Checks;

/// <summary>Thrown when a numeric check fails: a chapter cell stops here instead of printing a wrong result.</summary>
public sealed class CheckFailedException(string message) : Exception(message);

/// <summary>The outcome of one check, as printed.</summary>
public sealed record CheckResult(string What, bool Passed, string Line);

/// <summary>
/// Numeric checks for chapters and tests. A check computes nothing itself: it takes two independently
/// computed quantities, prints both, their difference and PASS/FAIL against a stated tolerance, and
/// throws <see cref="CheckFailedException"/> on FAIL. The book tool counts the PASS lines.
/// </summary>
public static class Check
{
    static TextWriter? output;

    /// <summary>Where checks print: the current <see cref="Console.Out"/> (the notebook cell's output) unless set.</summary>
    public static TextWriter Out
    {
        get => output ?? Console.Out;
        set => output = value;
    }

    static string N(double v) => v.ToString("G10", CultureInfo.InvariantCulture);

    static CheckResult Report(string what, bool passed, string detail)
    {
        var line = $"{(passed ? "PASS" : "FAIL")}  {what}: {detail}";
        Out.WriteLine(line);
        if (!passed) throw new CheckFailedException(line);
        return new CheckResult(what, passed, line);
    }

    /// <summary>|a − b| ≤ tolerance (absolute). Use for quantities of known scale.</summary>
    public static CheckResult Close(string what, double a, double b, double tolerance)
    {
        double d = Math.Abs(a - b);
        bool ok = d <= tolerance && !double.IsNaN(d);
        return Report(what, ok, $"{N(a)} vs {N(b)}, |diff| = {d:G3} {(ok ? "≤" : ">")} {tolerance:G3}");
    }

    /// <summary>|a − b| / max(|a|, |b|) ≤ tolerance (relative; exact zeros on both sides pass).</summary>
    public static CheckResult Relative(string what, double a, double b, double tolerance)
    {
        double scale = Math.Max(Math.Abs(a), Math.Abs(b));
        double r = scale == 0 ? 0 : Math.Abs(a - b) / scale;
        bool ok = r <= tolerance && !double.IsNaN(r);
        return Report(what, ok, $"{N(a)} vs {N(b)}, relative diff = {r:G3} {(ok ? "≤" : ">")} {tolerance:G3}");
    }

    /// <summary>Elementwise max |a − b| ≤ tolerance for two tensors of the same shape; reports the worst entry.</summary>
    public static CheckResult Close(string what, Tensor a, Tensor b, double tolerance)
    {
        if (!a.Shape.Equals(b.Shape))
            return Report(what, false, $"shapes differ: {a.Shape} vs {b.Shape}");
        var x = a.ToDoubleArray();
        var y = b.ToDoubleArray();
        double worst = 0;
        int at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = Math.Abs(x[i] - y[i]);
            if (double.IsNaN(d)) { worst = double.NaN; at = i; break; }
            if (d > worst) { worst = d; at = i; }
        }
        bool ok = worst <= tolerance;
        string where = x.Length == 0 ? "" : $" at {IndexString(a.Shape, at)} ({N(x[at])} vs {N(y[at])})";
        return Report(what, ok, $"shape {a.Shape}, max |diff| = {worst:G3}{where} {(ok ? "≤" : ">")} {tolerance:G3}");
    }

    /// <summary>value ≤ bound (a one-sided check, e.g. an inequality or an accuracy target).</summary>
    public static CheckResult AtMost(string what, double value, double bound) =>
        Report(what, value <= bound, $"{N(value)} {(value <= bound ? "≤" : ">")} {N(bound)}");

    /// <summary>value ≥ bound.</summary>
    public static CheckResult AtLeast(string what, double value, double bound) =>
        Report(what, value >= bound, $"{N(value)} {(value >= bound ? "≥" : "<")} {N(bound)}");

    /// <summary>A condition with the evidence that decides it, e.g. "x ≠ y" with both values in the detail.</summary>
    public static CheckResult That(string what, bool condition, string evidence) => Report(what, condition, evidence);

    /// <summary>
    /// The gradient check of <see cref="GradCheck.Run"/> printed as a check: analytic vs centered differences in float64.
    /// </summary>
    public static CheckResult Gradient(string what, Func<Tensor[], Tensor> f, Tensor[] inputs, double tolerance = GradCheck.SmoothTolerance)
    {
        var r = GradCheck.Run(f, inputs, tolerance);
        return Report(what, r.Passed, r.Summary);
    }

    internal static string IndexString(Shape shape, int flat)
    {
        var idx = new int[shape.Rank];
        for (int i = shape.Rank - 1; i >= 0; i--)
        {
            idx[i] = flat % Math.Max(1, shape[i]);
            flat /= Math.Max(1, shape[i]);
        }
        return "[" + string.Join(", ", idx) + "]";
    }
}
