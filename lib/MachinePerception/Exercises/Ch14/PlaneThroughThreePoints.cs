using System.Globalization;
using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch14;

/// <summary>
/// §14 (appendix): the implicit plane n₁x + n₂y + n₃z + d = 0 through three points a, b, c, with the normal
/// n = (b − a) × (c − a) and d = −n·a. Answers: the four numbers (n₁, n₂, n₃, d), or any nonzero multiple of them,
/// or a function f(x, y, z) that is zero on the plane.
/// </summary>
[Exercise(14, "plane-through-points", "Implicit plane through three points")]
public sealed class PlaneThroughThreePoints : NumericExercise
{
    readonly double[] a, b, c;

    public PlaneThroughThreePoints(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        double[] Point() => [rng.NextInt(-3, 4), rng.NextInt(-3, 4), rng.NextInt(-3, 4)];
        do (a, b, c) = (Point(), Point(), Point());
        while (Norm(Cross(Sub(b, a), Sub(c, a))) == 0 || Norm(Cross(a, b)) == 0); // not collinear; a × b defined for the mistake
    }

    static double[] Sub(double[] u, double[] v) => [u[0] - v[0], u[1] - v[1], u[2] - v[2]];

    // n = u × v = (u₂v₃ − u₃v₂, u₃v₁ − u₁v₃, u₁v₂ − u₂v₁) (§14)
    static double[] Cross(double[] u, double[] v) =>
        [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];

    static double Dot(double[] u, double[] v) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    static double Norm(double[] u) => Math.Sqrt(Dot(u, u));
    static double[] Plane(double[] n, double[] point) => [n[0], n[1], n[2], -Dot(n, point)];

    static string P(double[] x) => $"({string.Join(", ", x.Select(Prose.Number))})";

    protected override int[] AnswerShape => [4];
    protected override Tolerance Tolerance => new(1e-9, 1e-6);

    protected override Prose Pose() => new Prose()
        .Text($"Three points: a = {P(a)}, b = {P(b)}, c = {P(c)}.")
        .Text("Find the plane n₁x + n₂y + n₃z + d = 0 through them (§14): take the normal n = (b − a) × (c − a) and find d by substituting a point.")
        .Text("Answer with the four numbers n₁, n₂, n₃, d — or with a function (x, y, z) => … that is zero exactly on the plane.");

    internal override double[] Reference() => Plane(Cross(Sub(b, a), Sub(c, a)), a);

    internal override IEnumerable<Mistake> Mistakes()
    {
        var n = Cross(Sub(b, a), Sub(c, a));
        yield return Wrong("d has the wrong sign", "Substituting a gives n·a + d = 0, so d = −n·a.", [n[0], n[1], n[2], Dot(n, a)]);
        yield return Wrong("forgot d (plane through the origin)", "The plane passes through a, b, c, not through the origin: d = −n·a.", [n[0], n[1], n[2], 0]);
        var wrongMiddle = new[] { n[0], -n[1], n[2] };
        yield return Wrong("sign slip in the middle component of the cross product",
            "The middle component of u × v is u₃v₁ − u₁v₃ (not u₁v₃ − u₃v₁).", Plane(wrongMiddle, a));
        yield return Wrong("crossed the points instead of the edges",
            "The normal is the cross product of two vectors lying in the plane, b − a and c − a; a × b is perpendicular to a and b as position vectors.",
            Plane(Cross(a, b), a));
    }

    protected override Feedback Assess(object? answer)
    {
        var reference = Reference();
        if (answer is Delegate f) return AssessFunction(f, reference);
        return base.Assess(answer);
    }

    // any nonzero multiple k·(n, d) describes the same plane
    static double Multiple(double[] values, double[] reference) => Dot4(values, reference) / Dot4(reference, reference);

    internal override bool IsEquivalent(double[] values, double[] reference)
    {
        double k = Multiple(values, reference);
        return Math.Abs(k) > 1e-9 && Tolerance.Close(values, reference.Select(r => k * r).ToArray());
    }

    protected override Feedback Accepted(double[] values, double[] reference)
    {
        double k = Multiple(values, reference);
        return Tolerance.Close(k, 1) ? Feedback.Correct(Tolerance) : Feedback.Correct(Tolerance,
            $"Your four numbers are {Prose.Number(k)} times those of n = (b − a) × (c − a), d = −n·a: the same plane"
            + (Tolerance.Close(k, -1) ? " (you probably took the edges in the other order)." : "."));
    }

    static double Dot4(double[] u, double[] v) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2] + u[3] * v[3];

    // A function answer is right if it vanishes at a, b, c and equals k·(n·x + d) for one k ≠ 0 at probe points off the plane.
    Feedback AssessFunction(Delegate f, double[] plane)
    {
        Func<double[], double>? eval = f switch
        {
            Func<double, double, double, double> g => p => g(p[0], p[1], p[2]),
            Func<double[], double> g => g,
            _ => null,
        };
        if (eval is null)
            return Feedback.Unreadable($"expected a function of (x, y, z) returning a double, got {f.GetType().Name}",
                "Write it as (double x, double y, double z) => ... or as a Func<double[], double>.");
        double Value(double[] p, out string? error)
        {
            error = null;
            try
            {
                double v = eval(p);
                if (!double.IsFinite(v)) error = $"your function returns {v} at {P(p)}";
                return v;
            }
            catch (Exception e)
            {
                error = $"your function threw {e.GetType().Name} at {P(p)}: {e.Message}";
                return double.NaN;
            }
        }
        string tol = "Tolerance: |f(point)| ≤ 1e-6·(1 + |f| at the probes) for points on the plane.";
        var probes = new double[][] { [1.5, -0.5, 2.25], [-2, 3, 0.5], [0.25, 0.75, -3], [4, 1, 1] };
        var values = new double[probes.Length];
        for (int i = 0; i < probes.Length; i++)
        {
            values[i] = Value(probes[i], out var error);
            if (error is not null) return Feedback.Unreadable(error, "The function must return a finite number for every (x, y, z).");
        }
        double scale = 1 + values.Max(Math.Abs);
        foreach (var (name, point) in new[] { ("a", a), ("b", b), ("c", c) })
        {
            double v = Value(point, out var error);
            if (error is not null) return Feedback.Unreadable(error, "The function must return a finite number for every (x, y, z).");
            if (Math.Abs(v) > 1e-6 * scale)
                return new Feedback(Verdict.Incorrect, $"Incorrect: the plane misses point {name}.",
                    [$"f{P(point)} = {Prose.Number(v)}, but a point on the plane must give 0.", tol], null, null);
        }
        // k from the probe farthest from the plane, then every probe must agree
        int far = Enumerable.Range(0, probes.Length).MaxBy(i => Math.Abs(Dot4([.. probes[i], 1], plane)));
        double k = values[far] / Dot4([.. probes[far], 1], plane);
        bool linear = k != 0 && probes.Select((p, i) => Math.Abs(values[i] - k * Dot4([.. p, 1], plane)) <= 1e-6 * scale).All(ok => ok);
        return linear
            ? new Feedback(Verdict.Correct, "Correct.", [string.Create(CultureInfo.InvariantCulture, $"Your function is {Prose.Number(k)}·(n·x + d): zero exactly on the plane."), tol], null, null)
            : new Feedback(Verdict.Incorrect, "Incorrect: not a plane.",
                [k == 0 ? "Your function is zero at the test points off the plane too: it does not describe the plane." :
                    "Your function vanishes at a, b and c but is not of the form n₁x + n₂y + n₃z + d (it is not linear).", tol], null, null);
    }

    protected override Prose Solve()
    {
        var u = Sub(b, a);
        var v = Sub(c, a);
        var n = Cross(u, v);
        return new Prose()
            .Text($"Edges in the plane: u = b − a = {P(u)}, v = c − a = {P(v)}.")
            .Text($"n = u × v = (u₂v₃ − u₃v₂, u₃v₁ − u₁v₃, u₁v₂ − u₂v₁) = {P(n)}.")
            .Text($"Substitute a: n·a + d = 0, so d = −n·a = {Prose.Number(-Dot(n, a))}.")
            .Text($"Plane: **{$"{Prose.Number(n[0])}·x + {Prose.Number(n[1])}·y + {Prose.Number(n[2])}·z + {Prose.Number(-Dot(n, a))}".Replace("+ −", "− ")} = 0** (any nonzero multiple is the same plane).");
    }
}
