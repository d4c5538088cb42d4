using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch09;

/// <summary>
/// §9.3 shape space by PCA, T = Sβ + μ: for a toy "mesh" of four coordinates, a mean μ and two orthonormal shape
/// directions S, the coefficients β = Sᵀ(T − μ) of a new body T and its reconstruction T̂ = μ + Sβ.
/// Answer: six numbers, β₁, β₂ then T̂₁ … T̂₄.
/// </summary>
[Exercise(9, "pca-shape-reconstruction", "Shape coefficients and reconstruction in a PCA shape space")]
public sealed class PcaShapeReconstruction : NumericExercise
{
    // the Hadamard directions (±1 entries / 2): orthonormal, so Sᵀ S = I and the arithmetic stays short
    static readonly double[][] Directions = [[0.5, 0.5, 0.5, 0.5], [0.5, -0.5, 0.5, -0.5], [0.5, 0.5, -0.5, -0.5], [0.5, -0.5, -0.5, 0.5]];

    readonly double[] mean = new double[4], body = new double[4];
    readonly double[][] s = new double[2][];

    public PcaShapeReconstruction(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        var order = rng.Permutation(4);
        for (int c = 0; c < 2; c++)
        {
            double sign = rng.NextInt(2) == 0 ? 1 : -1;                  // one sign per direction: S stays orthonormal
            s[c] = Directions[order[c]].Select(v => sign * v).ToArray();
        }
        var residualDirection = Directions[order[2]];
        for (int i = 0; i < 4; i++) mean[i] = rng.NextInt(-4, 5);
        double b1, b2, off;
        do { b1 = rng.NextInt(-6, 7); b2 = rng.NextInt(-6, 7); off = rng.NextInt(-2, 3); }
        while (b1 == 0 || b2 == 0 || off == 0 || Math.Abs(b1) == Math.Abs(b2));
        for (int i = 0; i < 4; i++) body[i] = mean[i] + b1 * s[0][i] + b2 * s[1][i] + off * residualDirection[i];
    }

    static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    double[] Answer(double[] beta, bool addMean = true) =>
        [.. beta, .. Enumerable.Range(0, 4).Select(i => (addMean ? mean[i] : 0) + beta[0] * s[0][i] + beta[1] * s[1][i])];

    protected override int[] AnswerShape => [6];

    protected override Prose Pose() => new Prose()
        .Text("A shape space (§9.3, T = Sβ + μ) for bodies described by four coordinates: the mean body μ and two orthonormal shape directions s₁, s₂ (the columns of S):")
        .Vector("μ =", mean)
        .Vector("s₁ =", s[0])
        .Vector("s₂ =", s[1])
        .Vector("A new body T =", body)
        .Text("Give its shape coefficients β = Sᵀ(T − μ) and its reconstruction T̂ = μ + Sβ: six numbers, β₁, β₂, T̂₁, T̂₂, T̂₃, T̂₄.");

    double[] Beta(double[] x) => [Dot(s[0], x), Dot(s[1], x)];

    internal override double[] Reference() => Answer(Beta(body.Zip(mean, (a, m) => a - m).ToArray()));

    internal override IEnumerable<Mistake> Mistakes()
    {
        var centred = body.Zip(mean, (a, m) => a - m).ToArray();
        yield return Wrong("forgot to subtract the mean", "The coefficients measure T − μ along the directions: β = Sᵀ(T − μ), not SᵀT.", Answer(Beta(body)));
        yield return Wrong("forgot to add the mean back", "The reconstruction is μ + Sβ: the shape directions only describe the difference from the mean body.",
            Answer(Beta(centred), addMean: false));
        yield return Wrong("took the body itself as its reconstruction", "T̂ = μ + Sβ keeps only the part of T − μ that lies in the span of S; the rest is what two directions cannot express.",
            [.. Beta(centred), .. body]);
    }

    protected override Prose Solve()
    {
        var centred = body.Zip(mean, (a, m) => a - m).ToArray();
        var beta = Beta(centred);
        var answer = Reference();
        return new Prose()
            .Vector("T − μ =", centred)
            .Text($"β₁ = s₁·(T − μ) = {Prose.Number(beta[0])}, β₂ = s₂·(T − μ) = {Prose.Number(beta[1])}")
            .Vector("T̂ = μ + β₁ s₁ + β₂ s₂ =", answer[2..])
            .Text($"T − T̂ = ({string.Join(", ", body.Zip(answer[2..], (a, r) => Prose.Number(a - r)))}) is perpendicular to both directions: PCA's reconstruction is the orthogonal projection onto the shape space.");
    }
}
