using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// The Glow of chapter 04 (§4) as a shipped checkpoint: L = 2 levels × K steps on the 8,000 MNIST training digits,
/// uniformly dequantized, logit pre-processing; reported as bits per dimension on the 2,000 test digits.
/// <c>book train glow-mnist</c>.
/// </summary>
public sealed class GlowRecipe : TrainingRecipe
{
    public const int Levels = 2, StepsPerLevel = 6, Hidden = 48, BatchSize = 32, WarmupSteps = 100;
    public const double LearningRate = 2e-3, LogitAlpha = 1e-6, ClipNorm = 50;

    public override string Name => "glow-mnist";
    public override string Chapter => "04";
    public override string Description => $"Glow, {Levels} levels × {StepsPerLevel} steps, on the 8,000 MNIST training digits (dequantized, logit); bits/dim on the 2,000 test digits";
    public override int DefaultSteps => 3000;
    public override int LogEvery => 10;
    public override int VerifySteps => 20;

    public override JsonObject Configuration => new()
    {
        ["model"] = "Glow", ["levels"] = Levels, ["steps_per_level"] = StepsPerLevel, ["hidden"] = Hidden,
        ["coupling_scale"] = "tanh, bound 2", ["convolution"] = "LU", ["logit_alpha"] = LogitAlpha,
        ["batch_size"] = BatchSize, ["learning_rate"] = LearningRate, ["warmup_steps"] = WarmupSteps, ["schedule"] = "cosine to 1/10",
        ["clip_norm"] = ClipNorm, ["actnorm_init_batch"] = 256, ["test_dequantization_seed"] = 12345,
    };

    public override IReadOnlyList<string> DataFiles => ["data/mnist/train-images-idx3-ubyte.gz", "data/mnist/t10k-images-idx3-ubyte.gz"];

    public override Module CreateModel() => new Glow(1, 28, 28, Levels, StepsPerLevel, Hidden, new Rng(Seed), logitAlpha: LogitAlpha);

    public override ITrainer CreateTrainer(Module model, int totalSteps)
    {
        var glow = (Glow)model;
        return new DequantizedImageTrainer(glow, (y, _, _) => glow.LogProb(y), Mnist.Load(Split.Train).Images, BatchSize, LearningRate,
            WarmupSteps, totalSteps, ClipNorm, new Rng(Seed + 1), initializationBatch: 256);
    }

    /// <summary>Bits per dimension on the 2,000 test digits, each dequantized once with a fixed seed.</summary>
    public override IReadOnlyDictionary<string, double> Evaluate(Module model) => Measure((Glow)model, Mnist.Load(Split.Test).Images);

    /// <summary>The metrics of <see cref="Evaluate"/> on any set of digits [N, 1, 28, 28] (the chapter's smoke run uses the first 200).</summary>
    public static IReadOnlyDictionary<string, double> Measure(Glow glow, Tensor images)
    {
        double meanLogDensity = Dequantization.MeanLogDensity(y => glow.LogProb(y), images, new Rng(12345));
        return new Dictionary<string, double>
        {
            ["test_bits_per_dim"] = Dequantization.BitsPerDim(meanLogDensity, 784),
            ["test_nll_nats"] = -(meanLogDensity - 784 * Math.Log(Dequantization.Levels)),
        };
    }
}
