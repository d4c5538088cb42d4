using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Data;

public class DataLoaderTests
{
    // 10 examples of shape [2, 3]; example i holds 100·i + j at position j, so a row names its index
    static Tensor Dataset(int n = 10, DType dtype = DType.Float32)
    {
        var d = new double[n * 6];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 6; j++) d[i * 6 + j] = 100 * i + j;
        var t = Tensor.FromArray(d, n, 2, 3);
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    static int[] Labels(int n) => Enumerable.Range(0, n).Select(i => i % 3).ToArray();

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Each_epoch_visits_every_example_once_with_rows_and_labels_that_match(DType dtype)
    {
        var loader = new DataLoader(Dataset(10, dtype), Labels(10), batchSize: 4, seed: 7);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var seen = new List<int>();
            var sizes = new List<int>();
            foreach (var batch in loader.Epoch(epoch))
            {
                sizes.Add(batch.Size);
                Assert.Equal([batch.Size, 2, 3], batch.Inputs.Shape.ToArray());
                Assert.Equal(dtype, batch.Inputs.DType);
                var x = batch.Inputs.ToDoubleArray();
                for (int r = 0; r < batch.Size; r++)
                {
                    int i = batch.Indices[r];
                    for (int j = 0; j < 6; j++) Assert.Equal(100 * i + j, x[r * 6 + j]); // plain-loop reference
                    Assert.Equal(i % 3, batch.Labels![r]);
                }
                seen.AddRange(batch.Indices);
            }
            Assert.Equal([4, 4, 2], sizes);
            Assert.Equal(Enumerable.Range(0, 10), seen.Order());
        }
    }

    [Fact]
    public void Same_seed_and_epoch_give_the_same_order_and_others_do_not()
    {
        var x = Dataset(50);
        var a = new DataLoader(x, null, 8, seed: 1);
        var b = new DataLoader(x, null, 8, seed: 1);
        var c = new DataLoader(x, null, 8, seed: 2);
        Assert.Equal(a.Order(3), b.Order(3));
        Assert.Equal(a.Epoch(3).SelectMany(t => t.Indices), b.Epoch(3).SelectMany(t => t.Indices));
        Assert.NotEqual(a.Order(3), a.Order(4));
        Assert.NotEqual(a.Order(3), c.Order(3));
        Assert.NotEqual(Enumerable.Range(0, 50), a.Order(0));
    }

    [Fact]
    public void Drop_last_keeps_only_full_batches()
    {
        var keep = new DataLoader(Dataset(10), Labels(10), 4, lastBatch: LastBatch.Keep);
        var drop = new DataLoader(Dataset(10), Labels(10), 4, lastBatch: LastBatch.Drop);
        Assert.Equal(3, keep.BatchesPerEpoch);
        Assert.Equal(2, drop.BatchesPerEpoch);
        Assert.Equal([4, 4], drop.Epoch(0).Select(b => b.Size));
        Assert.Equal(8, drop.Epoch(0).SelectMany(b => b.Indices).Distinct().Count());
        Assert.Equal([5, 5], new DataLoader(Dataset(10), null, 5, lastBatch: LastBatch.Drop).Epoch(0).Select(b => b.Size));
        Assert.Empty(new DataLoader(Dataset(3), null, 4, lastBatch: LastBatch.Drop).Epoch(0));
    }

    [Fact]
    public void Without_shuffling_batches_follow_the_dataset_order()
    {
        var loader = new DataLoader(Dataset(5), Labels(5), 2, shuffle: false);
        Assert.Equal([[0, 1], [2, 3], [4]], loader.Epoch(9).Select(b => b.Indices));
        var (inputs, labels) = loader.Epoch(0).First();
        Assert.Equal(100.0, inputs[1, 0, 0]);
        Assert.Equal([0, 1], labels!);
    }

    [Fact]
    public void Reused_buffers_hold_the_current_batch()
    {
        var loader = new DataLoader(Dataset(10), null, 3, seed: 5, reuseBuffers: true);
        Tensor? first = null;
        foreach (var batch in loader.Epoch(0))
        {
            if (batch.Size == 3) { first ??= batch.Inputs; Assert.Same(first, batch.Inputs); }
            var x = batch.Inputs.ToDoubleArray();
            for (int r = 0; r < batch.Size; r++) Assert.Equal(100 * batch.Indices[r], x[r * 6]);
        }
        Assert.NotNull(first);
    }

    [Fact]
    public void Bad_arguments_name_the_loader_and_the_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(Dataset(10), Labels(9), 4));
        Assert.StartsWith("DataLoader: 9 labels for inputs of shape [10, 2, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new DataLoader(Dataset(10), null, 0));
        Assert.StartsWith("DataLoader: batch size 0", e.Message);
    }
}
