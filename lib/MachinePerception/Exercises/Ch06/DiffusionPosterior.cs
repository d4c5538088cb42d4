using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch06;

/// <summary>
/// §6: the forward-process posterior q(x_{t−1} | x_t, x_0) = N(μ̃_t, β̃_t) for one pixel with given numbers:
/// μ̃_t = √ᾱ_{t−1} β_t/(1 − ᾱ_t) · x_0 + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) · x_t and β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t.
/// Answer: [μ̃_t, β̃_t].
/// </summary>
[Exercise(6, "diffusion-posterior", "The posterior of one forward step")]
public sealed class DiffusionPosterior : NumericExercise
{
    readonly double beta, alphaBarPrevious, x0, xt;

    public DiffusionPosterior(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        beta = Math.Round(0.05 + 0.15 * rng.NextDouble(), 2);
        alphaBarPrevious = Math.Round(0.3 + 0.6 * rng.NextDouble(), 2);
        x0 = Math.Round(-1 + 2 * rng.NextDouble(), 2);
        xt = Math.Round(-2 + 4 * rng.NextDouble(), 2);
    }

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text($"A pixel was diffused from x_0 = {Prose.Number(x0)}. At step t − 1 the schedule has ᾱ_(t−1) = {Prose.Number(alphaBarPrevious)}, and step t adds noise with β_t = {Prose.Number(beta)}. We observe x_t = {Prose.Number(xt)}.")
        .Text("Give the mean and the variance of q(x_{t−1} | x_t, x_0), as [mean, variance].");

    double AlphaBar => alphaBarPrevious * (1 - beta);

    double[] Closed(double alphaBarPrev, double alphaBar, double variance)
    {
        double mean = Math.Sqrt(alphaBarPrev) * beta / (1 - alphaBar) * x0 + Math.Sqrt(1 - beta) * (1 - alphaBarPrev) / (1 - alphaBar) * xt;
        return [mean, variance];
    }

    // the reference applies Bayes' rule numerically: q(x_t | y) q(y | x_0) on a grid of y, normalised by Simpson's rule
    internal override double[] Reference()
    {
        double priorMean = Math.Sqrt(alphaBarPrevious) * x0, priorVar = 1 - alphaBarPrevious;
        double G(double y) => Math.Exp(-(xt - Math.Sqrt(1 - beta) * y) * (xt - Math.Sqrt(1 - beta) * y) / (2 * beta) - (y - priorMean) * (y - priorMean) / (2 * priorVar));
        double lo = priorMean - 12 * Math.Sqrt(priorVar), h = 24 * Math.Sqrt(priorVar) / 4000;
        double z = 0, m1 = 0, m2 = 0;
        for (int i = 0; i <= 4000; i++)
        {
            double y = lo + i * h, w = (i == 0 || i == 4000 ? 1 : i % 2 == 1 ? 4 : 2) * G(y);
            z += w; m1 += w * y; m2 += w * y * y;
        }
        double mean = m1 / z;
        return [mean, m2 / z - mean * mean];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        double tilde = (1 - alphaBarPrevious) / (1 - AlphaBar) * beta;
        yield return Wrong("used β_t as the variance", "The posterior is narrower than one forward step: β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t < β_t.",
            Closed(alphaBarPrevious, AlphaBar, beta));
        yield return Wrong("swapped ᾱ_{t−1} and ᾱ_t", "ᾱ_t = ᾱ_{t−1}(1 − β_t) is the smaller one; the coefficient of x_0 has √ᾱ_{t−1} and both denominators 1 − ᾱ_t.",
            [Closed(AlphaBar, alphaBarPrevious, 0)[0], (1 - AlphaBar) / (1 - alphaBarPrevious) * beta]);
        yield return Wrong("took ᾱ_{t−1} as ᾱ_t", $"ᾱ_t = ᾱ_(t−1) · (1 − β_t) = {Prose.Number(AlphaBar)}: the given ᾱ is that of step t − 1.",
            Closed(alphaBarPrevious * alphaBarPrevious / AlphaBar, alphaBarPrevious, (1 - alphaBarPrevious * alphaBarPrevious / AlphaBar) / (1 - alphaBarPrevious) * beta));
        yield return Wrong("swapped the two mean coefficients", "x_0's weight is √ᾱ_{t−1} β_t/(1 − ᾱ_t); x_t's is √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t).",
            [Math.Sqrt(alphaBarPrevious) * beta / (1 - AlphaBar) * xt + Math.Sqrt(1 - beta) * (1 - alphaBarPrevious) / (1 - AlphaBar) * x0, tilde]);
    }

    protected override Prose Solve()
    {
        double ab = AlphaBar, a = Math.Sqrt(alphaBarPrevious) * beta / (1 - ab), b = Math.Sqrt(1 - beta) * (1 - alphaBarPrevious) / (1 - ab);
        return new Prose()
            .Text($"ᾱ_t = ᾱ_(t−1)(1 − β_t) = {Prose.Number(ab)}.")
            .Text($"Coefficient of x_0: √ᾱ_(t−1) β_t/(1 − ᾱ_t) = {Prose.Number(a)}; of x_t: √(1 − β_t)(1 − ᾱ_(t−1))/(1 − ᾱ_t) = {Prose.Number(b)}.")
            .Text($"μ̃_t = {Prose.Number(a)} · {Prose.Number(x0)} + {Prose.Number(b)} · {Prose.Number(xt)} = **{Prose.Number(a * x0 + b * xt)}**; β̃_t = (1 − ᾱ_(t−1))/(1 − ᾱ_t) · β_t = **{Prose.Number((1 - alphaBarPrevious) / (1 - ab) * beta)}**.");
    }
}
