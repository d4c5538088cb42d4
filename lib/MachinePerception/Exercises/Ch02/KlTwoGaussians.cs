using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch02;

/// <summary>
/// §2: the KL divergence between two 1-D Gaussians, KL(P ‖ Q) = ∫ p log(p/q) for P = N(μ₁, σ₁²), Q = N(μ₂, σ₂²):
/// log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½. The statement gives variances, not standard deviations.
/// </summary>
[Exercise(2, "kl-two-gaussians", "KL divergence between two Gaussians")]
public sealed class KlTwoGaussians : NumericExercise
{
    readonly double mu1, var1, mu2, var2;

    public KlTwoGaussians(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        mu1 = Math.Round(-2 + 4 * rng.NextDouble(), 1);
        mu2 = Math.Round(-2 + 4 * rng.NextDouble(), 1);
        var1 = Math.Round(0.2 + 2.8 * rng.NextDouble(), 1);
        // different variances, so that swapping the arguments changes the answer
        do var2 = Math.Round(0.2 + 2.8 * rng.NextDouble(), 1);
        while (Math.Abs(var2 - var1) < 0.3);
    }

    protected override int[] AnswerShape => [];

    protected override Prose Pose() => new Prose()
        .Text($"Let P = N(μ₁, σ₁²) with μ₁ = {Prose.Number(mu1)}, σ₁² = {Prose.Number(var1)} and Q = N(μ₂, σ₂²) with μ₂ = {Prose.Number(mu2)}, σ₂² = {Prose.Number(var2)} (the second numbers are variances).")
        .Text("Compute D_KL(P ‖ Q) = ∫ p(x) log(p(x)/q(x)) dx in nats (natural logarithm, at least 5 significant digits).");

    // KL(N(a, va) ‖ N(b, vb)) in closed form; the flags give the named slips
    static double Kl(double a, double va, double b, double vb, double logFactor = 0.5, double fractionFactor = 0.5, double constant = -0.5) =>
        logFactor * Math.Log(vb / va) + fractionFactor * (va + (a - b) * (a - b)) / vb + constant;

    // the reference integrates p log(p/q) numerically on a fine grid (Simpson's rule), independent of the closed form
    internal override double[] Reference()
    {
        double sd = Math.Sqrt(var1), lo = mu1 - 12 * sd, hi = mu1 + 12 * sd;
        int n = 4000;
        double h = (hi - lo) / n, sum = 0;
        for (int i = 0; i <= n; i++)
        {
            double x = lo + i * h;
            double logP = -0.5 * Math.Log(2 * Math.PI * var1) - (x - mu1) * (x - mu1) / (2 * var1);
            double logQ = -0.5 * Math.Log(2 * Math.PI * var2) - (x - mu2) * (x - mu2) / (2 * var2);
            double w = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
            sum += w * Math.Exp(logP) * (logP - logQ);
        }
        return [sum * h / 3];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("swapped the arguments", "KL is not symmetric: D_KL(P ‖ Q) averages log(p/q) under P, so P's variance goes in the numerator of the fraction and Q's in the denominator.",
            [Kl(mu2, var2, mu1, var1)]);
        yield return Wrong("log of the variances without the ½", "log(σ₂/σ₁) = ½ log(σ₂²/σ₁²): with variances the log term needs the factor ½.",
            [Kl(mu1, var1, mu2, var2, logFactor: 1)]);
        yield return Wrong("missing the ½ on the fraction", "The quadratic term of log q is (x − μ₂)²/(2σ₂²): its expectation under P is (σ₁² + (μ₁ − μ₂)²)/(2σ₂²).",
            [Kl(mu1, var1, mu2, var2, fractionFactor: 1)]);
        yield return Wrong("forgot the −½", "E_P[(x − μ₁)²/(2σ₁²)] = ½ comes from log p and enters with a minus sign: subtract ½.",
            [Kl(mu1, var1, mu2, var2, constant: 0)]);
        yield return Wrong("used the variances as standard deviations", "σ₁² and σ₂² are given: take square roots for σ₁ and σ₂ (or use ½ log of the variance ratio).",
            [Kl(mu1, var1 * var1, mu2, var2 * var2)]);
    }

    protected override Prose Solve()
    {
        double d = mu1 - mu2;
        return new Prose()
            .Text("For Gaussians, D_KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½ log(σ₂²/σ₁²) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½: the log term compares the widths, the fraction measures P's spread and offset in units of Q's variance.")
            .Text($"½ log({Prose.Number(var2)}/{Prose.Number(var1)}) = {Prose.Number(0.5 * Math.Log(var2 / var1))}")
            .Text($"({Prose.Number(var1)} + ({Prose.Number(d)})²)/(2·{Prose.Number(var2)}) = {Prose.Number((var1 + d * d) / (2 * var2))}")
            .Text($"D_KL(P ‖ Q) = {Prose.Number(0.5 * Math.Log(var2 / var1))} + {Prose.Number((var1 + d * d) / (2 * var2))} − 0.5 = **{Prose.Number(Kl(mu1, var1, mu2, var2))}** nats.");
    }
}
