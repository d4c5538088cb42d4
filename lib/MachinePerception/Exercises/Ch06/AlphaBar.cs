using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch06;

/// <summary>
/// §6: ᾱ_t of a given variance schedule. β rises linearly from β_1 to β_T over T steps; ᾱ_k = ∏_{i=1}^k (1 − β_i) is the
/// fraction of the signal's variance left at step k, since q(x_k | x_0) = N(√ᾱ_k x_0, (1 − ᾱ_k) I).
/// </summary>
[Exercise(6, "alpha-bar", "ᾱ_t of a linear schedule")]
public sealed class AlphaBar : NumericExercise
{
    readonly int steps, k;
    readonly double betaFirst, betaLast;

    public AlphaBar(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        steps = 5 + rng.NextInt(6);                                   // T in 5..10
        betaFirst = Math.Round(0.01 + 0.04 * rng.NextDouble(), 2);
        betaLast = Math.Round(0.15 + 0.25 * rng.NextDouble(), 2);
        k = 3 + rng.NextInt(steps - 2);                               // k in 3..T
    }

    protected override int[] AnswerShape => [];

    double Beta(int i) => betaFirst + (betaLast - betaFirst) * (i - 1) / (steps - 1);

    protected override Prose Pose() => new Prose()
        .Text($"A diffusion model has T = {steps} steps with β_t rising linearly from β_1 = {Prose.Number(betaFirst)} to β_T = {Prose.Number(betaLast)}, i.e. β_t = β_1 + (β_T − β_1)(t − 1)/(T − 1).")
        .Text($"Compute ᾱ_{k} (at least 5 significant digits): the factor such that q(x_{k} | x_0) = N(√ᾱ_{k} x_0, (1 − ᾱ_{k}) I).");

    double Product(int upTo, Func<int, double> factor)
    {
        double p = 1;
        for (int i = 1; i <= upTo; i++) p *= factor(i);
        return p;
    }

    // the reference composes the k one-step Gaussians q(x_t | x_{t−1}) = N(√α_t x_{t−1}, β_t) and reads off the variance of x_0's
    // contribution: the mean scale is the product of √α_t, so ᾱ_k is its square (a different route than ∏ α directly)
    internal override double[] Reference()
    {
        double scale = 1;
        for (int i = 1; i <= k; i++) scale *= Math.Sqrt(1 - Beta(i));
        return [scale * scale];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("added the β's", "The steps multiply: each keeps a factor α_t = 1 − β_t of the previous variance of the signal, so ᾱ_k = ∏ (1 − β_i), not 1 − Σ β_i.",
            [1 - Enumerable.Range(1, k).Sum(Beta)]);
        yield return Wrong("took α_k alone", "ᾱ_k is the product of all α_i up to k, not the α of step k.", [1 - Beta(k)]);
        yield return Wrong("multiplied the β's", "ᾱ is the product of α_i = 1 − β_i, the part of the signal each step keeps.", [Product(k, Beta)]);
        yield return Wrong("stopped one step early", $"The product runs over i = 1 … {k}, including step {k}.", [Product(k - 1, i => 1 - Beta(i))]);
        yield return Wrong("gave √ᾱ", "√ᾱ_k scales the mean of x_k; the question asks for ᾱ_k itself.", [Math.Sqrt(Product(k, i => 1 - Beta(i)))]);
        yield return Wrong("used a constant β", "β changes with t: use β_i = β_1 + (β_T − β_1)(i − 1)/(T − 1) for each step.", [Math.Pow(1 - betaFirst, k)]);
    }

    protected override Prose Solve()
    {
        var factors = Enumerable.Range(1, k).Select(i => Prose.Number(1 - Beta(i))).ToArray();
        return new Prose()
            .Text($"The β's of steps 1 … {k}: {string.Join(", ", Enumerable.Range(1, k).Select(i => Prose.Number(Beta(i))))}.")
            .Text($"ᾱ_{k} = ∏_(i=1)^{k} (1 − β_i) = {string.Join(" · ", factors)} = **{Prose.Number(Product(k, i => 1 - Beta(i)))}**.");
    }
}
