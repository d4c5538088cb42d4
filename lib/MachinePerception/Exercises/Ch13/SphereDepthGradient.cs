using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch13;

/// <summary>
/// §13 "DVR backward pass" on a sphere f_R(p) = ‖p‖² − R², τ = 0: the depth d̂ of the first hit along a ray parallel to
/// the z-axis and ∂d̂/∂R = −(∂f/∂p · w)⁻¹ ∂f/∂R = −(2p̂ · w)⁻¹(−2R) = R/(p̂ · w).
/// </summary>
[Exercise(13, "sphere-depth-gradient", "The DVR depth gradient on a sphere")]
public sealed class SphereDepthGradient : NumericExercise
{
    readonly int radius, distance;
    readonly double x0, y0;

    public SphereDepthGradient(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        radius = rng.NextInt(2, 5);
        distance = rng.NextInt(5, 9);
        // an offset (x₀, y₀) on a half-unit grid strictly inside the disc of radius R, not on the axis
        do
        {
            x0 = 0.5 * (rng.NextInt(4 * radius - 1) - (2 * radius - 1));
            y0 = 0.5 * (rng.NextInt(4 * radius - 1) - (2 * radius - 1));
        }
        while (x0 * x0 + y0 * y0 >= radius * radius - 0.5 || (x0 == 0 && y0 == 0));
    }

    internal (double Radius, double[] Origin) Setup => (radius, [x0, y0, -distance]);

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text($"The surface is the sphere f_R(p) = ‖p‖² − R² = 0 with R = {radius}. A camera ray starts at r₀ = ({Prose.Number(x0)}, {Prose.Number(y0)}, −{distance}) " +
              "and points along w = (0, 0, 1), so p(d) = r₀ + d·w.")
        .Text("Give the depth d̂ of the first intersection and its derivative ∂d̂/∂R from the implicit formula of DVR, " +
              "∂d̂/∂θ = −(∂f/∂p · w)⁻¹ ∂f/∂θ (two numbers, at least 5 significant digits).");

    double Half => Math.Sqrt(radius * radius - x0 * x0 - y0 * y0);     // |z| of the two intersections

    internal override double[] Reference() => [distance - Half, -radius / Half];

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("flipped the sign of the derivative", "At the entry point p̂ · w = −√(R² − x₀² − y₀²) < 0, so ∂d̂/∂R = R/(p̂ · w) is negative: a larger sphere is hit sooner.", [distance - Half, radius / Half]);
        yield return Wrong("took the far intersection", "The first hit is the nearer root d = z₀ − √(R² − x₀² − y₀²), where the ray enters the sphere.", [distance + Half, radius / Half]);
        yield return Wrong("left out (∂f/∂p · w)⁻¹", "∂f/∂R = −2R is the field's change, not the depth's: divide by ∂f/∂p · w = 2p̂ · w and negate.", [distance - Half, 2.0 * radius]);
        yield return Wrong("dropped the 2 of ∂f/∂p", "∂‖p‖²/∂p = 2p, so ∂f/∂p · w = 2p̂_z, and the 2s of ∂f/∂p and ∂f/∂R = −2R cancel: ∂d̂/∂R = R/p̂_z.", [distance - Half, -2.0 * radius / Half]);
    }

    protected override Prose Solve() => new Prose()
        .Text($"‖r₀ + d w‖² = R² gives ({Prose.Number(x0)})² + ({Prose.Number(y0)})² + (d − {distance})² = {radius * radius}, so d = {distance} ∓ √({Prose.Number(radius * radius - x0 * x0 - y0 * y0)}); the first hit takes the minus sign: d̂ = **{Prose.Number(distance - Half)}**.")
        .Text($"p̂ = ({Prose.Number(x0)}, {Prose.Number(y0)}, {Prose.Number(-Half)}), ∂f/∂p = 2p̂, so ∂f/∂p · w = 2·({Prose.Number(-Half)}); ∂f/∂R = −2R = {-2 * radius}.")
        .Text($"∂d̂/∂R = −(−2R)/(2p̂_z) = R/p̂_z = **{Prose.Number(-radius / Half)}**, the derivative of the closed form d̂ = z₀ − √(R² − x₀² − y₀²).");
}
