using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch12;

/// <summary>
/// §12: gradient clipping by norm, g ← (threshold/‖g‖) g, applied only when ‖g‖ exceeds the threshold (the summary
/// leaves out the condition). Some seeds pose a gradient below the threshold, which must come back unchanged.
/// </summary>
[Exercise(12, "gradient-clipping", "Clipping a gradient by its norm")]
public sealed class ClipByNorm : NumericExercise
{
    readonly double[] g = new double[3], theta = new double[3];
    readonly double threshold, eta;

    public ClipByNorm(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        for (int i = 0; i < 3; i++) g[i] = (rng.NextInt(2) == 0 ? 1 : -1) * rng.NextInt(1, 9) * 0.5;
        for (int i = 0; i < 3; i++) theta[i] = (rng.NextInt(21) - 10) * 0.1;
        eta = new[] { 0.1, 0.2, 0.5 }[rng.NextInt(3)];
        double norm = Norm(g);
        // two thirds of the variants clip, one third is below the threshold
        threshold = rng.NextInt(3) == 0 ? Math.Ceiling(norm) + rng.NextInt(1, 3) : Math.Max(0.5, Math.Floor(norm * rng.NextInt(2, 8) / 10 * 2) / 2);
    }

    static double Norm(double[] v) => Math.Sqrt(v.Sum(x => x * x));

    protected override int[] AnswerShape => [3];

    protected override Prose Pose() => new Prose()
        .Text($"Backpropagation through time returned the gradient ∇ below for the parameters θ. Clip it by norm with threshold {Prose.Number(threshold)} (§12), " +
              $"then take one gradient-descent step θ ← θ − η∇ with η = {Prose.Number(eta)}. Give the new θ (three numbers, at least 5 significant digits).")
        .Vector("θ =", theta)
        .Vector("∇ =", g);

    // θ − η × (the gradient the optimizer receives)
    double[] Step(double[] used) => theta.Select((t, i) => t - eta * used[i]).ToArray();

    double[] Scaled(double factor) => Step(g.Select(x => x * factor).ToArray());

    double[] Clipped() => Norm(g) > threshold ? g.Select(x => x * threshold / Norm(g)).ToArray() : (double[])g.Clone();

    internal override double[] Reference() => Step(Clipped());

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("rescaled a gradient that was already short enough", $"Clip only when ‖∇‖ > threshold; here ‖∇‖ = {Prose.Number(Norm(g))} ≤ {Prose.Number(threshold)}, so ∇ stays as it is.", Scaled(threshold / Norm(g)));
        yield return Wrong("clipped each entry to [−threshold, threshold]", "That is clipping by value, which changes the gradient's direction; clipping by norm rescales the whole vector.", Step(g.Select(x => Math.Clamp(x, -threshold, threshold)).ToArray()));
        yield return Wrong("divided by ‖∇‖²", "The factor is threshold/‖∇‖, so the clipped gradient has norm exactly the threshold.", Scaled(threshold / (Norm(g) * Norm(g))));
        yield return Wrong("used the L1 norm", "‖∇‖ is the Euclidean norm √(Σ ∇ᵢ²).", Scaled(g.Sum(Math.Abs) > threshold ? threshold / g.Sum(Math.Abs) : 1));
        yield return Wrong("stepped uphill (wrong sign)", "Gradient descent moves against the gradient: θ − η∇.", theta.Select((t, i) => t + eta * Clipped()[i]).ToArray());
    }

    protected override Prose Solve()
    {
        double norm = Norm(g);
        var p = new Prose().Text($"‖∇‖ = √(Σ ∇ᵢ²) = {Prose.Number(norm)}.");
        return norm > threshold
            ? p.Text($"It exceeds the threshold, so ∇ ← ({Prose.Number(threshold)}/{Prose.Number(norm)}) ∇: same direction, norm {Prose.Number(threshold)}.").Vector("∇ (clipped) =", Clipped())
                .Text("Then θ ← θ − η∇:").Vector("θ (new) =", Reference())
            : p.Text("It does not exceed the threshold, so the gradient is used unchanged: θ ← θ − η∇.").Vector("θ (new) =", Reference());
    }
}
