using MachinePerception.Autodiff;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Basics;

/// <summary>
/// The training loop of a classifier (§10): per mini-batch, the cross-entropy of the logits against the labels,
/// backpropagation, one optimizer step; and the accuracy on held-out data. Used for the MLP on Fashion-MNIST.
/// </summary>
public static class ClassifierTraining
{
    /// <summary>
    /// One pass over <paramref name="loader"/>'s epoch <paramref name="epoch"/>; returns the mean training loss. With a
    /// <paramref name="schedule"/>, the learning rate is set before each step from the global step number.
    /// </summary>
    public static double TrainEpoch(Layer model, Optimizer optimizer, DataLoader loader, int epoch, LearningRateSchedule? schedule = null)
    {
        model.Train();
        double sum = 0;
        int count = 0, step = epoch * loader.BatchesPerEpoch;
        foreach (var batch in loader.Epoch(epoch))
        {
            if (batch.Labels is null) throw new ArgumentException("ClassifierTraining.TrainEpoch: the loader has no labels");
            schedule?.Apply(optimizer, step++);
            optimizer.ZeroGrad();
            var loss = Losses.CrossEntropy(model.Forward(batch.Inputs), batch.Labels); // logits [B, K]
            loss.Backward();
            optimizer.Step();
            sum += loss.Item() * batch.Size;
            count += batch.Size;
        }
        return sum / count;
    }

    /// <summary>The predicted class (argmax of the logits) of every row of <paramref name="inputs"/>, in batches.</summary>
    public static int[] Predict(Layer model, Tensor inputs, int batchSize = 1000)
    {
        model.Eval();
        int n = inputs.Shape[0];
        var predictions = new int[n];
        using var _ = Autograd.NoGrad();
        for (int start = 0; start < n; start += batchSize)
        {
            int size = Math.Min(batchSize, n - start);
            var argmax = Op.ArgMax(model.Forward(Op.Slice(inputs, 0, start, size)), 1).ToDoubleArray();
            for (int i = 0; i < size; i++) predictions[start + i] = (int)argmax[i];
        }
        model.Train();
        return predictions;
    }

    /// <summary>The share of rows whose predicted class equals the label.</summary>
    public static double Accuracy(Layer model, Tensor inputs, int[] labels, int batchSize = 1000)
    {
        var predicted = Predict(model, inputs, batchSize);
        if (predicted.Length != labels.Length) throw new ArgumentException($"ClassifierTraining.Accuracy: {labels.Length} labels for {predicted.Length} inputs");
        return predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
    }
}
