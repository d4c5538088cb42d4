using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The checkpoint <c>latent-diffusion-mnist</c> (§6.2): an <see cref="MlpDenoiser"/> (3 hidden layers of 256) trained
/// with the ε-prediction loss on the linear schedule (T = 1000) on the scaled VAE codes of the MNIST training digits, the
/// VAE being the shipped <c>vae-mnist</c> (its file is part of this recipe's data). Adam with warm-up and cosine decay.
/// Metrics: the sample judge's verdict on 100 decoded samples (DDIM, 20 steps) against the test set.
/// </summary>
public sealed class LatentDiffusionRecipe : TrainingRecipe
{
    const int Hidden = 256, Layers = 3, BatchSize = 256, Warmup = 100;
    const double LearningRate = 1e-3;

    public override string Name => "latent-diffusion-mnist";
    public override string Chapter => "06";
    public override string Description => "a noise predictor (MLP) in the 16-D latent space of vae-mnist: latent diffusion of MNIST digits";
    public override int DefaultSteps => 8000;
    public override int LogEvery => 100;
    public override int VerifySteps => 200;

    public override JsonObject Configuration => new()
    {
        ["denoiser"] = "MlpDenoiser", ["hidden"] = Hidden, ["layers"] = Layers, ["time_features"] = 32, ["autoencoder"] = "vae-mnist",
        ["codes"] = "encoder mean / std", ["schedule"] = "linear", ["T"] = 1000, ["beta"] = new JsonArray(1e-4, 0.02), ["loss"] = "epsilon-mse",
        ["optimizer"] = "Adam", ["learning_rate"] = LearningRate, ["warmup"] = Warmup, ["decay"] = "cosine", ["batch"] = BatchSize,
    };

    public override IReadOnlyList<string> DataFiles =>
        [.. new[] { Split.Train, Split.Test }.Select(s => "data/mnist/" + IdxDataset.FileName(s, false)), "data/checkpoints/vae-mnist.mpck"];

    public override Module CreateModel()
    {
        var vae = (Vae)Checkpoint.Load(new VaeMnistRecipe()).Model;
        double scale = LatentDiffusion.CodeScale(vae, Mnist.Load(Split.Train).Images);
        return new LatentDiffusion(vae, new MlpDenoiser(vae.LatentSize, Hidden, Layers, new Rng(Seed)), scale);
    }

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((LatentDiffusion)model, totalSteps, Seed);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var (judge, reference) = DigitSamples.MnistJudge;
        var samples = ((LatentDiffusion)model).Sample(DdpmMnistRecipe.Schedule, 100, 20, new Rng(Seed + 100));
        var report = DigitSamples.Judge(judge, samples, reference);
        return new Dictionary<string, double> { ["frechet_distance"] = report.FrechetDistance, ["confident_fraction"] = report.ConfidentFraction };
    }

    sealed class Trainer : ITrainer
    {
        readonly LatentDiffusion model;
        readonly Adam adam;
        readonly LearningRateSchedule rate;
        readonly DataLoader loader;
        readonly NoiseSchedule schedule = DdpmMnistRecipe.Schedule;
        readonly Rng rng;
        IEnumerator<Batch>? batches;
        int epoch = -1, step;

        public Trainer(LatentDiffusion model, int totalSteps, ulong seed)
        {
            this.model = model;
            loader = new DataLoader(model.Encode(Mnist.Load(Split.Train).Images), null, BatchSize, seed: seed + 1, lastBatch: LastBatch.Drop);
            adam = new Adam(model.Denoiser.Parameters(), LearningRate);
            rate = new LinearWarmup(Warmup, new CosineDecay(LearningRate, Math.Max(totalSteps - Warmup, 1)));
            rng = new Rng(seed + 2);
        }

        public double Step()
        {
            while (batches is null || !batches.MoveNext()) batches = loader.Epoch(++epoch).GetEnumerator();
            var device = model.Denoiser.Parameters()[0].Device;
            rate.Apply(adam, step++);
            adam.ZeroGrad();
            var loss = Ddpm.Loss(model.Denoiser, schedule, batches.Current.Inputs.To(device), rng);
            loss.Backward();
            adam.Step();
            return loss.Item();
        }
    }
}
