using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch02;

/// <summary>
/// §2 reparameterization: z = μ + σ ⊙ ε with σ = exp(½ log σ²), for a given encoder output and noise ε (J = 3), and the
/// derivative the encoder's log-variance head receives, ∂z_j/∂(log σ²_j) = ½ σ_j ε_j. Answer: a 2×3 matrix [z; ∂z/∂log σ²].
/// </summary>
[Exercise(2, "reparameterized-sample", "The reparameterized sample and its derivative")]
public sealed class ReparameterizedSample : NumericExercise
{
    readonly double[] mean = new double[3], logVariance = new double[3], epsilon = new double[3];

    public ReparameterizedSample(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        for (int j = 0; j < 3; j++)
        {
            mean[j] = Math.Round(-2 + 4 * rng.NextDouble(), 1);
            do logVariance[j] = Math.Round(-2 + 3 * rng.NextDouble(), 1);
            while (Math.Abs(logVariance[j]) < 0.3);
            do epsilon[j] = Math.Round(rng.NextNormal(), 2);
            while (Math.Abs(epsilon[j]) < 0.2);
        }
    }

    protected override int[] AnswerShape => [2, 3];

    protected override Prose Pose() => new Prose()
        .Text("A VAE's encoder outputs μ and log σ² of q(z | x) = N(μ, diag σ²), and the noise ε ~ N(0, I) has been drawn:")
        .Vector("μ =", mean)
        .Vector("log σ² =", logVariance)
        .Vector("ε =", epsilon)
        .Text("Give a 2×3 matrix: first row the reparameterized sample z = μ + σ ⊙ ε, second row the derivatives ∂z_j/∂(log σ²_j) that backpropagation sends to the log-variance head.");

    double[] Answer(Func<int, double> sigma, Func<int, double> derivative, bool withMean = true) =>
        [.. Enumerable.Range(0, 3).Select(j => (withMean ? mean[j] : 0) + sigma(j) * epsilon[j]), .. Enumerable.Range(0, 3).Select(derivative)];

    // the derivative by central differences of z_j(log σ²_j), independent of the chain-rule formula
    internal override double[] Reference()
    {
        double Z(int j, double lv) => mean[j] + Math.Sqrt(Math.Exp(lv)) * epsilon[j];
        const double h = 1e-5;
        return Answer(j => Math.Sqrt(Math.Exp(logVariance[j])), j => (Z(j, logVariance[j] + h) - Z(j, logVariance[j] - h)) / (2 * h));
    }

    double Sigma(int j) => Math.Exp(0.5 * logVariance[j]);

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("used σ² instead of σ", "The noise is scaled by the standard deviation σ = exp(½ log σ²), not by the variance.",
            Answer(j => Math.Exp(logVariance[j]), j => Math.Exp(logVariance[j]) * epsilon[j]));
        yield return Wrong("forgot the ½ of the chain rule", "σ = exp(½ log σ²), so ∂σ/∂(log σ²) = ½σ and ∂z/∂(log σ²) = ½ σ ε.",
            Answer(Sigma, j => Sigma(j) * epsilon[j]));
        yield return Wrong("read log σ² as log σ", "The head outputs log σ²: σ = exp(½ log σ²), not exp(log σ²).",
            Answer(j => Math.Exp(logVariance[j]), j => Math.Exp(logVariance[j]) * epsilon[j] * 0.5));
        yield return Wrong("forgot the mean", "z = μ + σ ε: the noise is scaled and then shifted by μ.",
            Answer(Sigma, j => 0.5 * Sigma(j) * epsilon[j], withMean: false));
        yield return Wrong("used log σ² itself as σ", "log σ² is the encoder's output, not the scale: σ = exp(½ log σ²).",
            Answer(j => logVariance[j], j => epsilon[j]));
    }

    protected override Prose Solve()
    {
        var prose = new Prose().Text("σ_j = exp(½ log σ²_j), z_j = μ_j + σ_j ε_j, and since ∂σ_j/∂(log σ²_j) = ½ σ_j, ∂z_j/∂(log σ²_j) = ½ σ_j ε_j.");
        for (int j = 0; j < 3; j++)
            prose.Text($"j = {j + 1}: σ = exp(½·{Prose.Number(logVariance[j])}) = {Prose.Number(Sigma(j))}, z = {Prose.Number(mean[j])} + {Prose.Number(Sigma(j))}·{Prose.Number(epsilon[j])} = **{Prose.Number(mean[j] + Sigma(j) * epsilon[j])}**, ∂z/∂log σ² = **{Prose.Number(0.5 * Sigma(j) * epsilon[j])}**");
        var r = Reference();
        var answer = new double[2, 3];
        for (int j = 0; j < 3; j++) (answer[0, j], answer[1, j]) = (r[j], r[3 + j]);
        return prose.Matrix("[z; ∂z/∂log σ²] =", answer)
            .Text("Because ε is drawn independently of (μ, log σ²), these derivatives flow through the sample to the encoder: that is the point of the reparameterization.");
    }
}
