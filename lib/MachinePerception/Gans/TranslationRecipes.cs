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

/// <summary>
/// What the image-translation checkpoints of chapter 05 share (§5.2): the 8,000 training digits of data/mnist turned into
/// domains by <see cref="DigitDomains"/>, batches of 32 in a seeded order, Adam 2·10⁻⁴ with β₁ = 0.5 for every network, and
/// networks of 16 channels. Evaluation uses the 2,000 test digits.
/// </summary>
public abstract class TranslationRecipe : TrainingRecipe
{
    public const int Channels = 16, BatchSize = 32, TestImages = 2000;
    public const double LearningRate = 2e-4;

    public override string Chapter => "05";
    public override int DefaultSteps => 1500;
    public override int LogEvery => 50;
    public override int VerifySteps => 50;

    public override IReadOnlyList<string> DataFiles =>
        [.. new[] { Split.Train, Split.Test }.SelectMany(s => new[] { true, false }.Select(labels => "data/mnist/" + IdxDataset.FileName(s, labels)))];

    protected JsonObject CommonConfiguration(string task) => new()
    {
        ["task"] = task, ["channels"] = Channels, ["batch"] = BatchSize, ["optimizer"] = "Adam lr 2e-4 beta1 0.5",
        ["data"] = "data/mnist (8,000 train, 2,000 test)",
    };

    protected static Adam NewAdam(Module m) => new(m.Parameters(), LearningRate, beta1: 0.5);

    protected static void SetGradients(Tensor loss, Tensor[] parameters)
    {
        var grads = Autograd.Grad([loss], parameters);
        for (int i = 0; i < parameters.Length; i++) parameters[i].Grad = grads[i];
    }

    /// <summary>The first <paramref name="count"/> test digits and their labels (the metrics use <see cref="TestImages"/>).</summary>
    public static LabeledImages Test(int count = TestImages) => Mnist.Load(Split.Test, take: count);

    /// <summary>The recorded metrics: <see cref="Evaluate(Module, LabeledImages)"/> on the first <see cref="TestImages"/> test digits.</summary>
    public override IReadOnlyDictionary<string, double> Evaluate(Module model) => Evaluate(model, Test());

    /// <summary>The metrics on the given test digits (a quick look uses fewer than the recorded metrics).</summary>
    public abstract IReadOnlyDictionary<string, double> Evaluate(Module model, LabeledImages test);
}

/// <summary>The checkpoint <c>pix2pix-edges</c>: Pix2Pix from edge maps to digits (λ = 100). Loss log: the discriminator's loss.</summary>
public sealed class Pix2PixRecipe : TranslationRecipe
{
    public override string Name => "pix2pix-edges";
    public override string Description => "Pix2Pix: MNIST edge maps → digits (U-Net, PatchGAN, GAN + 100·L1)";
    public override JsonObject Configuration
    {
        get { var c = CommonConfiguration("edges → digits"); c["l1_weight"] = 100; return c; }
    }

    public override Module CreateModel() => new Pix2Pix(Channels, new Rng(Seed));

    /// <summary>Test L1 error and PSNR of G(edges) against the digits, and the judge's accuracy on G(edges).</summary>
    public override IReadOnlyDictionary<string, double> Evaluate(Module model, LabeledImages test)
    {
        var pix = (Pix2Pix)model;
        var output = GanSampling.Generate(pix.Generator, DigitDomains.Edges(test.Images));
        return new Dictionary<string, double>
        {
            ["test_l1"] = Losses.L1(output, test.Images).Item(),
            ["test_psnr_db"] = GanInversion.Psnr(output, test.Images).Average(),
            ["judge_accuracy"] = SampleJudge.LoadMnist().Accuracy(output, test.Labels),
        };
    }

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((Pix2Pix)model, Seed);

    sealed class Trainer(Pix2Pix pix, ulong seed) : ITrainer
    {
        readonly BatchStream batches = new(new DataLoader(Mnist.Load(Split.Train).Images, null, BatchSize, seed: seed + 1, lastBatch: LastBatch.Drop));
        readonly Adam g = NewAdam(pix.Generator), d = NewAdam(pix.Discriminator);

        public double Step()
        {
            var y = batches.Next().Inputs;
            var x = DigitDomains.Edges(y);
            var generated = pix.Translate(x);
            var dLoss = pix.DiscriminatorLoss(x, y, generated);
            SetGradients(dLoss, pix.Discriminator.Parameters());
            d.Step();
            SetGradients(pix.GeneratorLoss(x, y, generated).Total, pix.Generator.Parameters());
            g.Step();
            return dLoss.Item();
        }
    }
}

/// <summary>
/// The checkpoint <c>cyclegan-thickness</c>: CycleGAN between digits as written (X: the first 4,000 training digits) and
/// thick digits (Y: the other 4,000, dilated) — unpaired: no training digit appears in both domains. Loss log: both
/// discriminators' losses. Metrics on the test digits, where the true pairs are known: the round-trip (cycle) errors, the L1
/// distance of G(x) to the true thick version of x (and, for scale, of x itself), and the judge's accuracy on G(x).
/// </summary>
public sealed class CycleGanRecipe : TranslationRecipe
{
    public override string Name => "cyclegan-thickness";
    public override string Description => "CycleGAN: MNIST digits ↔ thick digits, unpaired (cycle λ = 10, identity λ = 5)";
    public override JsonObject Configuration
    {
        get { var c = CommonConfiguration("digits ↔ thick digits, unpaired halves"); c["cycle_weight"] = 10; c["identity_weight"] = 5; return c; }
    }

    public override Module CreateModel() => new CycleGan(Channels, new Rng(Seed));

    public override IReadOnlyDictionary<string, double> Evaluate(Module model, LabeledImages test)
    {
        var cycle = (CycleGan)model;
        var thin = test.Images;
        var thick = DigitDomains.Thick(test.Images);
        var translated = GanSampling.Generate(cycle.ToY, thin);
        return new Dictionary<string, double>
        {
            ["cycle_error_x"] = cycle.CycleErrorX(thin),
            ["cycle_error_y"] = cycle.CycleErrorY(thick),
            ["l1_to_true_thick"] = Losses.L1(translated, thick).Item(),
            ["l1_input_to_thick"] = Losses.L1(thin, thick).Item(),
            ["judge_accuracy"] = SampleJudge.LoadMnist().Accuracy(translated, test.Labels),
        };
    }

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((CycleGan)model, Seed);

    sealed class Trainer : ITrainer
    {
        readonly CycleGan cycle;
        readonly BatchStream xs, ys;
        readonly Adam generators, discriminators;

        public Trainer(CycleGan cycle, ulong seed)
        {
            this.cycle = cycle;
            var train = Mnist.Load(Split.Train).Images;
            int half = train.Shape[0] / 2;
            xs = new BatchStream(new DataLoader(Op.Slice(train, 0, 0, half), null, BatchSize, seed: seed + 1, lastBatch: LastBatch.Drop));
            ys = new BatchStream(new DataLoader(DigitDomains.Thick(Op.Slice(train, 0, half, half)), null, BatchSize, seed: seed + 2, lastBatch: LastBatch.Drop));
            generators = new Adam([.. cycle.ToY.Parameters(), .. cycle.ToX.Parameters()], LearningRate, beta1: 0.5);
            discriminators = new Adam([.. cycle.DiscriminatorY.Parameters(), .. cycle.DiscriminatorX.Parameters()], LearningRate, beta1: 0.5);
        }

        public double Step()
        {
            var x = xs.Next().Inputs;
            var y = ys.Next().Inputs;
            var fakeY = cycle.ToY.Forward(x);
            var fakeX = cycle.ToX.Forward(y);
            var dLoss = cycle.DiscriminatorLoss(x, y, fakeY, fakeX);
            SetGradients(dLoss, [.. cycle.DiscriminatorY.Parameters(), .. cycle.DiscriminatorX.Parameters()]);
            discriminators.Step();
            SetGradients(cycle.GeneratorLoss(x, y, fakeY, fakeX).Total, [.. cycle.ToY.Parameters(), .. cycle.ToX.Parameters()]);
            generators.Step();
            return dLoss.Item();
        }
    }
}

/// <summary>
/// The checkpoint <c>bicyclegan-edges</c>: BicycleGAN from edge maps to digits with an 8-dimensional code. Loss log: the
/// discriminator's loss. Metrics: the diversity of outputs for one input (mean pairwise L1 over 6 random codes, 500 test edge
/// maps), the L1 error when the code is encoded from the true digit, and the judge's accuracy on outputs from random codes.
/// </summary>
public sealed class BicycleGanRecipe : TranslationRecipe
{
    public const int CodeSize = 8;

    public override string Name => "bicyclegan-edges";
    public override string Description => "BicycleGAN: MNIST edge maps → digits with a noise code (cVAE-GAN + cLR-GAN)";
    public override JsonObject Configuration
    {
        get { var c = CommonConfiguration("edges → digits, with a code"); c["code"] = CodeSize; c["l1_weight"] = 10; c["kl_weight"] = 0.01; c["latent_weight"] = 0.5; return c; }
    }

    public override Module CreateModel() => new BicycleGan(Channels, CodeSize, new Rng(Seed));

    public override IReadOnlyDictionary<string, double> Evaluate(Module model, LabeledImages test)
    {
        var bicycle = (BicycleGan)model;
        var edges = DigitDomains.Edges(test.Images);
        bicycle.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var encoded = bicycle.Translate(edges, bicycle.Encoder.Forward(test.Images));
            var random = bicycle.Translate(edges, new Rng(11).Normal([test.Count, CodeSize]));
            return new Dictionary<string, double>
            {
                ["diversity_l1"] = bicycle.Diversity(Op.Slice(edges, 0, 0, Math.Min(500, test.Count)), 6, new Rng(12)),
                ["encoded_l1"] = Losses.L1(encoded, test.Images).Item(),
                ["judge_accuracy_random_code"] = SampleJudge.LoadMnist().Accuracy(random, test.Labels),
            };
        }
        finally { bicycle.Train(); }
    }

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((BicycleGan)model, Seed);

    sealed class Trainer(BicycleGan bicycle, ulong seed) : ITrainer
    {
        readonly BatchStream batches = new(new DataLoader(Mnist.Load(Split.Train).Images, null, BatchSize, seed: seed + 1, lastBatch: LastBatch.Drop));
        readonly Rng rng = new(seed + 2);
        readonly Adam generator = new([.. bicycle.Generator.Parameters(), .. bicycle.Encoder.Parameters()], LearningRate, beta1: 0.5);
        readonly Adam discriminator = NewAdam(bicycle.Discriminator);

        public double Step()
        {
            var y = batches.Next().Inputs;
            var x = DigitDomains.Edges(y);
            var fakes = bicycle.Generate(x, y, rng.Normal([BatchSize, CodeSize]), rng.Normal([BatchSize, CodeSize]));
            var dLoss = bicycle.DiscriminatorLoss(x, y, fakes);
            SetGradients(dLoss, bicycle.Discriminator.Parameters());
            discriminator.Step();
            SetGradients(bicycle.GeneratorLoss(x, y, fakes).Total, [.. bicycle.Generator.Parameters(), .. bicycle.Encoder.Parameters()]);
            generator.Step();
            return dLoss.Item();
        }
    }
}
