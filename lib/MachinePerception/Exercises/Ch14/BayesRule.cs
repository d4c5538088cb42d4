using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch14;

/// <summary>
/// §14 (appendix): Bayes' rule P(A | B) = P(B | A) P(A) / P(B) on a diagnostic test, where P(B) comes from the
/// law of total probability over "ill" and "healthy".
/// </summary>
[Exercise(14, "bayes-rule", "Bayes' rule for a diagnostic test")]
public sealed class BayesRule : NumericExercise
{
    readonly double prevalence, sensitivity, falseAlarm;

    public BayesRule(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        prevalence = new[] { 0.002, 0.005, 0.01, 0.02, 0.05, 0.1 }[rng.NextInt(6)];
        sensitivity = 0.80 + 0.01 * rng.NextInt(20);   // 0.80 … 0.99
        falseAlarm = 0.01 * rng.NextInt(1, 16);         // 0.01 … 0.15
    }

    protected override int[] AnswerShape => [];

    protected override Prose Pose() => new Prose()
        .Text($"A disease affects {Prose.Number(100 * prevalence)} % of a population. A test detects it in " +
              $"{Prose.Number(100 * sensitivity)} % of ill people and raises a false alarm for {Prose.Number(100 * falseAlarm)} % of healthy people.")
        .Text("A person tests positive. What is the probability that they are ill, P(ill | positive)? Give a number in [0, 1].");

    // P(positive) by the law of total probability: ill and positive, or healthy and positive
    double Evidence => sensitivity * prevalence + falseAlarm * (1 - prevalence);

    internal override double[] Reference() => [sensitivity * prevalence / Evidence];

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("confused P(positive | ill) with P(ill | positive)",
            "The sensitivity is P(positive | ill); Bayes' rule turns it around: P(ill | positive) = P(positive | ill) P(ill) / P(positive).",
            [sensitivity]);
        yield return Wrong("forgot to divide by P(positive)",
            "P(positive | ill) P(ill) is the joint probability P(ill, positive); divide by the evidence P(positive).",
            [sensitivity * prevalence]);
        yield return Wrong("left the false alarms out of P(positive)",
            "P(positive) = P(positive | ill) P(ill) + P(positive | healthy) P(healthy): healthy people test positive too.",
            [sensitivity * prevalence / (sensitivity * prevalence)]);
        yield return Wrong("forgot the prior P(ill)",
            "Weigh each likelihood by its prior: with equal priors you get P(+|ill)/(P(+|ill) + P(+|healthy)), which ignores how rare the disease is.",
            [sensitivity / (sensitivity + falseAlarm)]);
        yield return Wrong("used the false-alarm rate for healthy people in the numerator",
            "The numerator is the ill branch, P(positive | ill) P(ill).",
            [falseAlarm * (1 - prevalence) / Evidence]);
    }

    protected override Prose Solve()
    {
        double joint = sensitivity * prevalence;
        return new Prose()
            .Text($"P(positive) = P(+|ill)P(ill) + P(+|healthy)P(healthy) = {Prose.Number(sensitivity)}·{Prose.Number(prevalence)} + " +
                  $"{Prose.Number(falseAlarm)}·{Prose.Number(1 - prevalence)} = {Prose.Number(Evidence)}.")
            .Text($"P(ill | positive) = P(+|ill)P(ill) / P(positive) = {Prose.Number(joint)} / {Prose.Number(Evidence)} = **{Prose.Number(joint / Evidence)}**.")
            .Text("The test is good, yet most positives are false alarms when the disease is rare: the prior matters.");
    }
}
