using MachinePerception.Tensors;

namespace MachinePerception.Data;

/// <summary>What to do with the last batch of an epoch when the dataset size is not a multiple of the batch size.</summary>
public enum LastBatch
{
    /// <summary>Yield it, smaller than the others: every example is seen once per epoch.</summary>
    Keep,
    /// <summary>Skip it: every batch has the same size (the dropped examples differ from epoch to epoch when shuffling).</summary>
    Drop,
}

/// <summary>
/// One minibatch: <see cref="Inputs"/> [B, ...] (rows of the dataset in the order of <see cref="Indices"/>),
/// their labels (when the loader has labels), and the dataset indices the rows came from.
/// </summary>
public sealed record Batch(Tensor Inputs, int[]? Labels, int[] Indices)
{
    public int Size => Indices.Length;

    /// <summary>Lets a loop read <c>foreach (var (x, y) in loader.Epoch(e))</c>.</summary>
    public void Deconstruct(out Tensor inputs, out int[]? labels) => (inputs, labels) = (Inputs, Labels);
}

/// <summary>
/// Minibatches for stochastic gradient descent: each epoch visits the examples in a fresh random order
/// (a permutation drawn from a generator seeded by (seed, epoch), so epoch e is the same on every run)
/// and cuts it into batches of <see cref="BatchSize"/> rows, copied out of the dataset with span copies.
/// </summary>
public sealed class DataLoader
{
    readonly Tensor inputs;
    readonly int[]? labels;
    readonly int rowSize;

    public int Count { get; }
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public ulong Seed { get; }
    public LastBatch LastBatch { get; }

    /// <summary>
    /// When true, every batch of the same size writes into one reused buffer: no allocation per step, but a
    /// batch's <see cref="Batch.Inputs"/> is overwritten by the next one, so do not keep it across steps.
    /// </summary>
    public bool ReuseBuffers { get; }

    /// <summary>A loader over <paramref name="inputs"/> (on the CPU, one example per row of axis 0) and optional labels, one per row.</summary>
    public DataLoader(Tensor inputs, int[]? labels, int batchSize, bool shuffle = true, ulong seed = 0,
        LastBatch lastBatch = LastBatch.Keep, bool reuseBuffers = false)
    {
        if (inputs.Rank < 1 || inputs.Device != Device.Cpu)
            throw new ArgumentException($"DataLoader: inputs must be a CPU tensor with a batch axis, got {inputs.Shape} on {inputs.Device}");
        if (labels is not null && labels.Length != inputs.Shape[0])
            throw new ArgumentException($"DataLoader: {labels.Length} labels for inputs of shape {inputs.Shape}");
        if (batchSize <= 0)
            throw new ArgumentException($"DataLoader: batch size {batchSize} must be positive");
        this.inputs = inputs.Detach();
        this.labels = labels;
        Count = inputs.Shape[0];
        rowSize = Count == 0 ? 0 : inputs.Size / Count;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        LastBatch = lastBatch;
        ReuseBuffers = reuseBuffers;
    }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => LastBatch == LastBatch.Drop ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the examples.</summary>
    public int[] Order(int epoch)
    {
        if (!Shuffle) return Enumerable.Range(0, Count).ToArray();
        // a distinct generator per (seed, epoch); the odd multiplier keeps neighbouring epochs' seeds far apart
        var rng = new Rng(unchecked(Seed ^ ((ulong)epoch + 1) * 0xD1B54A32D192ED03UL));
        return rng.Permutation(Count);
    }

    /// <summary>The batches of one epoch, in order.</summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        var order = Order(epoch);
        var shape = inputs.Shape.ToArray();
        Tensor? buffer = null;
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            int start = b * BatchSize, size = Math.Min(BatchSize, Count - start);
            var indices = order.AsSpan(start, size).ToArray();
            shape[0] = size;
            var x = ReuseBuffers && buffer is not null && buffer.Shape[0] == size ? buffer : NewBatch(shape);
            if (ReuseBuffers) buffer = x;
            if (inputs.DType == DType.Float32) Gather<float>(indices, x);
            else Gather<double>(indices, x);
            int[]? y = null;
            if (labels is not null)
            {
                y = new int[size];
                for (int i = 0; i < size; i++) y[i] = labels[indices[i]];
            }
            yield return new Batch(x, y, indices);
        }
    }

    // Gather overwrites every element, so the buffer need not be zeroed first
    Tensor NewBatch(Shape shape) => inputs.DType == DType.Float32
        ? new Tensor(shape, new CpuStorage<float>(GC.AllocateUninitializedArray<float>(shape.Size)))
        : new Tensor(shape, new CpuStorage<double>(GC.AllocateUninitializedArray<double>(shape.Size)));

    // row i of the batch ← row indices[i] of the dataset
    void Gather<T>(int[] indices, Tensor batch) where T : unmanaged
    {
        var src = inputs.AsSpan<T>();
        var dst = batch.AsSpan<T>();
        for (int i = 0; i < indices.Length; i++)
            src.Slice(indices[i] * rowSize, rowSize).CopyTo(dst.Slice(i * rowSize, rowSize));
    }
}
