using System.Text.Json.Nodes;
using MachinePerception.Autodiff;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// What the MNIST GAN checkpoints of chapter 05 share: a <see cref="DcganGenerator"/> (z ∈ ℝ³², channels 32 → 16) and a
/// discriminator or critic (<see cref="DcganDiscriminator"/>, channels 16 → 32) in one <see cref="GanPair"/>, the 8,000
/// training digits of data/mnist in shuffled batches of 64, and the judged metrics of 2,000 samples (fixed codes): the
/// class histogram's smallest and largest share, the confident fraction and the Fréchet distance in the judge's features
/// to the 2,000 test digits.
/// </summary>
public abstract class MnistGanRecipe : TrainingRecipe
{
    public const int LatentSize = 32, GeneratorChannels = 8, DiscriminatorChannels = 16, BatchSize = 64, EvaluationSamples = 2000;

    public override string Chapter => "05";
    public override int LogEvery => 50;
    public override int VerifySteps => 50;

    /// <summary>Batch normalisation in the discriminator (DCGAN) or not (the WGAN-GP critic).</summary>
    protected abstract bool DiscriminatorBatchNorm { get; }

    protected JsonObject CommonConfiguration() => new()
    {
        ["latent"] = LatentSize, ["generator_channels"] = GeneratorChannels, ["discriminator_channels"] = DiscriminatorChannels,
        ["discriminator_batch_norm"] = DiscriminatorBatchNorm, ["batch"] = BatchSize, ["data"] = "data/mnist train (8,000 digits)",
    };

    public override IReadOnlyList<string> DataFiles => ["data/mnist/" + IdxDataset.FileName(Split.Train, false)];

    public override Module CreateModel()
    {
        var rng = new Rng(Seed);
        return new GanPair(new DcganGenerator(LatentSize, GeneratorChannels, rng), new DcganDiscriminator(DiscriminatorChannels, rng, DiscriminatorBatchNorm));
    }

    /// <summary>The codes of the evaluation samples (the same for every evaluation).</summary>
    public static Tensor EvaluationCodes(int n = EvaluationSamples) => new Rng(2024).Normal([n, LatentSize]);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model) =>
        JudgedMetrics(SampleJudge.LoadMnist(), ((GanPair)model).Generator, Mnist.Load(Split.Test).Images);

    /// <summary>The judge's view of a generator's samples (codes from <see cref="EvaluationCodes"/>) against real images.</summary>
    public static Dictionary<string, double> JudgedMetrics(SampleJudge judge, Layer generator, Tensor reference, int samples = EvaluationSamples)
    {
        var images = GanSampling.Generate(generator, EvaluationCodes(samples));
        var histogram = judge.ClassHistogram(images);
        return new Dictionary<string, double>
        {
            ["class_share_min"] = histogram.Min(),
            ["class_share_max"] = histogram.Max(),
            ["confident_fraction"] = judge.ConfidentFraction(images),
            ["frechet_distance"] = judge.FrechetDistance(images, reference),
        };
    }

    /// <summary>Shuffled training batches (seeded), moved to the model's device.</summary>
    protected static BatchStream TrainingBatches(ulong seed) =>
        new(new DataLoader(Mnist.Load(Split.Train).Images, null, BatchSize, seed: seed, lastBatch: LastBatch.Drop));

    /// <summary>Writes the gradients of <paramref name="loss"/> for <paramref name="parameters"/> into their Grad (nothing else is touched).</summary>
    protected static void SetGradients(Tensor loss, Tensor[] parameters)
    {
        var grads = Autograd.Grad([loss], parameters);
        for (int i = 0; i < parameters.Length; i++) parameters[i].Grad = grads[i];
    }
}

/// <summary>
/// The checkpoint <c>dcgan-mnist</c> (§5 DCGAN): the non-saturating GAN loss, one discriminator step per generator step,
/// Adam with learning rate 2·10⁻⁴ and β₁ = 0.5 as in the DCGAN paper. The loss log is the discriminator's loss −V(G, D)
/// (log 4 ≈ 1.386 at the equilibrium D = ½).
/// </summary>
public sealed class DcganRecipe : MnistGanRecipe
{
    public const double LearningRate = 2e-4;

    public override string Name => "dcgan-mnist";
    public override string Description => "DCGAN on MNIST digits (transposed convolutions, batch norm in G, LeakyReLU in D)";
    public override int DefaultSteps => 3000;
    protected override bool DiscriminatorBatchNorm => true;

    public override JsonObject Configuration
    {
        get
        {
            var c = CommonConfiguration();
            c["loss"] = "non-saturating GAN";
            c["optimizer"] = "Adam lr 2e-4 beta1 0.5";
            c["discriminator_steps"] = 1;
            return c;
        }
    }

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((GanPair)model, Seed);

    sealed class Trainer(GanPair pair, ulong seed) : ITrainer
    {
        readonly BatchStream batches = TrainingBatches(seed + 1);
        readonly Rng rng = new(seed + 2);
        readonly Adam generatorOptimizer = new(pair.Generator.Parameters(), LearningRate, beta1: 0.5);
        readonly Adam discriminatorOptimizer = new(pair.Discriminator.Parameters(), LearningRate, beta1: 0.5);

        public double Step()
        {
            var device = pair.Parameters()[0].Device;
            var real = batches.Next().Inputs.To(device);
            var fake = pair.Generator.Forward(rng.Normal([BatchSize, LatentSize]).To(device));
            // D: maximise V on real and (detached) fake images
            var dLoss = GanLosses.Discriminator(pair.Discriminator.Forward(real), pair.Discriminator.Forward(fake.Detach()));
            SetGradients(dLoss, pair.Discriminator.Parameters());
            discriminatorOptimizer.Step();
            // G: the non-saturating loss on the same fakes, through the updated D
            SetGradients(GanLosses.GeneratorNonSaturating(pair.Discriminator.Forward(fake)), pair.Generator.Parameters());
            generatorOptimizer.Step();
            return dLoss.Item();
        }
    }
}

/// <summary>
/// The checkpoint <c>wgan-gp-mnist</c> (§5 WGAN-GP): the critic (the DCGAN discriminator without batch norm) minimises
/// E C(G(z)) − E C(x) + 10·E(‖∇C(x̃)‖ − 1)², <see cref="CriticSteps"/> critic steps per generator step, Adam with learning rate
/// 10⁻⁴ and β = (0, 0.9) as in the WGAN-GP paper. A step is one generator step; the loss log is the critic's estimate of the
/// Wasserstein distance, E C(x) − E C(G(z)), of the step's last critic batch.
/// </summary>
public sealed class WganGpRecipe : MnistGanRecipe
{
    public const double LearningRate = 1e-4, PenaltyWeight = 10;
    public const int CriticSteps = 3;

    public override string Name => "wgan-gp-mnist";
    public override string Description => "WGAN-GP on MNIST digits (critic without batch norm, gradient penalty λ = 10)";
    public override int DefaultSteps => 2000;
    public override int LogEvery => 25;
    public override int VerifySteps => 25;
    protected override bool DiscriminatorBatchNorm => false;

    public override JsonObject Configuration
    {
        get
        {
            var c = CommonConfiguration();
            c["loss"] = "Wasserstein with gradient penalty";
            c["penalty_weight"] = PenaltyWeight;
            c["optimizer"] = "Adam lr 1e-4 betas (0, 0.9)";
            c["critic_steps"] = CriticSteps;
            return c;
        }
    }

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((GanPair)model, Seed);

    sealed class Trainer(GanPair pair, ulong seed) : ITrainer
    {
        readonly BatchStream batches = TrainingBatches(seed + 1);
        readonly Rng rng = new(seed + 2);
        readonly Adam generatorOptimizer = new(pair.Generator.Parameters(), LearningRate, beta1: 0, beta2: 0.9);
        readonly Adam criticOptimizer = new(pair.Discriminator.Parameters(), LearningRate, beta1: 0, beta2: 0.9);

        public double Step()
        {
            var device = pair.Parameters()[0].Device;
            var critic = pair.Discriminator;
            double distance = 0;
            for (int c = 0; c < CriticSteps; c++)
            {
                var real = batches.Next().Inputs.To(device);
                Tensor fake;
                using (Autograd.NoGrad()) fake = pair.Generator.Forward(rng.Normal([BatchSize, LatentSize]).To(device));
                var gap = GanLosses.Critic(critic.Forward(real), critic.Forward(fake));
                var loss = gap + WganGp.GradientPenalty(critic.Forward, real, fake, rng, PenaltyWeight);
                SetGradients(loss, critic.Parameters());
                criticOptimizer.Step();
                distance = -gap.Item();
            }
            var scores = critic.Forward(pair.Generator.Forward(rng.Normal([BatchSize, LatentSize]).To(device)));
            SetGradients(GanLosses.WassersteinGenerator(scores), pair.Generator.Parameters());
            generatorOptimizer.Step();
            return distance;
        }
    }
}
