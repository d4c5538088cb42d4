using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch06;

/// <summary>
/// §6.1: the classifier-free guided noise estimate ε̂ = (1 + w) ε_c − w ε_∅ from a conditional and an unconditional
/// prediction and a guidance weight w.
/// </summary>
[Exercise(6, "guided-noise", "The guided noise estimate")]
public sealed class GuidedNoise : NumericExercise
{
    readonly double w;
    readonly double[] conditional = new double[4], unconditional = new double[4];

    public GuidedNoise(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        w = new[] { 0.5, 1.5, 2, 3, 4 }[rng.NextInt(5)];
        for (int i = 0; i < 4; i++)
        {
            conditional[i] = Math.Round(-1.5 + 3 * rng.NextDouble(), 2);
            // different from ε_c everywhere, so that every formula gives a different answer
            do unconditional[i] = Math.Round(-1.5 + 3 * rng.NextDouble(), 2);
            while (Math.Abs(unconditional[i] - conditional[i]) < 0.2);
        }
    }

    protected override int[] AnswerShape => [4];

    protected override Prose Pose() => new Prose()
        .Text($"A diffusion model trained with label dropout predicts, for the same x_t and t, the noise with the class label (ε_c) and without it (ε_∅). The guidance weight is w = {Prose.Number(w)}.")
        .Vector("ε_c =", conditional)
        .Vector("ε_∅ =", unconditional)
        .Text("Give the classifier-free guided estimate ε̂ that the sampler uses.");

    double[] Mix(double a, double b) => Enumerable.Range(0, 4).Select(i => a * conditional[i] + b * unconditional[i]).ToArray();

    // the reference steps from the conditional prediction along the direction ε_c − ε_∅ by w
    internal override double[] Reference() => Enumerable.Range(0, 4).Select(i => conditional[i] + w * (conditional[i] - unconditional[i])).ToArray();

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("interpolated instead of extrapolated", "w ε_c + (1 − w) ε_∅ interpolates between the two for w ≤ 1; guidance moves beyond ε_c: (1 + w) ε_c − w ε_∅.", Mix(w, 1 - w));
        yield return Wrong("added the unconditional prediction", "The unconditional prediction is subtracted: the guidance direction is ε_c − ε_∅.", Mix(1 + w, w));
        yield return Wrong("dropped the 1 in (1 + w)", "With weight w on ε_c and −w on ε_∅ only the difference is left; the estimate is ε_c plus w times the difference.", Mix(w, -w));
        yield return Wrong("swapped the roles", "Guidance pushes towards the class: ε̂ = (1 + w) ε_c − w ε_∅, not (1 + w) ε_∅ − w ε_c.", Mix(-w, 1 + w));
    }

    protected override Prose Solve() => new Prose()
        .Text($"ε̂ = (1 + w) ε_c − w ε_∅ = ε_c + w (ε_c − ε_∅) with w = {Prose.Number(w)}:")
        .Vector("ε_c − ε_∅ =", Enumerable.Range(0, 4).Select(i => conditional[i] - unconditional[i]).ToArray())
        .Vector("ε̂ =", Reference());
}
