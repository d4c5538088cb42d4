using System.Text.Json.Nodes;
using MachinePerception.Autodiff;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>A style-based generator and its discriminator in one module (one checkpoint holds both).</summary>
public sealed class StyleGanPair : Module
{
    public StyleGenerator Generator { get; }
    public DcganDiscriminator Discriminator { get; }

    public StyleGanPair(StyleGenerator generator, DcganDiscriminator discriminator)
    {
        Generator = RegisterModule("generator", generator);
        Discriminator = RegisterModule("discriminator", discriminator);
    }
}

/// <summary>
/// The checkpoint <c>stylegan-mnist</c> (§5, StyleGAN's ideas at small scale): a <see cref="StyleGenerator"/> (z, w ∈ ℝ³², a
/// 3-layer mapping network, 16 channels at 7×7 and 14×14, 8 at 28×28, fresh noise images every step) against the DCGAN
/// discriminator without batch norm and with the minibatch standard deviation feature (against the plain DCGAN discriminator
/// this generator collapsed onto one image), non-saturating loss, Adam 2·10⁻⁴, β₁ = 0.5, on the 8,000 training digits. Metrics: the judge's view of
/// 2,000 samples and what style mixing keeps: the share of mixed images (coarse block from one code, the two fine blocks
/// from another) that the judge gives the class of the coarse code's image.
/// </summary>
public sealed class StyleGanRecipe : TrainingRecipe
{
    public const int LatentSize = 32, StyleSize = 32, Channels = 16, DiscriminatorChannels = 16, BatchSize = 64;
    public const double LearningRate = 2e-4;

    public override string Name => "stylegan-mnist";
    public override string Chapter => "05";
    public override string Description => "a small style-based generator (mapping network, AdaIN, per-layer noise) on MNIST digits";
    public override int DefaultSteps => 2500;
    public override int LogEvery => 50;
    public override int VerifySteps => 50;

    public override JsonObject Configuration => new()
    {
        ["latent"] = LatentSize, ["style"] = StyleSize, ["mapping_depth"] = 3, ["channels"] = Channels,
        ["discriminator_channels"] = DiscriminatorChannels, ["discriminator"] = "DCGAN without batch norm, with minibatch std", ["batch"] = BatchSize, ["loss"] = "non-saturating GAN",
        ["optimizer"] = "Adam lr 2e-4 beta1 0.5", ["data"] = "data/mnist train (8,000 digits)",
    };

    public override IReadOnlyList<string> DataFiles => ["data/mnist/" + IdxDataset.FileName(Split.Train, false)];

    public override Module CreateModel()
    {
        var rng = new Rng(Seed);
        return new StyleGanPair(new StyleGenerator(LatentSize, StyleSize, Channels, rng), new DcganDiscriminator(DiscriminatorChannels, rng, batchNorm: false, minibatchStd: true));
    }

    /// <summary>Images from codes z with noise images drawn from <paramref name="noiseRng"/>, without gradients.</summary>
    public static Tensor Sample(StyleGenerator g, Tensor z, Rng noiseRng)
    {
        using var _ = Autograd.NoGrad();
        return g.Synthesize(g.Mapping.Forward(z), noiseRng);
    }

    /// <summary>Style mixing: the coarse (7×7) block styled by w of <paramref name="coarse"/>, the 14×14 and 28×28 blocks by w of <paramref name="fine"/>.</summary>
    public static Tensor Mix(StyleGenerator g, Tensor coarse, Tensor fine, Rng noiseRng)
    {
        using var _ = Autograd.NoGrad();
        var wc = g.Mapping.Forward(coarse);
        var wf = g.Mapping.Forward(fine);
        return g.Synthesize([wc, wf, wf], StyleGenerator.Noise(coarse.Shape[0], noiseRng, coarse.DType));
    }

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var g = ((StyleGanPair)model).Generator;
        var judge = SampleJudge.LoadMnist();
        var codes = MnistGanRecipe.EvaluationCodes(MnistGanRecipe.EvaluationSamples);
        var images = Sample(g, codes, new Rng(7));
        var histogram = judge.ClassHistogram(images);
        int half = MnistGanRecipe.EvaluationSamples / 2;
        var a = Op.Slice(codes, 0, 0, half);
        var b = Op.Slice(codes, 0, half, half);
        var mixedClasses = judge.Classify(Mix(g, a, b, new Rng(8)));
        var coarseClasses = judge.Classify(Sample(g, a, new Rng(8)));
        var fineClasses = judge.Classify(Sample(g, b, new Rng(8)));
        return new Dictionary<string, double>
        {
            ["class_share_min"] = histogram.Min(),
            ["class_share_max"] = histogram.Max(),
            ["confident_fraction"] = judge.ConfidentFraction(images),
            ["frechet_distance"] = judge.FrechetDistance(images, Mnist.Load(Split.Test).Images),
            ["mixed_class_from_coarse"] = mixedClasses.Zip(coarseClasses).Count(p => p.First == p.Second) / (double)half,
            ["mixed_class_from_fine"] = mixedClasses.Zip(fineClasses).Count(p => p.First == p.Second) / (double)half,
        };
    }

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((StyleGanPair)model, Seed);

    sealed class Trainer(StyleGanPair pair, ulong seed) : ITrainer
    {
        readonly BatchStream batches = new(new DataLoader(Mnist.Load(Split.Train).Images, null, BatchSize, seed: seed + 1, lastBatch: LastBatch.Drop));
        readonly Rng rng = new(seed + 2);
        readonly Adam generatorOptimizer = new(pair.Generator.Parameters(), LearningRate, beta1: 0.5);
        readonly Adam discriminatorOptimizer = new(pair.Discriminator.Parameters(), LearningRate, beta1: 0.5);

        static void SetGradients(Tensor loss, Tensor[] parameters)
        {
            var grads = Autograd.Grad([loss], parameters);
            for (int i = 0; i < parameters.Length; i++) parameters[i].Grad = grads[i];
        }

        public double Step()
        {
            var g = pair.Generator;
            var real = batches.Next().Inputs;
            var fake = g.Synthesize(g.Mapping.Forward(rng.Normal([BatchSize, LatentSize])), rng);
            var dLoss = GanLosses.Discriminator(pair.Discriminator.Forward(real), pair.Discriminator.Forward(fake.Detach()));
            SetGradients(dLoss, pair.Discriminator.Parameters());
            discriminatorOptimizer.Step();
            SetGradients(GanLosses.GeneratorNonSaturating(pair.Discriminator.Forward(fake)), g.Parameters());
            generatorOptimizer.Step();
            return dLoss.Item();
        }
    }
}
