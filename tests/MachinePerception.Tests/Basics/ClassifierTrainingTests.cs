using MachinePerception.Basics;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Basics;

public class ClassifierTrainingTests
{
    [Fact]
    public void A_small_mlp_learns_three_blobs()
    {
        var data = Toy.Blobs(300, new Rng(4), [[0, 3], [3, 0], [-3, -3]], std: 0.7);
        var rng = new Rng(5);
        var model = new Sequential(new Linear(2, 16, rng), new ReLU(), new Linear(16, 3, rng));
        var optimizer = new Adam(model.Parameters(), 0.02);
        var loader = new DataLoader(data.Points, data.Labels, 32, seed: 6);
        var schedule = new CosineDecay(0.02, 5 * loader.BatchesPerEpoch);
        double first = ClassifierTraining.TrainEpoch(model, optimizer, loader, 0, schedule), last = first;
        for (int e = 1; e < 5; e++) last = ClassifierTraining.TrainEpoch(model, optimizer, loader, e, schedule);
        Assert.True(last < first);
        Assert.True(ClassifierTraining.Accuracy(model, data.Points, data.Labels, batchSize: 64) > 0.95);
        Assert.Equal(300, ClassifierTraining.Predict(model, data.Points, batchSize: 7).Length);
    }
}
