using MachinePerception.Autodiff;
using MachinePerception.Data;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// The training loop of an autoencoder (§1): per mini-batch, the reconstruction loss of g(f(input)) against the clean
/// batch, backpropagation, one optimizer step. With <c>corrupt</c> the input is a corrupted copy of the batch while
/// the target stays clean (the denoising autoencoder).
/// </summary>
public static class AutoencoderTraining
{
    /// <summary>One pass over epoch <paramref name="epoch"/> of <paramref name="loader"/> (clean examples); returns the mean loss.</summary>
    public static double TrainEpoch(Autoencoder model, Optimizer optimizer, DataLoader loader, int epoch, Func<Tensor, Tensor>? corrupt = null)
    {
        model.Train();
        double sum = 0;
        int count = 0;
        foreach (var batch in loader.Epoch(epoch))
        {
            var clean = batch.Inputs;
            var input = corrupt is null ? clean : corrupt(clean);
            optimizer.ZeroGrad();
            var loss = model.ReconstructionLoss(input, clean);
            loss.Backward();
            optimizer.Step();
            sum += loss.Item() * batch.Size;
            count += batch.Size;
        }
        return sum / count;
    }

    /// <summary>g(f(x)) for every example, in batches and without recording the graph.</summary>
    public static Tensor Reconstruct(Autoencoder model, Tensor inputs, int batchSize = 1000)
    {
        using var _ = Autograd.NoGrad();
        int n = inputs.Shape[0];
        var parts = new List<Tensor>();
        for (int start = 0; start < n; start += batchSize)
            parts.Add(model.Forward(Op.Slice(inputs, 0, start, Math.Min(batchSize, n - start))));
        return parts.Count == 1 ? parts[0] : Op.Concat(parts, 0);
    }

    /// <summary>The mean squared error per entry between <paramref name="a"/> and <paramref name="b"/>, optionally only where
    /// <paramref name="mask"/> is 1 (e.g. inside an inpainting hole).</summary>
    public static double MeanSquaredError(Tensor a, Tensor b, Tensor? mask = null)
    {
        if (!a.Shape.Equals(b.Shape) || (mask is not null && !mask.Shape.Equals(a.Shape)))
            throw new ArgumentException($"AutoencoderTraining.MeanSquaredError: shapes differ: {a.Shape}, {b.Shape}{(mask is null ? "" : $", mask {mask.Shape}")}");
        var x = a.ToDoubleArray();
        var y = b.ToDoubleArray();
        var m = mask?.ToDoubleArray();
        double sum = 0, weight = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = m is null ? 1 : m[i];
            sum += w * (x[i] - y[i]) * (x[i] - y[i]);
            weight += w;
        }
        if (weight == 0) throw new ArgumentException($"AutoencoderTraining.MeanSquaredError: the mask selects no entries ({a.Shape})");
        return sum / weight;
    }
}
