using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Gans;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class WganGpTests
{
    [Fact]
    public void Penalty_of_a_linear_critic_is_lambda_times_the_squared_distance_of_its_norm_from_one()
    {
        // C(x) = Σ w ⊙ x has ∇C = w everywhere: the penalty is λ(‖w‖ − 1)² at any point
        var rng = new Rng(1);
        var w = rng.Normal([1, 1, 4, 4], dtype: DType.Float64);
        Tensor Critic(Tensor x) => Op.Sum(x * w, [1, 2, 3]);
        var points = rng.Normal([5, 1, 4, 4], dtype: DType.Float64);
        double norm = Math.Sqrt(w.ToDoubleArray().Sum(v => v * v));
        Assert.Equal(10 * (norm - 1) * (norm - 1), WganGp.GradientPenaltyAt(Critic, points).Item(), 9);
        Assert.Equal(10 * (norm - 1) * (norm - 1), WganGp.GradientPenalty(Critic, points, rng.Normal([5, 1, 4, 4], dtype: DType.Float64), rng).Item(), 9);
    }

    [Fact]
    public void Penalty_gradient_in_the_critic_parameters_needs_second_derivatives_and_matches_finite_differences()
    {
        var rng = new Rng(2);
        var critic = new DcganDiscriminator(1, rng, batchNorm: false, dtype: DType.Float64);
        var points = rng.Uniform([2, 1, 28, 28], dtype: DType.Float64);
        // a smooth stand-in for LeakyReLU's kink would be nicer, but the points are random: no pre-activation sits within h of 0
        var r = GradCheck.RunOn(() => WganGp.GradientPenaltyAt(critic.Forward, points), critic.Parameters(), tolerance: 1e-6);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Batch_norm_couples_the_samples_of_a_batch_and_a_critic_without_it_does_not()
    {
        var rng = new Rng(3);
        var points = rng.Uniform([4, 1, 28, 28], dtype: DType.Float64);
        var plain = new DcganDiscriminator(2, rng, batchNorm: false, dtype: DType.Float64);
        var normalised = new DcganDiscriminator(2, rng, batchNorm: true, dtype: DType.Float64);
        Assert.Equal(0, WganGp.CrossSampleGradient(plain.Forward, points));
        Assert.True(WganGp.CrossSampleGradient(normalised.Forward, points) > 1e-4);
    }

    [Fact]
    public void Mismatched_batches_are_named()
    {
        var rng = new Rng(4);
        var e = Assert.Throws<ArgumentException>(() => WganGp.GradientPenalty(x => Op.Sum(x, [1]), rng.Normal([3, 2]), rng.Normal([4, 2]), rng));
        Assert.StartsWith("WganGp.GradientPenalty", e.Message);
    }
}
