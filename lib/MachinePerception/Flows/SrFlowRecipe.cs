using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// The SRFlow of chapter 04 (§4) as a shipped checkpoint: p(x_28×28 | x_14×14) for MNIST digits, a conditional Glow
/// (2 levels × K steps with affine injectors) trained on the 8,000 training digits; reported as conditional bits per
/// dimension on the 2,000 test digits and, on the first 100, the PSNR of the mean of 8 samples against bicubic
/// upsampling. <c>book train srflow-mnist</c>.
/// </summary>
public sealed class SrFlowRecipe : TrainingRecipe
{
    public const int StepsPerLevel = 4, Hidden = 32, FeatureChannels = 8, BatchSize = 32, WarmupSteps = 100;
    public const double LearningRate = 2e-3, LogitAlpha = 1e-6, ClipNorm = 50, Temperature = 0.8;
    public const int PsnrImages = 100, SamplesPerImage = 8;

    public override string Name => "srflow-mnist";
    public override string Chapter => "04";
    public override string Description => $"SRFlow, 14×14 → 28×28 MNIST digits, conditional Glow 2 levels × {StepsPerLevel} steps with affine injectors; conditional bits/dim, PSNR of the mean sample";
    public override int DefaultSteps => 2000;
    public override int LogEvery => 10;
    public override int VerifySteps => 20;
    public override ulong Seed => 2;

    public override JsonObject Configuration => new()
    {
        ["model"] = "SrFlow", ["levels"] = 2, ["steps_per_level"] = StepsPerLevel, ["hidden"] = Hidden, ["feature_channels"] = FeatureChannels,
        ["low_resolution"] = "2x2 average", ["coupling_scale"] = "tanh, bound 2", ["convolution"] = "LU", ["logit_alpha"] = LogitAlpha,
        ["batch_size"] = BatchSize, ["learning_rate"] = LearningRate, ["warmup_steps"] = WarmupSteps, ["schedule"] = "cosine to 1/10",
        ["clip_norm"] = ClipNorm, ["actnorm_init_batch"] = 256, ["test_dequantization_seed"] = 12345,
        ["psnr_images"] = PsnrImages, ["samples_per_image"] = SamplesPerImage, ["temperature"] = Temperature,
    };

    public override IReadOnlyList<string> DataFiles => ["data/mnist/train-images-idx3-ubyte.gz", "data/mnist/t10k-images-idx3-ubyte.gz"];

    public override Module CreateModel() => new SrFlow(StepsPerLevel, Hidden, FeatureChannels, new Rng(Seed), LogitAlpha);

    public override ITrainer CreateTrainer(Module model, int totalSteps)
    {
        var sr = (SrFlow)model;
        return new DequantizedImageTrainer(sr, (y, x, _) => sr.LogProb(y, SuperResolution.Downsample(x)), Mnist.Load(Split.Train).Images,
            BatchSize, LearningRate, WarmupSteps, totalSteps, ClipNorm, new Rng(Seed + 1), initializationBatch: 256);
    }

    /// <summary>The PSNR of the mean of several samples and of bicubic upsampling, and the samples' spread, on <paramref name="images"/>.</summary>
    public static (double Mean, double Bicubic, double Diversity) Compare(SrFlow model, Tensor images, int samplesPerImage, double temperature, Rng rng)
    {
        using var _ = Autodiff.Autograd.NoGrad();
        var low = SuperResolution.Downsample(images);
        var samples = model.Sample(low, samplesPerImage, temperature, rng);                    // [B·k, 1, 28, 28]
        var mean = Op.Mean(Op.Reshape(samples, images.Shape[0], samplesPerImage, 1, 28, 28), 1);
        return (SuperResolution.Psnr(mean, images), SuperResolution.Psnr(SuperResolution.Bicubic(low, 2), images),
            SuperResolution.Diversity(samples, samplesPerImage));
    }

    public override IReadOnlyDictionary<string, double> Evaluate(Module model) =>
        Measure((SrFlow)model, Mnist.Load(Split.Test).Images, PsnrImages, SamplesPerImage);

    /// <summary>The metrics of <see cref="Evaluate"/> on any set of digits, PSNR on the first <paramref name="psnrImages"/> (the chapter's smoke run uses fewer).</summary>
    public static IReadOnlyDictionary<string, double> Measure(SrFlow sr, Tensor images, int psnrImages, int samplesPerImage)
    {
        double meanLogDensity = Dequantization.MeanLogDensity((y, x) => sr.LogProb(y, SuperResolution.Downsample(x)), images, new Rng(12345));
        var (mean, bicubic, diversity) = Compare(sr, Op.Slice(images, 0, 0, psnrImages), samplesPerImage, Temperature, new Rng(54321));
        return new Dictionary<string, double>
        {
            ["test_conditional_bits_per_dim"] = Dequantization.BitsPerDim(meanLogDensity, 784),
            ["psnr_mean_sample_db"] = mean,
            ["psnr_bicubic_db"] = bicubic,
            ["sample_std"] = diversity,
        };
    }
}
