using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch13;

/// <summary>
/// §13 "Implicit differentiation": dy/dx at a point of the conic a x² + b x y + c y² = d, by differentiating the
/// equation with y = y(x): 2ax + b(y + x y′) + 2c y y′ = 0, so y′ = −(2ax + by)/(bx + 2cy) = −F_x/F_y.
/// </summary>
[Exercise(13, "implicit-slope", "dy/dx of an implicit curve")]
public sealed class ImplicitSlope : NumericExercise
{
    readonly int a, b, c, x0, y0, d;

    public ImplicitSlope(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        // redraw until the slope exists (F_y ≠ 0) and the likely mistakes are defined (F_x ≠ 0)
        do
        {
            a = rng.NextInt(1, 4);
            c = rng.NextInt(1, 4);
            b = rng.NextInt(1, 4) * (rng.NextInt(2) == 0 ? 1 : -1);
            x0 = rng.NextInt(1, 4) * (rng.NextInt(2) == 0 ? 1 : -1);
            y0 = rng.NextInt(1, 4) * (rng.NextInt(2) == 0 ? 1 : -1);
        }
        while (b * x0 + 2 * c * y0 == 0 || 2 * a * x0 + b * y0 == 0);
        d = a * x0 * x0 + b * x0 * y0 + c * y0 * y0;
    }

    /// <summary>F(x, y) = ax² + bxy + cy² − d and the point (x₀, y₀) on F = 0.</summary>
    internal (Func<double, double, double> F, double X, double Y) Curve => ((x, y) => a * x * x + b * x * y + c * y * y - d, x0, y0);

    protected override int[] AnswerShape => [];

    static string Term(int k, string what, bool first) =>
        (k < 0 ? (first ? "−" : " − ") : (first ? "" : " + ")) + (Math.Abs(k) == 1 ? "" : Math.Abs(k).ToString()) + what;

    protected override Prose Pose() => new Prose()
        .Text($"The curve {Term(a, "x²", true)}{Term(b, "xy", false)}{Term(c, "y²", false)} = {d} passes through (x, y) = ({x0}, {y0}).")
        .Text("Near that point it defines y as a function of x. Find dy/dx there by implicit differentiation (one number, at least 5 significant digits).");

    double Fx => 2 * a * x0 + b * y0;
    double Fy => b * x0 + 2 * c * y0;

    internal override double[] Reference() => [-Fx / Fy];

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("lost the minus sign", "From F_x + F_y y′ = 0 the slope is y′ = −F_x/F_y.", [Fx / Fy]);
        yield return Wrong("inverted the ratio", "y′ = −F_x/F_y (that is dy/dx); −F_y/F_x is dx/dy.", [-Fy / Fx]);
        yield return Wrong("forgot the product rule on xy", $"d/dx (xy) = y + x·y′, so the x·y′ part ({b}x·y′) belongs to the y′ terms: y′ = −(2ax + by)/(bx + 2cy).", [-Fx / (2.0 * c * y0)]);
        yield return Wrong("used the circle's −x/y", "−x/y is the slope of x² + y² = 1 only; here y′ = −F_x/F_y with F = ax² + bxy + cy².", [-(double)x0 / y0]);
    }

    protected override Prose Solve() => new Prose()
        .Text("Differentiate both sides with y = y(x): 2ax + b(y + x y′) + 2c y y′ = 0, so y′ (bx + 2cy) = −(2ax + by).")
        .Text($"At ({x0}, {y0}): F_x = 2·{a}·{x0} + {b}·{y0} = {Fx}, F_y = {b}·{x0} + 2·{c}·{y0} = {Fy}.")
        .Text($"dy/dx = −F_x/F_y = **{Prose.Number(-Fx / Fy)}**.");
}
