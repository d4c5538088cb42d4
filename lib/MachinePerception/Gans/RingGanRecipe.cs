using System.Globalization;
using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>Three GANs of one kind, each from its own seed, in one module (one checkpoint holds all three).</summary>
public sealed class RingGanSeeds : Module
{
    public IReadOnlyList<UnrolledGan> Gans { get; }

    public RingGanSeeds(IEnumerable<UnrolledGan> gans)
    {
        var list = gans.ToList();
        for (int i = 0; i < list.Count; i++) RegisterModule("seed" + (i + 1).ToString(CultureInfo.InvariantCulture), list[i]);
        Gans = list;
    }
}

/// <summary>
/// The mode-collapse experiment of §5 (chapter 05): MLP GANs (two hidden ReLU layers of 64, z ∈ ℝ¹⁶) on the ring of 8
/// Gaussians (radius 2, σ = 0.02), batch 128, Adam (β₁ = 0.5) with learning rates 10⁻³ for G and 10⁻⁴ for D decaying by a
/// cosine to 10 %, trained from three seeds at once. <see cref="UnrollSteps"/> = 0 is the plain GAN, 5 the unrolled GAN
/// (look-ahead gradient steps of size 0.05). The loss log is the mean of the three discriminator losses. Metrics per seed:
/// modes covered (≥ 1 of 2,500 samples within 3σ of the centre) and the fraction of samples within 3σ of a centre.
/// </summary>
public abstract class RingGanRecipe : TrainingRecipe
{
    public const int Seeds = 3, Hidden = 64, LatentSize = 16, BatchSize = 128, EvaluationSamples = 2500;
    public const double GeneratorRate = 1e-3, DiscriminatorRate = 1e-4, UnrollRate = 0.05;

    /// <summary>k, the unrolled discriminator updates per generator step (0: a plain GAN).</summary>
    public abstract int UnrollSteps { get; }

    public override string Chapter => "05";
    public override int DefaultSteps => 4000;
    public override int LogEvery => 50;
    public override int VerifySteps => 50;

    public override JsonObject Configuration => new()
    {
        ["data"] = "ring of 8 Gaussians, radius 2, std 0.02", ["seeds"] = Seeds, ["hidden"] = Hidden, ["latent"] = LatentSize,
        ["batch"] = BatchSize, ["lr_g"] = GeneratorRate, ["lr_d"] = DiscriminatorRate, ["adam_beta1"] = 0.5,
        ["schedule"] = "cosine to 10%", ["unroll_steps"] = UnrollSteps, ["unroll_lr"] = UnrollRate, ["generator_loss"] = "non-saturating",
    };

    public override IReadOnlyList<string> DataFiles => [];

    public override Module CreateModel() =>
        new RingGanSeeds(Enumerable.Range(1, Seeds).Select(s => new UnrolledGan(LatentSize, Hidden, UnrollSteps, UnrollRate, new Rng((ulong)(100 * (int)Seed + s)))));

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((RingGanSeeds)model, totalSteps, Seed);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var metrics = new Dictionary<string, double>();
        var gans = ((RingGanSeeds)model).Gans;
        for (int i = 0; i < gans.Count; i++)
        {
            var coverage = Toy.CountModes(gans[i].Sample(EvaluationSamples, new Rng(1000 + i)));
            metrics[$"modes_seed{i + 1}"] = coverage.Covered;
            metrics[$"high_quality_seed{i + 1}"] = coverage.HighQualityFraction;
        }
        metrics["modes_min"] = Enumerable.Range(1, gans.Count).Min(i => metrics[$"modes_seed{i}"]);
        metrics["high_quality_min"] = Enumerable.Range(1, gans.Count).Min(i => metrics[$"high_quality_seed{i}"]);
        return metrics;
    }

    sealed class Trainer(RingGanSeeds model, int totalSteps, ulong seed) : ITrainer
    {
        readonly UnrolledGanTrainer[] trainers = model.Gans.Select((g, i) =>
            new UnrolledGanTrainer(g, BatchSize, GeneratorRate, DiscriminatorRate, totalSteps, new Rng(seed * 7919 + (ulong)i))).ToArray();

        public double Step() => trainers.Average(t => t.Step());
    }
}

/// <summary>The plain GAN on the ring of 8 Gaussians, three seeds (checkpoint <c>gan-ring</c>).</summary>
public sealed class PlainRingGanRecipe : RingGanRecipe
{
    public override string Name => "gan-ring";
    public override string Description => "three plain GANs (MLP, non-saturating loss) on the ring of 8 Gaussians: mode collapse";
    public override int UnrollSteps => 0;
}

/// <summary>The unrolled GAN (k = 5) on the ring of 8 Gaussians, three seeds (checkpoint <c>unrolled-gan-ring</c>).</summary>
public sealed class UnrolledRingGanRecipe : RingGanRecipe
{
    public override string Name => "unrolled-gan-ring";
    public override string Description => "three unrolled GANs (k = 5) on the ring of 8 Gaussians: all modes";
    public override int UnrollSteps => 5;
}
