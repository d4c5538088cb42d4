using MachinePerception.Basics;
using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Basics;

public class MiniBatchRegressionTests
{
    static readonly FunctionSamples Line = Toy.Function1D(64, new Rng(3), x => 2 * x - 1, noise: 0.2, dtype: DType.Float64);

    [Fact]
    public void One_sample_gradients_average_to_the_full_gradient()
    {
        var full = MiniBatchRegression.Gradient(Line, 0.5, 0.1, Enumerable.Range(0, 64));
        var each = Enumerable.Range(0, 64).Select(i => MiniBatchRegression.Gradient(Line, 0.5, 0.1, [i])).ToArray();
        Assert.Equal(full.Da, each.Average(g => g.Da), 1e-12);
        Assert.Equal(full.Db, each.Average(g => g.Db), 1e-12);
        var small = MiniBatchRegression.GradientSpread(Line, 0.5, 0.1, 1, 300, new Rng(1)).Variance;
        var large = MiniBatchRegression.GradientSpread(Line, 0.5, 0.1, 16, 300, new Rng(1)).Variance;
        Assert.True(large < small / 4, $"{large} vs {small}");
    }

    [Fact]
    public void Sgd_and_full_batch_reduce_the_loss()
    {
        foreach (int m in new[] { 1, 64 })
        {
            var losses = MiniBatchRegression.Train(Line, m, m == 1 ? 0.05 : 0.5, 5, new Rng(2), recordEvery: 64);
            Assert.True(losses[^1] < 0.2 * losses[0], $"batch {m}: {losses[0]} → {losses[^1]}");
        }
    }
}
