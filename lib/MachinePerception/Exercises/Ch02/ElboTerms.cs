using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch02;

/// <summary>
/// §2: the two terms of a VAE's ELBO for one image, from a given encoder output (μ, log σ²) (J = 2) and the Bernoulli
/// decoder's pixel probabilities at the sampled z (4 pixels): the reconstruction term log p(x | z) = Σ_d x_d log p_d +
/// (1 − x_d) log(1 − p_d) and KL(q(z | x) ‖ N(0, I)) = ½ Σ_j (σ²_j + μ²_j − 1 − log σ²_j). Answer: [log p(x | z), KL].
/// </summary>
[Exercise(2, "elbo-terms", "The ELBO's two terms for one image")]
public sealed class ElboTerms : NumericExercise
{
    readonly double[] mean = new double[2], logVariance = new double[2], x = new double[4], p = new double[4];

    public ElboTerms(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        for (int j = 0; j < 2; j++)
        {
            mean[j] = Math.Round(-1.5 + 3 * rng.NextDouble(), 1);
            // log σ² away from 0, so that reading it as log σ changes the answer
            do logVariance[j] = Math.Round(-2 + 3 * rng.NextDouble(), 1);
            while (Math.Abs(logVariance[j]) < 0.3);
        }
        do for (int d = 0; d < 4; d++) x[d] = rng.NextInt(2);
        while (x.All(v => v == 1) || x.All(v => v == 0)); // both pixel values, so both halves of the log-likelihood matter
        for (int d = 0; d < 4; d++) p[d] = Math.Round(0.05 + 0.9 * rng.NextDouble(), 2);
    }

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text("A VAE with J = 2 latents and a Bernoulli decoder sees a 4-pixel binary image x. Its encoder outputs the mean and the log-variance of q(z | x) = N(μ, diag σ²):")
        .Vector("μ =", mean)
        .Vector("log σ² =", logVariance)
        .Text("For the sampled z the decoder gives the pixel probabilities p_d = p(x_d = 1 | z):")
        .Vector("x =", x)
        .Vector("p =", p)
        .Text("Give [log p(x | z), KL(q(z | x) ‖ N(0, I))] in nats (the one-sample ELBO is their difference).");

    double LogLikelihood(bool onlyOnes = false)
    {
        double s = 0;
        for (int d = 0; d < 4; d++) s += x[d] * Math.Log(p[d]) + (onlyOnes ? 0 : (1 - x[d]) * Math.Log(1 - p[d]));
        return s;
    }

    // KL(N(μ, diag σ²) ‖ N(0, I)) summed over the latents; variance(j) supplies σ²_j and logVar(j) the log σ²_j in the formula
    double Kl(Func<int, double> variance, Func<int, double> logVar, double factor = 0.5)
    {
        double s = 0;
        for (int j = 0; j < 2; j++) s += factor * (variance(j) + mean[j] * mean[j] - 1 - logVar(j));
        return s;
    }

    // the reference integrates q log(q/p) per latent (the KL of a diagonal Gaussian is a sum over latents) with Simpson's rule
    internal override double[] Reference()
    {
        double kl = 0;
        for (int j = 0; j < 2; j++)
        {
            double v = Math.Exp(logVariance[j]), sd = Math.Sqrt(v), lo = mean[j] - 12 * sd, h = 24 * sd / 4000;
            for (int i = 0; i <= 4000; i++)
            {
                double z = lo + i * h;
                double logQ = -0.5 * Math.Log(2 * Math.PI * v) - (z - mean[j]) * (z - mean[j]) / (2 * v);
                double logP = -0.5 * Math.Log(2 * Math.PI) - z * z / 2;
                double w = i == 0 || i == 4000 ? 1 : i % 2 == 1 ? 4 : 2;
                kl += w * Math.Exp(logQ) * (logQ - logP) * h / 3;
            }
        }
        return [LogLikelihood(), kl];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        double kl = Kl(j => Math.Exp(logVariance[j]), j => logVariance[j]);
        yield return Wrong("read log σ² as log σ", "The encoder outputs log σ²: σ² = exp(log σ²), not exp(2·log σ²).",
            [LogLikelihood(), Kl(j => Math.Exp(2 * logVariance[j]), j => 2 * logVariance[j])]);
        yield return Wrong("missing the ½ in the KL", "KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1 − log σ²) per latent: keep the ½.",
            [LogLikelihood(), Kl(j => Math.Exp(logVariance[j]), j => logVariance[j], factor: 1)]);
        yield return Wrong("gave −KL instead of KL", "The KL is ≥ 0; the summary's formula ½ Σ(1 + log σ² − μ² − σ²) is −KL, the term as it enters the ELBO.",
            [LogLikelihood(), -kl]);
        yield return Wrong("gave the reconstruction loss instead of the log-likelihood", "log p(x | z) is a log-probability, so ≤ 0; the binary cross-entropy is its negative.",
            [-LogLikelihood(), kl]);
        yield return Wrong("dropped the (1 − x) log(1 − p) term", "Pixels with x_d = 0 contribute log(1 − p_d): the decoder must also predict the dark pixels.",
            [LogLikelihood(onlyOnes: true), kl]);
        yield return Wrong("used log σ² as the variance", "σ² = exp(log σ²); the log-variance itself can be negative and is not a variance.",
            [LogLikelihood(), Kl(j => logVariance[j], j => logVariance[j])]);
    }

    protected override Prose Solve()
    {
        var prose = new Prose().Text("Reconstruction term: each pixel adds log p_d if x_d = 1 and log(1 − p_d) if x_d = 0.");
        for (int d = 0; d < 4; d++)
            prose.Text(x[d] == 1 ? $"pixel {d + 1}: ln {Prose.Number(p[d])} = {Prose.Number(Math.Log(p[d]))}"
                                 : $"pixel {d + 1}: ln(1 − {Prose.Number(p[d])}) = {Prose.Number(Math.Log(1 - p[d]))}");
        prose.Text($"log p(x | z) = **{Prose.Number(LogLikelihood())}**.");
        prose.Text("KL term: σ²_j = exp(log σ²_j), and KL = ½ Σ_j (σ²_j + μ²_j − 1 − log σ²_j).");
        for (int j = 0; j < 2; j++)
        {
            double v = Math.Exp(logVariance[j]);
            prose.Text($"latent {j + 1}: ½({Prose.Number(v)} + {Prose.Number(mean[j] * mean[j])} − 1 − ({Prose.Number(logVariance[j])})) = {Prose.Number(0.5 * (v + mean[j] * mean[j] - 1 - logVariance[j]))}");
        }
        double kl = Kl(j => Math.Exp(logVariance[j]), j => logVariance[j]);
        return prose.Text($"KL = **{Prose.Number(kl)}**; the one-sample ELBO is {Prose.Number(LogLikelihood())} − {Prose.Number(kl)} = {Prose.Number(LogLikelihood() - kl)}.");
    }
}
