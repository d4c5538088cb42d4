using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rl;

public class ReinforceTests
{
    const DType F64 = DType.Float64;

    // A three-armed bandit as one-step episodes: the state is the constant 1, so the policy's logits are the
    // weights θ of a bias-free Linear(1 → 3). J(θ) = Σ_a π_a r_a, whose exact gradient is ∂J/∂θ_k = π_k (r_k − J).
    static readonly double[] ArmRewards = [10.0, 11.0, 12.5];

    static Sequential Bandit()
    {
        var policy = new Sequential(new Linear(1, 3, new Rng(1), bias: false, dtype: F64));
        double[] theta = [0.3, -0.2, 0.1];
        theta.CopyTo(policy.Parameters()[0].AsSpan<double>());
        return policy;
    }

    static double[] Pi(Sequential p) => Op.Softmax(p.Forward(Tensor.Ones([1, 1], F64)), 1).ToDoubleArray();

    static double[] ExactGradient(Sequential p)
    {
        var pi = Pi(p);
        double j = pi.Zip(ArmRewards, (a, b) => a * b).Sum();
        return pi.Select((pk, k) => pk * (ArmRewards[k] - j)).ToArray();
    }

    static Sequential ConstantBaseline(double b)
    {
        var layer = new Linear(1, 1, new Rng(2), dtype: F64);
        layer.Weight.AsSpan<double>()[0] = 0;
        layer.Bias!.AsSpan<double>()[0] = b;
        return new Sequential(layer, new Flatten(0));
    }

    static Episode Pull(int arm) => new([[1.0]], [arm], [ArmRewards[arm]]);

    [Theory]
    [InlineData(0.0)]
    [InlineData(11.0)]
    [InlineData(-4.0)]
    public void The_expected_estimate_equals_the_exact_gradient_for_any_baseline(double b)
    {
        // E_a[estimate(a)] = Σ_a π_a ∇log π_a (r_a − b), summed exactly over the three arms
        var p = Bandit();
        var pi = Pi(p);
        var expected = new double[3];
        for (int a = 0; a < 3; a++)
        {
            var g = Reinforce.GradientEstimate(p, [Pull(a)], 1.0, ConstantBaseline(b));
            for (int k = 0; k < 3; k++) expected[k] += pi[a] * g[k];
        }
        var exact = ExactGradient(p);
        for (int k = 0; k < 3; k++) Assert.Equal(exact[k], expected[k], 12);
    }

    [Fact]
    public void Sampled_estimates_average_to_the_exact_gradient_and_the_baseline_cuts_their_variance()
    {
        var p = Bandit();
        var exact = ExactGradient(p);
        var rng = new Rng(4);
        var plain = new List<double[]>();
        var based = new List<double[]>();
        var baseline = ConstantBaseline(11.0);   // close to J
        for (int m = 0; m < 400; m++)
        {
            var arms = rng.Categorical(Op.Softmax(p.Forward(Tensor.Ones([10, 1], F64)), 1));
            var episodes = arms.Select(Pull).ToArray();
            plain.Add(Reinforce.GradientEstimate(p, episodes, 1.0, null));
            based.Add(Reinforce.GradientEstimate(p, episodes, 1.0, baseline));
        }
        foreach (var set in new[] { plain, based })
            for (int k = 0; k < 3; k++)
            {
                var xs = set.Select(g => g[k]).ToArray();
                double mean = xs.Average(), se = Math.Sqrt(xs.Select(x => (x - mean) * (x - mean)).Sum() / (xs.Length - 1) / xs.Length);
                Assert.True(Math.Abs(mean - exact[k]) < 4 * se, $"component {k}: mean {mean} vs exact {exact[k]} (standard error {se})");
            }
        double Variance(List<double[]> set) => Enumerable.Range(0, 3).Sum(k =>
        {
            var xs = set.Select(g => g[k]).ToArray();
            double mean = xs.Average();
            return xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1);
        });
        Assert.True(Variance(plain) > 20 * Variance(based), $"variance without baseline {Variance(plain)}, with {Variance(based)}");
    }

    [Fact]
    public void Rewards_to_go_discount_backwards()
    {
        Assert.Equal([1 + 0.5 * (2 + 0.5 * 4), 2 + 0.5 * 4, 4.0], Reinforce.RewardsToGo([1, 2, 4], 0.5));
        Assert.Empty(Reinforce.RewardsToGo([], 0.9));
    }

    [Fact]
    public void The_surrogate_rejects_weights_that_carry_a_graph()
    {
        var w = Tensor.Ones([3], F64).RequireGrad();
        var ex = Assert.Throws<ArgumentException>(() => Reinforce.SurrogateLoss(Tensor.Ones([3], F64), w * 2));
        Assert.StartsWith("Reinforce.SurrogateLoss", ex.Message);
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => Reinforce.SurrogateLoss(Tensor.Ones([3], F64), Tensor.Ones([2], F64))).Message);
    }

    [Fact]
    public void Rollouts_are_seeded_and_a_short_training_run_is_deterministic()
    {
        var policy = Reinforce.PolicyNetwork(4, 8, 2, new Rng(1));
        var a = Reinforce.Rollouts(policy, 3, new Rng(5));
        var b = Reinforce.Rollouts(policy, 3, new Rng(5));
        Assert.Equal(a.Select(e => e.Return), b.Select(e => e.Return));
        Assert.All(a, e => Assert.Equal(e.States.Length, e.Actions.Length));
        var s = new ReinforceSettings { Iterations = 3, EpisodesPerBatch = 2, Hidden = 8, Baseline = true, ValueSteps = 2 };
        Assert.Equal(ReinforceTraining.Train(s, 2).BatchReturns, ReinforceTraining.Train(s, 2).BatchReturns);
    }

    [Fact]
    public void Measured_variance_drops_with_a_constant_baseline_near_the_mean_return_and_the_means_agree()
    {
        var policy = Reinforce.PolicyNetwork(4, 8, 2, new Rng(3), F64);
        var layer = new Linear(4, 1, new Rng(4), dtype: F64);
        layer.Weight.AsSpan<double>().Clear();
        layer.Bias!.AsSpan<double>()[0] = 9;   // rewards-to-go of a random CartPole policy average about 9 (returns ≈ 20)
        var v = GradientVariance.Measure(policy, new Sequential(layer, new Flatten(0)), batches: 30, episodesPerBatch: 2, gamma: 0.99, new Rng(5));
        Assert.True(v.Ratio > 1.5, $"variance without {v.VarianceWithout}, with {v.VarianceWith}");
        Assert.True(v.FractionWithin3StandardErrors > 0.9, $"fraction within 3 SE: {v.FractionWithin3StandardErrors}");
        Assert.Equal(30, v.Batches);
    }
}
