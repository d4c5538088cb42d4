using MachinePerception.Basics;
using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Basics;

public class PerceptronTests
{
    [Fact]
    public void Converges_on_separable_data_within_the_Novikoff_bound()
    {
        var data = Toy.LinearlySeparable(200, new Rng(3), margin: 0.5, dtype: DType.Float64);
        var run = Perceptron.Train(data.Points, data.Labels);
        Assert.True(run.Converged);
        Assert.Equal(data.Labels, Perceptron.Predict(run, data.Points));
        double w = 1 / Math.Sqrt(2);
        Assert.True(run.Updates <= Perceptron.NovikoffBound(data.Points, data.Labels, [w, w], 0));
        Assert.Equal(0, run.MistakesPerEpoch[^1]);
    }

    [Fact]
    public void Cycles_on_xor()
    {
        var data = Toy.Xor(4, new Rng(0), dtype: DType.Float64);
        var run = Perceptron.Train(data.Points, data.Labels, maxEpochs: 100);
        Assert.False(run.Converged);
        Assert.NotNull(run.CycleStart);
        Assert.True(run.CycleLength >= 1);
        Assert.All(run.MistakesPerEpoch, m => Assert.True(m > 0));
    }

    [Fact]
    public void Novikoff_bound_rejects_a_non_separating_direction()
    {
        var data = Toy.Xor(4, new Rng(0), dtype: DType.Float64);
        Assert.Throws<ArgumentException>(() => Perceptron.NovikoffBound(data.Points, data.Labels, [1, 0], 0));
    }
}
