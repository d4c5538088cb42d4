using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch08;

/// <summary>
/// §8.2 NeRF forward pass on one ray: α_i = 1 − exp(−σ_i δ_i), T_i = Π_{j&lt;i}(1 − α_j), w_i = T_i α_i for four samples.
/// Answer: a 3 × 4 matrix, rows α, T, w.
/// </summary>
[Exercise(8, "volume-rendering-weights", "Opacity, transmittance and weights along a ray")]
public sealed class VolumeRenderingWeights : NumericExercise
{
    readonly double[] sigma;
    readonly double delta;

    public VolumeRenderingWeights(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        sigma = Enumerable.Range(0, 4).Select(_ => 0.5 * rng.NextInt(0, 9)).ToArray();
        if (sigma.All(s => s == 0)) sigma[1] = 1.5;
        delta = 0.25 * rng.NextInt(1, 5);
    }

    protected override int[] AnswerShape => [3, 4];
    protected override Tolerance Tolerance => new(1e-6, 1e-4);

    protected override Prose Pose() => new Prose()
        .Text($"A ray is sampled at four points, each δ = {Prose.Number(delta)} apart, where a NeRF predicts the densities σ = ({string.Join(", ", sigma.Select(Prose.Number))}).")
        .Text("Compute for each sample the opacity α_i = 1 − exp(−σ_i δ), the transmittance T_i = Π_{j<i} (1 − α_j) and the weight w_i = T_i α_i.")
        .Text("Answer with a 3 × 4 matrix: the row of α, the row of T, the row of w (4 significant digits are enough).");

    static double[] Rows(double[] alpha, double[] t, double[] w) => [.. alpha, .. t, .. w];

    double[] Alpha => sigma.Select(s => 1 - Math.Exp(-s * delta)).ToArray();

    static double[] Transmittance(double[] alpha, bool inclusive)
    {
        var t = new double[alpha.Length];
        double product = 1;
        for (int i = 0; i < alpha.Length; i++)
        {
            if (inclusive) product *= 1 - alpha[i];
            t[i] = product;
            if (!inclusive) product *= 1 - alpha[i];
        }
        return t;
    }

    internal override double[] Reference()
    {
        var alpha = Alpha;
        var t = Transmittance(alpha, inclusive: false);
        return Rows(alpha, t, alpha.Zip(t, (a, b) => a * b).ToArray());
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        var alpha = Alpha;
        var t = Transmittance(alpha, false);
        var inclusive = Transmittance(alpha, true);
        yield return Wrong("included sample i in its own transmittance",
            "T_i multiplies (1 − α_j) over the samples before i only (j < i): the light must reach sample i, not pass it.",
            Rows(alpha, inclusive, alpha.Zip(inclusive, (a, b) => a * b).ToArray()));
        var linear = sigma.Select(s => s * delta).ToArray();
        var tl = Transmittance(linear, false);
        yield return Wrong("used α = σδ", "α = 1 − exp(−σδ), the probability of being stopped within δ; σδ is only its first-order approximation.",
            Rows(linear, tl, linear.Zip(tl, (a, b) => a * b).ToArray()));
        yield return Wrong("weights without the transmittance", "A sample hidden behind opaque ones contributes nothing: w_i = T_i α_i, not α_i.", Rows(alpha, t, alpha));
    }

    protected override Prose Solve()
    {
        var r = Reference();
        return new Prose()
            .Text($"α_i = 1 − exp(−σ_i · {Prose.Number(delta)}) = ({string.Join(", ", r[..4].Select(Prose.Number))}).")
            .Text($"T₁ = 1 (nothing before the first sample); T_{{i+1}} = T_i (1 − α_i): T = ({string.Join(", ", r[4..8].Select(Prose.Number))}).")
            .Text($"w_i = T_i α_i = **({string.Join(", ", r[8..].Select(Prose.Number))})**; their sum {Prose.Number(r[8..].Sum())} = 1 − T₅, the ray's opacity.")
            .Matrix("answer (rows α, T, w)", new double[,] { { r[0], r[1], r[2], r[3] }, { r[4], r[5], r[6], r[7] }, { r[8], r[9], r[10], r[11] } });
    }
}
