using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch14;

/// <summary>
/// §14 (appendix) and §8.1.3: two steps of the secant method x₂ = x₁ − f(x₁)(x₁ − x₀)/(f(x₁) − f(x₀)) on a cubic
/// f(x) = x³ + p·x − q (strictly increasing, so f(x₁) ≠ f(x₀) always holds).
/// </summary>
[Exercise(14, "secant-iteration", "Two steps of the secant method")]
public sealed class SecantIteration : NumericExercise
{
    readonly int p, q;
    readonly double x0, x1;

    public SecantIteration(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        // Redraw while a start point or an iterate hits the root exactly (f = 0 there makes the next secant 0/0).
        do
        {
            p = rng.NextInt(1, 6);
            q = rng.NextInt(2, 31);
            // start from the integers around the root, in random order, one of them shifted by a half
            double root = RealRoot(p, q);
            double a = Math.Floor(root), b = a + 1 + 0.5 * rng.NextInt(2);
            (x0, x1) = rng.NextInt(2) == 0 ? (a, b) : (b, a);
        }
        while (F(x0) == 0 || F(x1) == 0 || F(Secant(x0, x1)) == 0);
    }

    // the one real root of x³ + p x − q (p > 0), by bisection on [0, q]: f(0) = −q < 0 and f(q) > 0
    static double RealRoot(int p, int q)
    {
        double lo = 0, hi = q;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid * mid * mid + p * mid - q < 0) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    double F(double x) => x * x * x + p * x - q;

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text($"Find a root of f(x) = x³ + {p}·x − {q} with the secant method (§14), starting from x₀ = {Prose.Number(x0)} and x₁ = {Prose.Number(x1)}:")
        .Text("xₖ₊₁ = xₖ − f(xₖ)·(xₖ − xₖ₋₁) / (f(xₖ) − f(xₖ₋₁)).")
        .Text("Give x₂ and x₃ (two numbers, at least 5 significant digits).")
        .Svg(Figure(), $"f(x) = x³ + {p}·x − {q} near its root, with the starting points x₀ and x₁ (the secant iterates are yours to find)");

    // f on an interval around the two starting points, the x-axis, and the points (x₀, f(x₀)), (x₁, f(x₁)).
    string Figure()
    {
        const int width = 320, height = 200, margin = 20;
        double lo = Math.Min(x0, x1) - 0.75, hi = Math.Max(x0, x1) + 0.75;
        var xs = Enumerable.Range(0, 61).Select(i => lo + (hi - lo) * i / 60).ToArray();
        double fMin = Math.Min(0, xs.Min(F)), fMax = Math.Max(0, xs.Max(F));
        string Sx(double x) => (margin + (x - lo) / (hi - lo) * (width - 2 * margin)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        string Sy(double y) => (height - margin - (y - fMin) / (fMax - fMin) * (height - 2 * margin)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        var curve = string.Join(" ", xs.Select(x => $"{Sx(x)},{Sy(F(x))}"));
        string Dot(double x, string label) =>
            $"<circle cx=\"{Sx(x)}\" cy=\"{Sy(F(x))}\" r=\"4\" fill=\"#cf222e\"/><text x=\"{Sx(x)}\" y=\"{Sy(F(x))}\" dx=\"6\" dy=\"-6\" font-size=\"12\">{label}</text>";
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">" +
               $"<line x1=\"{margin}\" y1=\"{Sy(0)}\" x2=\"{width - margin}\" y2=\"{Sy(0)}\" stroke=\"#57606a\"/>" +
               $"<polyline points=\"{curve}\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\"/>" +
               Dot(x0, "x₀") + Dot(x1, "x₁") + "</svg>";
    }

    // Two steps of an update rule that maps (previous, current) to the next point.
    (double, double) Iterate(Func<double, double, double> next, bool keepFirst = false)
    {
        double x2 = next(x0, x1);
        double x3 = keepFirst ? next(x0, x2) : next(x1, x2);
        return (x2, x3);
    }

    double Secant(double a, double b) => b - F(b) * (b - a) / (F(b) - F(a));

    internal override double[] Reference()
    {
        var (x2, x3) = Iterate(Secant);
        return [x2, x3];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        double[] Pair((double, double) x) => [x.Item1, x.Item2];
        yield return Wrong("kept x₀ instead of moving on (that is regula falsi)",
            "The secant method always uses the two newest points: x₃ comes from x₁ and x₂, not from x₀ and x₂.",
            Pair(Iterate(Secant, keepFirst: true)));
        yield return Wrong("added the correction instead of subtracting it",
            "The secant line's zero is x₁ − f(x₁)(x₁ − x₀)/(f(x₁) − f(x₀)): subtract.",
            Pair(Iterate((a, b) => b + F(b) * (b - a) / (F(b) - F(a)))));
        yield return Wrong("inverted the slope",
            "Divide f(x₁) by the secant slope (f(x₁) − f(x₀))/(x₁ − x₀), i.e. multiply by (x₁ − x₀)/(f(x₁) − f(x₀)).",
            Pair(Iterate((a, b) => b - F(b) * (F(b) - F(a)) / (b - a))));
        yield return Wrong("used Newton's method",
            "Newton uses the derivative f′(x₁); the secant method replaces it by the slope through the last two points (no derivatives).",
            Pair(Iterate((_, b) => b - F(b) / (3 * b * b + p))));
        yield return Wrong("took the midpoint (bisection)",
            "Bisection halves the interval; the secant method goes to the zero of the line through (x₀, f(x₀)) and (x₁, f(x₁)).",
            Pair(Iterate((a, b) => 0.5 * (a + b))));
    }

    protected override Feedback Assess(object? answer)
    {
        // one number: say whether it is x₂, rather than only "wrong shape"
        var a = AnswerReader.ReadNumeric(answer, out var problem);
        if (a is null) return Feedback.Unreadable(problem!, Expected);
        if (a.Values.Length == 1)
            return Tolerance.Close(a.Values[0], Reference()[0])
                ? Feedback.Incorrect("incomplete", Tolerance, "Your number is x₂, which is right; the question also asks for x₃: answer with both, e.g. \"x₂, x₃\".")
                : Feedback.Incorrect("wrong shape", Tolerance, "Expected two numbers, x₂ and x₃.");
        return Diagnose(a);
    }

    protected override Prose Solve()
    {
        var r = Reference();
        return new Prose()
            .Text($"f(x₀) = f({Prose.Number(x0)}) = {Prose.Number(F(x0))}, f(x₁) = f({Prose.Number(x1)}) = {Prose.Number(F(x1))}.")
            .Text($"x₂ = x₁ − f(x₁)(x₁ − x₀)/(f(x₁) − f(x₀)) = {Prose.Number(r[0])}; f(x₂) = {Prose.Number(F(r[0]))}.")
            .Text($"x₃ = x₂ − f(x₂)(x₂ − x₁)/(f(x₂) − f(x₁)) = **{Prose.Number(r[1])}** (the newest two points x₁, x₂).");
    }
}
