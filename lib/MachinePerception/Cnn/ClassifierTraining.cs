using MachinePerception.Autodiff;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Cnn;

/// <summary>
/// Minibatch training of an image classifier with cross-entropy (§10.2, used for the CNN of §11): one
/// epoch of steps, and the accuracy of the model on a labelled set evaluated in batches without a graph.
/// </summary>
public static class ClassifierTraining
{
    /// <summary>
    /// One pass over <paramref name="loader"/>'s epoch <paramref name="epoch"/>: for each batch the mean
    /// cross-entropy, its gradient, and one optimizer step. Returns the mean training loss of the epoch.
    /// </summary>
    public static double TrainEpoch(Layer model, Optimizer optimizer, DataLoader loader, int epoch)
    {
        model.Train();
        double sum = 0;
        int seen = 0;
        foreach (var batch in loader.Epoch(epoch))
        {
            optimizer.ZeroGrad();
            var loss = Losses.CrossEntropy(model.Forward(batch.Inputs), batch.Labels!);
            loss.Backward();
            optimizer.Step();
            sum += loss.Item() * batch.Size;
            seen += batch.Size;
        }
        return sum / Math.Max(seen, 1);
    }

    /// <summary>The predicted class of every image, evaluated <paramref name="batchSize"/> images at a time.</summary>
    public static int[] Predict(Layer model, Tensor images, int batchSize = 1000)
    {
        model.Eval();
        using var _ = Autograd.NoGrad();
        int n = images.Shape[0];
        var predicted = new int[n];
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var logits = model.Forward(Op.Slice(images, 0, start, count)); // [count, classes]
            Op.ArgMaxIndices(logits).CopyTo(predicted, start);
        }
        return predicted;
    }

    /// <summary>The fraction of images whose predicted class equals the label.</summary>
    public static double Accuracy(Layer model, Tensor images, int[] labels, int batchSize = 1000)
    {
        var predicted = Predict(model, images, batchSize);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) correct++;
        return (double)correct / labels.Length;
    }
}
