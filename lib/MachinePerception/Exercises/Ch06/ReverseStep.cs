using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch06;

/// <summary>
/// §6: one step of the summary's sampling algorithm by hand, x_{t−1} = (x_t − (1 − α_t)/√(1 − ᾱ_t) · ε_θ)/√α_t + σ_t z with
/// σ_t² = β_t, for a 3-pixel x_t with given ε_θ(x_t, t) and z.
/// </summary>
[Exercise(6, "ddpm-reverse-step", "One reverse step by hand")]
public sealed class ReverseStep : NumericExercise
{
    readonly double beta, alphaBar;
    readonly double[] xt = new double[3], noise = new double[3], z = new double[3];

    public ReverseStep(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        beta = Math.Round(0.02 + 0.08 * rng.NextDouble(), 3);
        alphaBar = Math.Round(0.2 + 0.6 * rng.NextDouble(), 3);
        for (int i = 0; i < 3; i++)
        {
            xt[i] = Math.Round(-2 + 4 * rng.NextDouble(), 2);
            noise[i] = Math.Round(-1.5 + 3 * rng.NextDouble(), 2);
            z[i] = Math.Round(-1.5 + 3 * rng.NextDouble(), 2);
        }
    }

    protected override int[] AnswerShape => [3];

    protected override Prose Pose() => new Prose()
        .Text($"At step t of a DDPM's sampler, β_t = {Prose.Number(beta)} and ᾱ_t = {Prose.Number(alphaBar)}. The network predicts the noise ε_θ(x_t, t) for the current x_t, and the sampler has drawn z ~ N(0, I):")
        .Vector("x_t =", xt)
        .Vector("ε_θ =", noise)
        .Vector("z =", z)
        .Text("With σ_t² = β_t, give x_{t−1}.");

    double[] Step(Func<double, double, double> mean, double sigma) =>
        Enumerable.Range(0, 3).Select(i => mean(xt[i], noise[i]) + sigma * z[i]).ToArray();

    double Alpha => 1 - beta;

    // the reference goes through x̂_0 and the posterior mean μ̃(x_t, x̂_0) (the other form of the same mean) with
    // ᾱ_{t−1} = ᾱ_t/α_t
    internal override double[] Reference()
    {
        double previous = alphaBar / Alpha;
        var result = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double x0 = (xt[i] - Math.Sqrt(1 - alphaBar) * noise[i]) / Math.Sqrt(alphaBar);
            double mean = Math.Sqrt(previous) * beta / (1 - alphaBar) * x0 + Math.Sqrt(Alpha) * (1 - previous) / (1 - alphaBar) * xt[i];
            result[i] = mean + Math.Sqrt(beta) * z[i];
        }
        return result;
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        double c = beta / Math.Sqrt(1 - alphaBar);
        yield return Wrong("used β_t as the standard deviation", "σ_t² = β_t is a variance: the noise is scaled by σ_t = √β_t.",
            Step((x, e) => (x - c * e) / Math.Sqrt(Alpha), beta));
        yield return Wrong("forgot the noise", "For t > 1 the sampler adds σ_t z; only the last step (t = 1) uses z = 0.",
            Step((x, e) => (x - c * e) / Math.Sqrt(Alpha), 0));
        yield return Wrong("forgot to divide by √α_t", "The whole bracket x_t − (1 − α_t)/√(1 − ᾱ_t) ε_θ is divided by √α_t.",
            Step((x, e) => x - c * e, Math.Sqrt(beta)));
        yield return Wrong("divided by √ᾱ_t", "The bracket is divided by √α_t of this one step, not by √ᾱ_t (that would jump to x̂_0).",
            Step((x, e) => (x - c * e) / Math.Sqrt(alphaBar), Math.Sqrt(beta)));
        yield return Wrong("used √(1 − ᾱ_t) as the noise coefficient", "The noise is weighted by (1 − α_t)/√(1 − ᾱ_t) = β_t/√(1 − ᾱ_t), not by √(1 − ᾱ_t) (that removes all the noise at once).",
            Step((x, e) => (x - Math.Sqrt(1 - alphaBar) * e) / Math.Sqrt(Alpha), Math.Sqrt(beta)));
        yield return Wrong("added the predicted noise", "The predicted noise is subtracted: x_t − (1 − α_t)/√(1 − ᾱ_t) ε_θ.",
            Step((x, e) => (x + c * e) / Math.Sqrt(Alpha), Math.Sqrt(beta)));
    }

    protected override Prose Solve()
    {
        double c = beta / Math.Sqrt(1 - alphaBar);
        return new Prose()
            .Text($"α_t = 1 − β_t = {Prose.Number(Alpha)}; the noise coefficient (1 − α_t)/√(1 − ᾱ_t) = {Prose.Number(beta)}/√{Prose.Number(1 - alphaBar)} = {Prose.Number(c)}; σ_t = √β_t = {Prose.Number(Math.Sqrt(beta))}.")
            .Vector("mean (x_t − coefficient · ε_θ)/√α_t =", Step((x, e) => (x - c * e) / Math.Sqrt(Alpha), 0))
            .Vector("x_{t−1} = mean + σ_t z =", Reference());
    }
}
