using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The checkpoint <c>ddpm-mnist</c> (§6, §6.1): a class-conditional <see cref="UNet"/> noise predictor on the MNIST digits
/// of data/mnist, trained with the ε-prediction loss on the DDPM paper's linear schedule (T = 1000), the label dropped
/// (replaced by "no label") with probability 0.1 so that the same network is also the unconditional model that
/// classifier-free guidance needs. Adam with a linear warm-up and cosine decay; the weights shipped are an exponential
/// moving average of the training weights (decay 0.998), copied into the model at the last step. Metrics: the sample
/// judge's verdict on 100 unconditional samples (DDIM, 20 steps) against the test set.
/// </summary>
public sealed class DdpmMnistRecipe : TrainingRecipe
{
    public static readonly UNetConfig Network = new(Channels1: 16, Channels2: 32, Channels3: 64, TimeFeatures: 32, EmbeddingSize: 64, Groups: 8, Classes: 10);
    const int BatchSize = 64, Warmup = 100;
    const double LearningRate = 2e-3, LabelDropout = 0.1, AverageDecay = 0.998;

    /// <summary>The schedule the model is trained on.</summary>
    public static NoiseSchedule Schedule => NoiseSchedule.Linear(1000, 1e-4, 0.02);

    public override string Name => "ddpm-mnist";
    public override string Chapter => "06";
    public override string Description => "a class-conditional U-Net noise predictor (DDPM, label dropout 0.1 for classifier-free guidance) on MNIST digits";
    public override int DefaultSteps => 2500;
    public override int LogEvery => 10;
    public override int VerifySteps => 10;

    public override JsonObject Configuration => new()
    {
        ["network"] = Network.ToJson(), ["schedule"] = "linear", ["T"] = 1000, ["beta"] = new JsonArray(1e-4, 0.02),
        ["loss"] = "epsilon-mse", ["label_dropout"] = LabelDropout, ["optimizer"] = "Adam", ["learning_rate"] = LearningRate,
        ["warmup"] = Warmup, ["decay"] = "cosine", ["batch"] = BatchSize, ["ema"] = AverageDecay, ["data_range"] = "[-1, 1]",
    };

    public override IReadOnlyList<string> DataFiles =>
        [.. new[] { Split.Train, Split.Test }.SelectMany(s => new[] { true, false }.Select(labels => "data/mnist/" + IdxDataset.FileName(s, labels)))];

    public override Module CreateModel() => new UNet(Network, new Rng(Seed));

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer(this, (UNet)model, totalSteps);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var (judge, reference) = DigitSamples.MnistJudge;
        var samples = DigitSamples.Ddim((UNet)model, Schedule, 100, 20, new Rng(Seed + 100));
        var report = DigitSamples.Judge(judge, samples, reference);
        return new Dictionary<string, double> { ["frechet_distance"] = report.FrechetDistance, ["confident_fraction"] = report.ConfidentFraction };
    }

    sealed class Trainer : ITrainer
    {
        readonly UNet model, average;
        readonly Adam adam;
        readonly LearningRateSchedule rate;
        readonly DataLoader loader;
        readonly NoiseSchedule schedule = Schedule;
        readonly Rng rng;
        readonly int totalSteps;
        IEnumerator<Batch>? batches;
        int epoch = -1, step;

        public Trainer(DdpmMnistRecipe recipe, UNet model, int totalSteps)
        {
            this.model = model;
            this.totalSteps = totalSteps;
            average = (UNet)recipe.CreateModel();                       // the same initial weights
            var device = model.Parameters()[0].Device;
            if (device != Device.Cpu) average.To(device);
            var train = Mnist.Load(Split.Train);
            loader = new DataLoader(DigitSamples.ToModel(train.Images), train.Labels, BatchSize, seed: recipe.Seed + 1, lastBatch: LastBatch.Drop);
            adam = new Adam(model.Parameters(), LearningRate);
            rate = new LinearWarmup(Warmup, new CosineDecay(LearningRate, Math.Max(totalSteps - Warmup, 1)));
            rng = new Rng(recipe.Seed + 2);
        }

        public double Step()
        {
            while (batches is null || !batches.MoveNext()) batches = loader.Epoch(++epoch).GetEnumerator();
            var batch = batches.Current;
            var device = model.Parameters()[0].Device;
            rate.Apply(adam, step++);
            adam.ZeroGrad();
            var labels = ClassifierFreeGuidance.DropLabels(batch.Labels!, LabelDropout, rng);
            var loss = Ddpm.Loss(model, schedule, batch.Inputs.To(device), rng, labels);
            loss.Backward();
            adam.Step();
            Dqn.UpdateTarget(model, average, 1 - AverageDecay);           // θ_avg ← (1 − decay) θ + decay θ_avg
            if (step == totalSteps) Dqn.UpdateTarget(average, model, 1);  // ship the averaged weights
            return loss.Item();
        }
    }
}
