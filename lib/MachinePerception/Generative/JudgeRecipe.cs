using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Cnn;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// The checkpoint <c>judge-mnist</c>: the <see cref="SampleJudge"/>'s classifier, chapter 11's <see cref="SmallCnn"/>
/// (3×3 convolutions with 16 and 32 channels) with a 64-wide hidden layer whose activations are the judged features,
/// trained by Adam with a cosine schedule on the MNIST digits shipped in data/mnist. Metric: test accuracy.
/// </summary>
public sealed class JudgeRecipe : TrainingRecipe
{
    const int Channels1 = 16, Channels2 = 32, Hidden = 64, BatchSize = 64;
    const double LearningRate = 3e-3;

    public override string Name => "judge-mnist";
    public override string Chapter => "05";
    public override string Description => "the sample judge: a small CNN classifier of MNIST digits whose 64 hidden features the Fréchet distance compares";
    public override int DefaultSteps => 750;
    public override int LogEvery => 25;
    public override int VerifySteps => 50;

    public override JsonObject Configuration => new()
    {
        ["network"] = "SmallCnn", ["channels"] = new JsonArray(Channels1, Channels2), ["kernel"] = 3, ["hidden"] = Hidden,
        ["optimizer"] = "Adam", ["learning_rate"] = LearningRate, ["schedule"] = "cosine", ["batch"] = BatchSize,
    };

    public override IReadOnlyList<string> DataFiles =>
        [.. new[] { Split.Train, Split.Test }.SelectMany(s => new[] { true, false }.Select(labels => "data/mnist/" + IdxDataset.FileName(s, labels)))];

    public override Module CreateModel() => new SmallCnn(new Rng(Seed), Channels1, Channels2, hidden: Hidden);

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer((SmallCnn)model, totalSteps, Seed);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var test = Mnist.Load(Split.Test);
        return new Dictionary<string, double> { ["test_accuracy"] = new SampleJudge((SmallCnn)model).Accuracy(test.Images, test.Labels) };
    }

    sealed class Trainer : ITrainer
    {
        readonly SmallCnn model;
        readonly Adam adam;
        readonly CosineDecay schedule;
        readonly DataLoader loader;
        IEnumerator<Batch>? batches;
        int epoch = -1, step;

        public Trainer(SmallCnn model, int totalSteps, ulong seed)
        {
            this.model = model;
            var train = Mnist.Load(Split.Train);
            loader = new DataLoader(train.Images, train.Labels, BatchSize, seed: seed + 1, lastBatch: LastBatch.Drop);
            adam = new Adam(model.Parameters(), LearningRate);
            schedule = new CosineDecay(LearningRate, totalSteps);
        }

        public double Step()
        {
            while (batches is null || !batches.MoveNext()) batches = loader.Epoch(++epoch).GetEnumerator();
            var batch = batches.Current;
            var device = model.Parameters()[0].Device;
            schedule.Apply(adam, step++);
            adam.ZeroGrad();
            var loss = Losses.CrossEntropy(model.Forward(batch.Inputs.To(device)), batch.Labels!);
            loss.Backward();
            adam.Step();
            return loss.Item();
        }
    }
}
