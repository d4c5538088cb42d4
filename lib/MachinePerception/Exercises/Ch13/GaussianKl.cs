using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch13;

/// <summary>
/// §13 "KL for ELBO": KL(N(μ, diag σ²) ‖ N(0, I)) = −½ Σ_j (1 + log σ²_j − μ²_j − σ²_j) for a given encoder output.
/// </summary>
[Exercise(13, "gaussian-kl", "The KL term of a VAE")]
public sealed class GaussianKl : NumericExercise
{
    static readonly double[] Variances = [0.25, 0.5, 2, 4, 0.1, 1.5];
    readonly double[] mu, var2;

    public GaussianKl(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        int j = rng.NextInt(2, 4);
        mu = new double[j];
        var2 = new double[j];
        for (int i = 0; i < j; i++)
        {
            mu[i] = 0.5 * (rng.NextInt(7) - 3);                  // −1.5 … 1.5
            var2[i] = Variances[rng.NextInt(Variances.Length)];
        }
    }

    internal double[] Mean => (double[])mu.Clone();
    internal double[] Variance => (double[])var2.Clone();

    protected override int[] AnswerShape => [];

    protected override Prose Pose() => new Prose()
        .Text($"A VAE's encoder outputs q(z | x) = N(μ, diag σ²) in J = {mu.Length} dimensions, with")
        .Vector("μ =", mu)
        .Vector("σ² =", var2)
        .Text("The prior is p(z) = N(0, I). Compute D_KL(q(z | x) ‖ p(z)) in nats (one number, at least 5 significant digits).");

    static double Kl(double[] m, double[] v, Func<double, double, double> term) => m.Zip(v, term).Sum();

    internal override double[] Reference() => [Kl(mu, var2, (m, v) => 0.5 * (m * m + v - 1 - Math.Log(v)))];

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("gave −KL (the term as it appears in the ELBO)", "−D_KL = ½ Σ (1 + log σ² − μ² − σ²) is what the ELBO adds; the divergence itself is its negative and never below 0.", [-Reference()[0]]);
        yield return Wrong("used log σ instead of log σ²", "The closed form has log σ²_j: the encoder's variance, not its standard deviation.", [Kl(mu, var2, (m, v) => 0.5 * (m * m + v - 1 - Math.Log(Math.Sqrt(v))))]);
        yield return Wrong("forgot the factor ½", "Each dimension contributes ½ (μ² + σ² − 1 − log σ²).", [Kl(mu, var2, (m, v) => m * m + v - 1 - Math.Log(v))]);
        yield return Wrong("dropped the 1", "The 1 comes from ∫ q log q = −(J/2) log 2π − ½ Σ (log σ² + 1): the expected squared standardised distance is 1 per dimension.", [Kl(mu, var2, (m, v) => 0.5 * (m * m + v - Math.Log(v)))]);
        yield return Wrong("used the summary's ∫ q log q with +(J/2) log 2π", "∫ q log q = −(J/2) log 2π − ½ Σ (log σ² + 1); with the sign slip the log 2π terms no longer cancel and J log 2π is left over.", [Reference()[0] + mu.Length * Math.Log(2 * Math.PI)]);
    }

    protected override Prose Solve()
    {
        var prose = new Prose().Text("Per dimension, ½ (μ² + σ² − 1 − log σ²):");
        for (int i = 0; i < mu.Length; i++)
            prose.Text($"j = {i + 1}: ½ ({Prose.Number(mu[i] * mu[i])} + {Prose.Number(var2[i])} − 1 − {Prose.Number(Math.Log(var2[i]))}) = {Prose.Number(0.5 * (mu[i] * mu[i] + var2[i] - 1 - Math.Log(var2[i])))}");
        return prose.Text($"Sum: D_KL = **{Prose.Number(Reference()[0])}** nats.");
    }
}
