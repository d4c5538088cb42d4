using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch01;

/// <summary>
/// §1 (taxonomy of generative models): which family has a given property (explicit tractable, explicit approximate by a
/// variational bound or by Markov chains, implicit direct or by Markov chains). The property, the three distractors and
/// the option order are drawn from the seed.
/// </summary>
[Exercise(1, "taxonomy-choice", "Which family of generative models?")]
public sealed class TaxonomyChoice : ChoiceExercise
{
    static readonly string[] Names =
        ["variational autoencoder", "diffusion model", "Boltzmann machine", "autoregressive model (e.g. PixelCNN)",
         "normalizing flow", "generative adversarial network", "generative stochastic network"];

    // where §1 puts each family, said as the reason an option is wrong when it does not have the asked property
    static readonly string[] Facts =
    [
        "a VAE has an explicit but intractable density: it maximises a variational lower bound (ELBO) with an encoder q(z | x)",
        "a diffusion model has an explicit, approximate density: it is trained with a variational bound and generates by reversing a gradual noising process",
        "a Boltzmann machine has an explicit density whose normaliser is intractable; the expectations it needs are approximated by Markov-chain sampling",
        "an autoregressive model has an explicit, tractable density: log p(x) = Σᵢ log p(xᵢ | x₁, …, xᵢ₋₁), exactly",
        "a normalizing flow has an explicit, tractable density: the change of variables with the Jacobian determinant of an invertible network",
        "a GAN has an implicit density: its generator samples in one pass, and p(x) is never written down",
        "a generative stochastic network has an implicit density: it samples as the stationary distribution of a learned Markov chain",
    ];

    static readonly string[] Properties =
    [
        "is trained by maximising a variational lower bound on log p(x), with an encoder that outputs q(z | x)",
        "generates by reversing a gradual noising process and is trained with a variational bound",
        "has an explicit density whose expectations are approximated by running a Markov chain",
        "computes log p(x) exactly as a sum of log-conditionals, one variable at a time",
        "computes log p(x) exactly through an invertible network and the log-determinant of its Jacobian",
        "never writes down p(x): a generator network produces a sample in a single pass",
        "never writes down p(x): samples are the states of a learned Markov chain after it has mixed",
    ];

    readonly int answer;
    readonly int[] shown; // indices into Names, in the order shown

    public TaxonomyChoice(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        answer = rng.NextInt(Names.Length);
        var others = rng.Permutation(Names.Length).Where(i => i != answer).Take(3).ToList();
        others.Add(answer);
        var order = rng.Permutation(4);
        shown = order.Select(i => others[i]).ToArray();
    }

    protected override IReadOnlyList<(string Option, string? WhyWrong)> Options =>
        shown.Select(k => (Names[k], k == answer ? null : (string?)$"Not this one: {Facts[k]} (§1).")).ToList();

    protected override Prose Pose() => new Prose()
        .Text($"Which family of generative models {Properties[answer]}? (§1, the taxonomy)")
        .Text(OptionLines);

    protected override Prose Solve()
    {
        var prose = new Prose().Text("The summary's taxonomy (§1): explicit density, either tractable (autoregressive models, normalizing flows) or " +
            "approximate (variational: VAE, diffusion; Markov chain: Boltzmann machine), or implicit density (direct: GAN; Markov chain: GSN).");
        foreach (int k in shown) prose.Text("• " + Facts[k]);
        return prose.Text($"Answer: **{(char)('a' + Array.IndexOf(shown, answer))}) {Names[answer]}**.");
    }
}
