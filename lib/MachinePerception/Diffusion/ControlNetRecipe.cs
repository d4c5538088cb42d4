using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The checkpoint <c>controlnet-mnist</c> (§6.1): a <see cref="ControlNet"/> on the frozen <c>ddpm-mnist</c> U-Net (its file
/// is part of this recipe's data), trained with the ε-prediction loss to follow the edge map (<see cref="EdgeMap"/>) of
/// each training digit, without a class label. Adam with warm-up and cosine decay. Metric: the Dice overlap between
/// the edge maps of samples (DDIM, 20 steps) and the 50 test-digit edge maps they were asked to follow.
/// </summary>
public sealed class ControlNetRecipe : TrainingRecipe
{
    const int BatchSize = 32, Warmup = 50;
    const double LearningRate = 1e-3;

    public override string Name => "controlnet-mnist";
    public override string Chapter => "06";
    public override string Description => "a ControlNet on the frozen ddpm-mnist U-Net that follows the edge map of a digit";
    public override int DefaultSteps => 800;
    public override int LogEvery => 10;
    public override int VerifySteps => 10;

    public override JsonObject Configuration => new()
    {
        ["base"] = "ddpm-mnist", ["control"] = "sobel edges > 1", ["copy"] = "contracting path + step embedding", ["hint"] = "conv3x3-relu-conv3x3",
        ["zero_convolutions"] = 4, ["labels"] = "none", ["loss"] = "epsilon-mse", ["optimizer"] = "Adam", ["learning_rate"] = LearningRate,
        ["warmup"] = Warmup, ["decay"] = "cosine", ["batch"] = BatchSize,
    };

    public override IReadOnlyList<string> DataFiles =>
        [.. new[] { Split.Train, Split.Test }.Select(s => "data/mnist/" + IdxDataset.FileName(s, false)), "data/checkpoints/ddpm-mnist.mpck"];

    public override Module CreateModel() => new ControlNet((UNet)Checkpoint.Load(new DdpmMnistRecipe()).Model, new Rng(Seed));

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((ControlNet)model, totalSteps, Seed);

    /// <summary>Edge-map adherence: the mean Dice overlap of the edges of samples (DDIM, 20 steps, one per control) with their controls [N, 1, 28, 28].</summary>
    public static double Adherence(INoisePredictor model, Tensor controls, ulong seed)
    {
        var samples = DigitSamples.Ddim(model, DdpmMnistRecipe.Schedule, controls.Shape[0], 20, new Rng(seed));
        return EdgeMap.Dice(EdgeMap.Of(samples), controls).Average();
    }

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var controls = EdgeMap.Of(Mnist.Load(Split.Test, take: 50).Images);
        return new Dictionary<string, double> { ["edge_dice"] = Adherence(((ControlNet)model).WithControl(controls), controls, Seed + 100) };
    }

    sealed class Trainer : ITrainer
    {
        readonly ControlNet model;
        readonly Adam adam;
        readonly LearningRateSchedule rate;
        readonly DataLoader loader;
        readonly Tensor edges;
        readonly NoiseSchedule schedule = DdpmMnistRecipe.Schedule;
        readonly Rng rng;
        IEnumerator<Batch>? batches;
        int epoch = -1, step;

        public Trainer(ControlNet model, int totalSteps, ulong seed)
        {
            this.model = model;
            var train = Mnist.Load(Split.Train);
            edges = EdgeMap.Of(train.Images);                                               // [N, 1, 28, 28] in {0, 1}
            loader = new DataLoader(DigitSamples.ToModel(train.Images), null, BatchSize, seed: seed + 1, lastBatch: LastBatch.Drop);
            adam = new Adam(model.Parameters(), LearningRate);
            rate = new LinearWarmup(Warmup, new CosineDecay(LearningRate, Math.Max(totalSteps - Warmup, 1)));
            rng = new Rng(seed + 2);
        }

        public double Step()
        {
            while (batches is null || !batches.MoveNext()) batches = loader.Epoch(++epoch).GetEnumerator();
            var batch = batches.Current;
            var device = model.Parameters()[0].Device;
            var x0 = batch.Inputs.To(device);
            var control = Ops.Op.IndexSelect(edges, 0, batch.Indices).To(device);
            var t = Enumerable.Range(0, x0.Shape[0]).Select(_ => rng.NextInt(1, schedule.T + 1)).ToArray();
            var noise = rng.Normal(x0.Shape).To(device);
            rate.Apply(adam, step++);
            adam.ZeroGrad();
            var predicted = model.PredictNoise(ForwardProcess.Sample(schedule, x0, t, noise), t.Select(v => (double)v).ToArray(), control);
            var loss = Ops.Op.Mean(Ops.Op.Square(predicted - noise));
            loss.Backward();
            adam.Step();
            return loss.Item();
        }
    }
}
