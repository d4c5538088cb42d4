using MachinePerception.Checks;
using MachinePerception.Generative;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Generative;

public class ReparameterizationTests
{
    [Fact]
    public void The_hand_derived_gradient_of_the_expectation_matches_finite_differences()
    {
        var f = SineQuadratic.Random(3, new Rng(2));
        double[] mu = [0.4, -0.7, 1.2], sigma = [0.8, 1.3, 0.5];
        var g = f.ExpectationGradient(mu, sigma);
        const double h = 1e-6;
        for (int i = 0; i < 6; i++)
        {
            double[] mp = (double[])mu.Clone(), mm = (double[])mu.Clone(), sp = (double[])sigma.Clone(), sm = (double[])sigma.Clone();
            if (i < 3) { mp[i] += h; mm[i] -= h; } else { sp[i - 3] += h; sm[i - 3] -= h; }
            Assert.Equal((f.Expectation(mp, sp) - f.Expectation(mm, sm)) / (2 * h), g[i], 1e-8);
        }
    }

    [Fact]
    public void Both_estimators_are_unbiased_and_the_pathwise_one_has_the_smaller_error()
    {
        var f = SineQuadratic.Random(2, new Rng(4));
        double[] mu = [0.5, -0.3], sigma = [0.7, 1.1];
        var exact = f.ExpectationGradient(mu, sigma);
        var path = Reparameterization.Pathwise(f.Value, mu, sigma, 3000, new Rng(5));
        var score = Reparameterization.ScoreFunction(f.Value, mu, sigma, 3000, new Rng(6));
        Assert.True(path.MaxZScore(exact) < 5, $"pathwise z = {path.MaxZScore(exact)}");
        Assert.True(score.MaxZScore(exact) < 5, $"score z = {score.MaxZScore(exact)}");
        Assert.True(path.StandardError.Sum() < score.StandardError.Sum());
    }

    [Fact]
    public void The_tensor_and_plain_values_agree_and_bad_shapes_are_named()
    {
        var f = SineQuadratic.Random(2, new Rng(1));
        var z = Tensor.FromArray(new[] { 0.3, -0.2, 1.5, 0.7 }, 2, 2);
        var v = f.Value(z).ToDoubleArray();
        Assert.Equal(f.Value([0.3, -0.2]), v[0], 1e-14);
        Assert.Equal(f.Value([1.5, 0.7]), v[1], 1e-14);
        Assert.StartsWith("SineQuadratic.Value", Assert.Throws<ArgumentException>(() => f.Value(Tensor.FromArray(new[] { 1.0, 2, 3 }, 1, 3))).Message);
        Assert.StartsWith("Reparameterization.Pathwise", Assert.Throws<ArgumentException>(() => Reparameterization.Pathwise(f.Value, [0.0, 0], [1.0, -1], 10, new Rng(1))).Message);
    }

    [Fact]
    public void The_tensor_form_passes_the_gradient_check()
    {
        var f = SineQuadratic.Random(3, new Rng(8));
        var z = new Rng(9).Normal([4, 3], dtype: DType.Float64);
        var r = GradCheck.Run(x => f.Value(x[0]), [z]);
        Assert.True(r.Passed, r.Summary);
    }
}
