using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Rnn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rnn;

public class StateJacobianTests
{
    static (RnnWeights W, Vector<double>[] Xs, Vector<double> H0) Random(int seed)
    {
        var rng = new Rng(seed);
        Matrix<double> M(int r, int c, double s) => Matrix<double>.Build.Dense(r, c, (_, _) => s * rng.NextNormal());
        var w = new RnnWeights(M(3, 3, 0.6), M(3, 2, 1), Vector<double>.Build.Dense(3, _ => 0.1 * rng.NextNormal()), M(2, 3, 1));
        var xs = Enumerable.Range(0, 5).Select(_ => Vector<double>.Build.Dense(2, _ => rng.NextNormal())).ToArray();
        return (w, xs, Vector<double>.Build.Dense(3, _ => 0.5 * rng.NextNormal()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Recursion_sum_and_finite_differences_agree(int seed)
    {
        var (w, xs, h0) = Random(seed);
        var r = ExplicitBptt.Forward(w, xs, h0);
        foreach (int t in new[] { 1, 3, 5 })
        {
            var sum = StateJacobian.BySum(w, r, t);
            Assert.True((sum - StateJacobian.ByRecursion(w, r, t)).InfinityNorm() < 1e-14);
            Assert.True((sum - StateJacobian.ByDifferences(w, xs, h0, t)).InfinityNorm() < 1e-8);
        }
    }

    [Fact]
    public void The_immediate_derivative_alone_is_not_the_total_derivative()
    {
        var (w, xs, h0) = Random(4);
        var r = ExplicitBptt.Forward(w, xs, h0);
        Assert.True((StateJacobian.Immediate(w, r, 5) - StateJacobian.BySum(w, r, 5)).InfinityNorm() > 1e-3);
        Assert.Equal(StateJacobian.Immediate(w, r, 1), StateJacobian.BySum(w, r, 1));
    }

    [Fact]
    public void A_step_outside_the_trajectory_names_the_method()
    {
        var (w, xs, h0) = Random(1);
        var e = Assert.Throws<ArgumentException>(() => StateJacobian.BySum(w, ExplicitBptt.Forward(w, xs, h0), 6));
        Assert.StartsWith("StateJacobian.BySum", e.Message);
    }

    [Fact]
    public void Randomized_truncation_is_unbiased_and_keep_one_is_the_full_recursion()
    {
        var (w, xs, h0) = Random(5);
        var r = ExplicitBptt.Forward(w, xs, h0);
        var full = StateJacobian.ByRecursion(w, r, 5);
        Assert.True((StateJacobian.RandomizedRecursion(w, r, 5, 1.0, new Rng(1)) - full).InfinityNorm() < 1e-14);
        var mean = new MachinePerception.Numerics.MeanEstimator(full.RowCount * full.ColumnCount);
        var rng = new Rng(2);
        for (int i = 0; i < 20000; i++) mean.Add(StateJacobian.RandomizedRecursion(w, r, 5, 0.4, rng).ToRowMajorArray());
        Assert.True(mean.MaxZScore(full.ToRowMajorArray()) < 5, $"z = {mean.MaxZScore(full.ToRowMajorArray())}");
        Assert.Throws<ArgumentException>(() => StateJacobian.RandomizedRecursion(w, r, 5, 0, rng));
    }
}
