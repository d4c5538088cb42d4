using MachinePerception.Body;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Body;

public class PictorialStructuresTests
{
    [Fact]
    public void One_d_distance_transform_equals_the_brute_force_minimum_at_any_query()
    {
        var rng = new Rng(1);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = 3 + rng.NextInt(20);
            var f = Enumerable.Range(0, n).Select(_ => 5 * rng.NextDouble()).ToArray();
            if (trial % 3 == 0) f[rng.NextInt(n)] = double.PositiveInfinity; // an impossible location
            double w = 0.1 + 2 * rng.NextDouble();
            var queries = Enumerable.Range(0, 40).Select(_ => -5 + (n + 10) * rng.NextDouble()).Order().ToArray();
            var (values, arg) = DistanceTransform.OneD(f, w, queries);
            for (int i = 0; i < queries.Length; i++)
            {
                double best = Enumerable.Range(0, n).Min(q => f[q] + w * (queries[i] - q) * (queries[i] - q));
                Assert.Equal(best, values[i], 9);
                Assert.Equal(best, f[arg[i]] + w * (queries[i] - arg[i]) * (queries[i] - arg[i]), 9);
            }
        }
    }

    static PictorialStructures RandomModel(int seed, int height, int width, KinematicTree tree)
    {
        var rng = new Rng(seed);
        var unary = Enumerable.Range(0, tree.Count).Select(_ => Enumerable.Range(0, height * width).Select(_ => 3 * rng.NextDouble()).ToArray()).ToArray();
        var springs = Enumerable.Range(0, tree.Count).Select(_ => new Spring(2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1, 0.2 + rng.NextDouble(), 0.2 + rng.NextDouble())).ToArray();
        return new PictorialStructures(tree, height, width, unary, springs);
    }

    [Fact]
    public void Dynamic_programming_finds_the_brute_force_minimum_on_tiny_instances()
    {
        var tree = new KinematicTree([-1, 0, 0, 1]);
        for (int seed = 0; seed < 5; seed++)
        {
            var ps = RandomModel(seed, 4, 5, tree);
            var brute = ps.MapByBruteForce();
            var dp = ps.MapByDynamicProgramming();
            var dt = ps.MapByDistanceTransform();
            Assert.Equal(brute.Energy, dp.Energy, 10);
            Assert.Equal(brute.Energy, dt.Energy, 10);
            Assert.Equal(dt.Energy, ps.Energy(dt.Locations), 10);
            Assert.Equal(dp.Energy, ps.Energy(dp.Locations), 10);
        }
    }

    [Fact]
    public void Distance_transform_and_plain_recursion_agree_on_a_body_sized_model()
    {
        var ps = RandomModel(9, 12, 10, PoseSkeleton.Tree);
        var dp = ps.MapByDynamicProgramming();
        var dt = ps.MapByDistanceTransform();
        Assert.Equal(dp.Energy, dt.Energy, 9);
        Assert.True(ps.Energy(ps.IndependentMinima()) >= dt.Energy);
    }

    [Fact]
    public void Springs_fitted_to_offsets_are_their_mean_and_inverse_variance()
    {
        var s = Spring.Fit([(1.0, 2.0), (3.0, 2.0), (2.0, 5.0), (2.0, -1.0)]);
        Assert.Equal(2, s.Dx, 12);
        Assert.Equal(2, s.Dy, 12);
        Assert.Equal(1 / (2 * 0.5), s.Wx, 12);  // variance ½
        Assert.Equal(1 / (2 * 4.5), s.Wy, 12);  // variance 4.5
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => DistanceTransform.OneD([1.0, 2], 0, [0.5]));
        Assert.Throws<ArgumentException>(() => DistanceTransform.OneD([1.0, 2], 1, [1.0, 0.5]));
        var tree = new KinematicTree([-1, 0]);
        Assert.Contains("2 unary maps", Assert.Throws<ArgumentException>(() =>
            new PictorialStructures(tree, 2, 2, [new double[4], new double[4]], [default])).Message);
    }
}
