using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch10;

/// <summary>
/// §10: the mean binary cross-entropy L = (1/n) Σᵢ [−yᵢ log ŷᵢ − (1 − yᵢ) log(1 − ŷᵢ)] of n = 4 predictions,
/// natural logarithm.
/// </summary>
[Exercise(10, "bce-value", "Binary cross-entropy of four predictions")]
public sealed class BinaryCrossEntropy : NumericExercise
{
    readonly double[] y, yHat;

    public BinaryCrossEntropy(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        // both classes appear, so every term of the formula matters
        do y = Enumerable.Range(0, 4).Select(_ => (double)rng.NextInt(2)).ToArray();
        while (y.All(v => v == 0) || y.All(v => v == 1));
        yHat = Enumerable.Range(0, 4).Select(_ => Math.Round(0.05 + 0.9 * rng.NextDouble(), 2)).ToArray();
    }

    protected override int[] AnswerShape => [];

    protected override Prose Pose() => new Prose()
        .Text("A classifier outputs probabilities ŷ for four samples with labels y:")
        .Vector("y =", y)
        .Vector("ŷ =", yHat)
        .Text("Compute the binary cross-entropy (§10) averaged over the four samples, " +
              "L = (1/4) Σᵢ [−yᵢ log ŷᵢ − (1 − yᵢ) log(1 − ŷᵢ)], with the natural logarithm (nats, at least 5 significant digits).");

    double Value(Func<double, double> log, bool mean = true, bool negate = true, bool positiveTermOnly = false, bool swapped = false)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double p = swapped ? 1 - yHat[i] : yHat[i];
            double term = y[i] * log(p) + (positiveTermOnly ? 0 : (1 - y[i]) * log(1 - p));
            sum += negate ? -term : term;
        }
        return mean ? sum / y.Length : sum;
    }

    internal override double[] Reference() => [Value(Math.Log)];

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("summed instead of averaged", "The question asks for the mean over the four samples: divide the sum by 4.", [Value(Math.Log, mean: false)]);
        yield return Wrong("used log base 10", "Cross-entropy in nats uses the natural logarithm ln.", [Value(Math.Log10)]);
        yield return Wrong("used log base 2", "Log base 2 gives bits; the question asks for nats (natural logarithm).", [Value(Math.Log2)]);
        yield return Wrong("forgot the minus sign", "log of a probability is ≤ 0, so the loss carries a minus sign and is ≥ 0.", [Value(Math.Log, negate: false)]);
        yield return Wrong("dropped the (1 − y) log(1 − ŷ) term", "Samples with label 0 contribute −log(1 − ŷᵢ); without that term they cost nothing.", [Value(Math.Log, positiveTermOnly: true)]);
        yield return Wrong("swapped ŷ and 1 − ŷ", "ŷ is the probability of label 1: a positive sample costs −log ŷ, a negative one −log(1 − ŷ).", [Value(Math.Log, swapped: true)]);
    }

    protected override Prose Solve()
    {
        var prose = new Prose().Text("Each sample costs −log ŷ if its label is 1 and −log(1 − ŷ) if it is 0:");
        var terms = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            terms[i] = y[i] == 1 ? -Math.Log(yHat[i]) : -Math.Log(1 - yHat[i]);
            prose.Text(y[i] == 1
                ? $"sample {i + 1}: y = 1, −ln {Prose.Number(yHat[i])} = {Prose.Number(terms[i])}"
                : $"sample {i + 1}: y = 0, −ln(1 − {Prose.Number(yHat[i])}) = {Prose.Number(terms[i])}");
        }
        return prose.Text($"Mean: ({string.Join(" + ", terms.Select(Prose.Number))}) / 4 = **{Prose.Number(Reference()[0])}** nats.");
    }
}
