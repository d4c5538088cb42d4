using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Gans;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class GanLossesTests
{
    static Tensor Logits(params double[] v) => Tensor.FromArray(v, v.Length);

    [Fact]
    public void Discriminator_loss_is_the_binary_cross_entropy_with_labels_one_and_zero()
    {
        var real = Logits(2.0, -0.5, 0.3);
        var fake = Logits(-1.0, 0.7, 4.0);
        double expected = Losses.BceWithLogits(real, Tensor.OnesLike(real)).Item() + Losses.BceWithLogits(fake, Tensor.ZerosLike(fake)).Item();
        Assert.Equal(expected, GanLosses.Discriminator(real, fake).Item(), 12);
        // −V(G, D) written with probabilities: −mean log D(x) − mean log(1 − D(x̂))
        double[] dr = real.ToDoubleArray().Select(l => 1 / (1 + Math.Exp(-l))).ToArray(), df = fake.ToDoubleArray().Select(l => 1 / (1 + Math.Exp(-l))).ToArray();
        Assert.Equal(-dr.Average(Math.Log) - df.Average(d => Math.Log(1 - d)), GanLosses.Discriminator(real, fake).Item(), 12);
    }

    [Fact]
    public void Generator_losses_have_gradients_minus_D_and_minus_one_minus_D_per_logit()
    {
        var l = Logits(-6, -2, 0, 3).RequireGrad();
        var saturating = Autograd.Grad(GanLosses.GeneratorSaturating(l) * 4, l).ToDoubleArray();     // ×B: per-sample derivative
        var nonSaturating = Autograd.Grad(GanLosses.GeneratorNonSaturating(l) * 4, l).ToDoubleArray();
        var d = l.ToDoubleArray().Select(v => 1 / (1 + Math.Exp(-v))).ToArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(-d[i], saturating[i], 12);
            Assert.Equal(-(1 - d[i]), nonSaturating[i], 12);
        }
        // where D rejects the fake (logit −6, D ≈ 0.0025) the saturating gradient is ~400 times smaller
        Assert.True(Math.Abs(nonSaturating[0] / saturating[0]) > 300);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var rng = new Rng(3);
        var a = rng.Normal([5], dtype: DType.Float64);
        var b = rng.Normal([5], dtype: DType.Float64);
        Assert.True(GradCheck.Run(x => GanLosses.Discriminator(x[0], x[1]), [a, b]).Passed);
        Assert.True(GradCheck.Run(x => GanLosses.GeneratorSaturating(x[0]), [a]).Passed);
        Assert.True(GradCheck.Run(x => GanLosses.GeneratorNonSaturating(x[0]), [a]).Passed);
        Assert.True(GradCheck.Run(x => GanLosses.Critic(x[0], x[1]) + GanLosses.WassersteinGenerator(x[1]), [a, b]).Passed);
    }
}
