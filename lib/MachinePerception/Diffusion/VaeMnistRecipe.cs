using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The checkpoint <c>vae-mnist</c> (§6.2): chapter 02's <see cref="Vae"/> (one hidden layer of 256, J = 16 latents,
/// Bernoulli decoder, β = 1) on the binarised MNIST digits of data/mnist: the autoencoder whose latent space
/// <see cref="LatentDiffusionRecipe"/> diffuses in. Adam with cosine decay. Metric: the test ELBO in nats per image.
/// </summary>
public sealed class VaeMnistRecipe : TrainingRecipe
{
    public const int Hidden = 256, Latents = 16;
    const int BatchSize = 128;
    const double LearningRate = 1e-3;

    public override string Name => "vae-mnist";
    public override string Chapter => "06";
    public override string Description => "chapter 02's VAE (784-256-16, Bernoulli decoder) on binarised MNIST digits: the autoencoder of latent diffusion";
    public override int DefaultSteps => 3000;
    public override int LogEvery => 50;
    public override int VerifySteps => 100;

    public override JsonObject Configuration => new()
    {
        ["model"] = "Vae", ["hidden"] = Hidden, ["latents"] = Latents, ["beta"] = 1, ["binarised"] = 0.5,
        ["optimizer"] = "Adam", ["learning_rate"] = LearningRate, ["schedule"] = "cosine", ["batch"] = BatchSize,
    };

    public override IReadOnlyList<string> DataFiles =>
        [.. new[] { Split.Train, Split.Test }.Select(s => "data/mnist/" + IdxDataset.FileName(s, false))];

    public override Module CreateModel() => new Vae(784, Hidden, Latents, new Rng(Seed));

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((Vae)model, totalSteps, Seed);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var test = VaeTraining.Binarize(Mnist.Load(Split.Test).Images);
        var scores = VaeTraining.Evaluate((Vae)model, test, new Rng(Seed + 100));
        return new Dictionary<string, double> { ["test_elbo_nats"] = scores.Elbo, ["test_kl_nats"] = scores.Kl };
    }

    sealed class Trainer : ITrainer
    {
        readonly Vae model;
        readonly Adam adam;
        readonly CosineDecay schedule;
        readonly DataLoader loader;
        readonly Rng rng;
        IEnumerator<Batch>? batches;
        int epoch = -1, step;

        public Trainer(Vae model, int totalSteps, ulong seed)
        {
            this.model = model;
            loader = new DataLoader(VaeTraining.Binarize(Mnist.Load(Split.Train).Images), null, BatchSize, seed: seed + 1, lastBatch: LastBatch.Drop);
            adam = new Adam(model.Parameters(), LearningRate);
            schedule = new CosineDecay(LearningRate, totalSteps);
            rng = new Rng(seed + 2);
        }

        public double Step()
        {
            while (batches is null || !batches.MoveNext()) batches = loader.Epoch(++epoch).GetEnumerator();
            var device = model.Parameters()[0].Device;
            schedule.Apply(adam, step++);
            adam.ZeroGrad();
            var loss = model.Loss(batches.Current.Inputs.To(device), rng).Loss;
            loss.Backward();
            adam.Step();
            return loss.Item();
        }
    }
}
