using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch05;

/// <summary>
/// §5: the optimal discriminator at one point, D*(x₀) = p_d(x₀)/(p_d(x₀) + p_m(x₀)), for two 1-D Gaussians with different
/// variances (so the normalising constants matter). The statement gives variances.
/// </summary>
[Exercise(5, "optimal-discriminator-at-point", "The optimal discriminator at a point")]
public sealed class OptimalDiscriminatorAtPoint : NumericExercise
{
    readonly double dataMean, dataVariance, modelMean, modelVariance, x0;

    public OptimalDiscriminatorAtPoint(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        dataMean = Math.Round(-1.5 + 3 * rng.NextDouble(), 1);
        modelMean = Math.Round(-1.5 + 3 * rng.NextDouble(), 1);
        dataVariance = Math.Round(0.3 + 1.5 * rng.NextDouble(), 1);
        do modelVariance = Math.Round(0.3 + 1.5 * rng.NextDouble(), 1);
        while (Math.Abs(modelVariance - dataVariance) < 0.3);          // unequal widths: the 1/σ factors do not cancel
        do x0 = Math.Round(-2 + 4 * rng.NextDouble(), 1);
        while (Math.Abs(Density(x0, dataMean, dataVariance) - Density(x0, modelMean, modelVariance)) < 0.02
               || Density(x0, dataMean, dataVariance) + Density(x0, modelMean, modelVariance) < 0.05);
    }

    protected override int[] AnswerShape => [];

    static double Density(double x, double mean, double variance) => Math.Exp(-(x - mean) * (x - mean) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance);

    protected override Prose Pose() => new Prose()
        .Text($"The data density is p_d = N({Prose.Number(dataMean)}, {Prose.Number(dataVariance)}) and the generator's density is p_m = N({Prose.Number(modelMean)}, {Prose.Number(modelVariance)}) (mean, variance).")
        .Text($"The generator is fixed. What is the output of the optimal discriminator D* at x₀ = {Prose.Number(x0)}? (A probability, at least 5 significant digits.)");

    // the reference maximises a log D + b log(1 − D) over D by bisection on its derivative: no closed form used
    internal override double[] Reference()
    {
        double a = Density(x0, dataMean, dataVariance), b = Density(x0, modelMean, modelVariance), lo = 1e-15, hi = 1 - 1e-15;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (a / mid - b / (1 - mid) > 0) lo = mid; else hi = mid;
        }
        return [0.5 * (lo + hi)];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        double a = Density(x0, dataMean, dataVariance), b = Density(x0, modelMean, modelVariance);
        yield return Wrong("swapped the densities", "D* is the probability that x₀ is real: the data density goes in the numerator, p_d/(p_d + p_m).", [b / (a + b)]);
        yield return Wrong("gave the density ratio", "D* = p_d/(p_d + p_m) lies in (0, 1); p_d/p_m is the odds D*/(1 − D*).", [a / b]);
        double ea = Math.Exp(-(x0 - dataMean) * (x0 - dataMean) / (2 * dataVariance)), eb = Math.Exp(-(x0 - modelMean) * (x0 - modelMean) / (2 * modelVariance));
        yield return Wrong("dropped the normalising constants", "With different variances the factors 1/√(2πσ²) differ and do not cancel in the ratio.", [ea / (ea + eb)]);
        double sa = Density(x0, dataMean, dataVariance * dataVariance), sb = Density(x0, modelMean, modelVariance * modelVariance);
        yield return Wrong("used the variances as standard deviations", "The statement gives variances: σ² is the second number.", [sa / (sa + sb)]);
    }

    protected override Prose Solve()
    {
        double a = Density(x0, dataMean, dataVariance), b = Density(x0, modelMean, modelVariance);
        return new Prose()
            .Text("For a fixed G, V(G, D) = ∫ p_d log D + p_m log(1 − D) dx is maximised pointwise: at each x, a log y + b log(1 − y) has its maximum at y = a/(a + b).")
            .Text($"p_d(x₀) = exp(−({Prose.Number(x0)} − {Prose.Number(dataMean)})²/(2·{Prose.Number(dataVariance)}))/√(2π·{Prose.Number(dataVariance)}) = {Prose.Number(a)}")
            .Text($"p_m(x₀) = exp(−({Prose.Number(x0)} − {Prose.Number(modelMean)})²/(2·{Prose.Number(modelVariance)}))/√(2π·{Prose.Number(modelVariance)}) = {Prose.Number(b)}")
            .Text($"D*(x₀) = {Prose.Number(a)}/({Prose.Number(a)} + {Prose.Number(b)}) = **{Prose.Number(a / (a + b))}**.");
    }
}
