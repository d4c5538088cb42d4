using MachinePerception.Data;

namespace MachinePerception.Gans;

/// <summary>
/// Mini-batches without end: epoch 0 of a <see cref="DataLoader"/>, then epoch 1, … (each a fresh seeded order), for
/// training loops that count steps rather than epochs, as the GAN recipes do. The batches are the loader's, so the
/// sequence is the same on every run.
/// </summary>
public sealed class BatchStream(DataLoader loader)
{
    IEnumerator<Batch>? current;
    int epoch = -1;

    /// <summary>The loader's epoch that the last batch came from.</summary>
    public int Epoch => epoch;

    /// <summary>The next batch (starting the next epoch when one ends).</summary>
    public Batch Next()
    {
        while (current is null || !current.MoveNext())
        {
            current?.Dispose();
            epoch++;
            current = loader.Epoch(epoch).GetEnumerator();
            if (loader.BatchesPerEpoch == 0) throw new InvalidOperationException("BatchStream: the loader yields no batches");
        }
        return current.Current;
    }
}
