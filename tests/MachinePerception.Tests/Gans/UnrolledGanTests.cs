using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Data;
using MachinePerception.Gans;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class UnrolledGanTests
{
    static (UnrolledGan Gan, Tensor Z, Tensor[] Reals) Tiny(int k, int seed = 1)
    {
        var rng = new Rng(seed);
        var gan = new UnrolledGan(3, 5, k, 0.5, rng, DType.Float64);
        var reals = Enumerable.Range(0, k).Select(_ => Toy.RingOfGaussians(6, rng, dtype: DType.Float64).Points).ToArray();
        return (gan, rng.Normal([6, 3], dtype: DType.Float64), reals);
    }

    [Fact]
    public void The_generators_gradient_flows_through_the_unrolled_discriminator_updates()
    {
        // the objective L_G(θ_G) = −mean log D(G(z); θ_D^k(θ_G)): finite differences see θ_D^k move with θ_G
        var (gan, z, reals) = Tiny(3);
        var g = gan.Generator.Parameters();
        var connected = GradCheck.RunOn(() => gan.GeneratorLoss(z, reals), g);
        Assert.True(connected.Passed, connected.Summary);
        // a copy of D updated on detached fakes gives another gradient, which misses that path
        var analyticConnected = Autograd.Grad([gan.GeneratorLoss(z, reals)], g);
        gan.Connected = false;
        var analyticCopy = Autograd.Grad([gan.GeneratorLoss(z, reals)], g);
        double difference = analyticConnected.Zip(analyticCopy, (a, b) => Op.Max(Op.Abs(a! - b!)).Item()).Max();
        double scale = analyticConnected.Max(a => Op.Max(Op.Abs(a!)).Item());
        Assert.True(difference > 1e-3 * scale, $"difference {difference} vs gradient scale {scale}");
        gan.Connected = true;
    }

    [Fact]
    public void With_zero_unrolling_steps_the_loss_is_the_plain_non_saturating_gan_loss()
    {
        var (gan, z, _) = Tiny(0);
        var plain = GanLosses.GeneratorNonSaturating(gan.Discriminator.Forward(gan.Generator.Forward(z)));
        Assert.Equal(plain.Item(), gan.GeneratorLoss(z, []).Item(), 14);
    }

    [Fact]
    public void Unrolled_parameters_are_k_gradient_steps_of_the_discriminator()
    {
        var (gan, z, reals) = Tiny(2);
        var fake = gan.Generator.Forward(z);
        var theta = gan.Discriminator.Parameters();
        for (int i = 0; i < 2; i++)
        {
            var grads = Autograd.Grad([UnrolledGan.DiscriminatorLoss(reals[i], fake, theta)], theta);
            theta = theta.Select((t, j) => (t - grads[j]! * 0.5).Detach().RequireGrad()).ToArray();
        }
        var unrolled = gan.Unroll(fake, reals);
        for (int j = 0; j < theta.Length; j++) Assert.True(Op.Max(Op.Abs(unrolled[j] - theta[j])).Item() < 1e-14);
    }

    [Fact]
    public void The_trainer_steps_both_players()
    {
        var rng = new Rng(4);
        var gan = new UnrolledGan(4, 8, 2, 0.05, rng);
        var before = gan.Parameters().Select(p => p.Clone()).ToArray();
        var trainer = new UnrolledGanTrainer(gan, 16, 1e-3, 1e-3, 10, new Rng(5));
        for (int i = 0; i < 3; i++) Assert.True(double.IsFinite(trainer.Step()));
        Assert.All(gan.Parameters().Zip(before), pair => Assert.True(Op.Max(Op.Abs(pair.First - pair.Second)).Item() > 0));
    }
}
