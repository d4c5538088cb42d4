using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Optim;

public class ClippingAndScheduleTests
{
    [Fact]
    public void Clipping_rescales_all_gradients_by_one_factor_and_returns_the_norm_before()
    {
        var a = Tensor.FromArray([3.0], 1).RequireGrad();
        var b = Tensor.FromArray([0.0, 0.0], 2).RequireGrad();
        a.Grad = Tensor.FromArray([3.0], 1);
        b.Grad = Tensor.FromArray([0.0, -4.0], 2);
        double norm = GradientClipping.ClipByGlobalNorm([a, b], 1.0);
        Assert.Equal(5.0, norm, 15);
        Assert.Equal(0.6, a.Grad.Item(), 15);
        Assert.Equal(0.0, b.Grad.ToDoubleArray()[0]);
        Assert.Equal(-0.8, b.Grad.ToDoubleArray()[1], 15);
        // below the threshold nothing changes
        var before = a.Grad.ToDoubleArray();
        Assert.Equal(1.0, GradientClipping.ClipByGlobalNorm([a, b], 2.0), 15);
        Assert.Equal(before, a.Grad.ToDoubleArray());
        // float32 gradients, parameters without gradients ignored
        var c = Tensor.FromArray([0f, 0f], 2).RequireGrad();
        c.Grad = Tensor.FromArray([6f, 8f], 2);
        var none = Tensor.FromArray([0f], 1).RequireGrad();
        Assert.Equal(10.0, GradientClipping.ClipByGlobalNorm([c, none], 5), 6);
        Assert.Equal([3f, 4f], c.Grad.ToFloatArray());
        Assert.Throws<ArgumentException>(() => GradientClipping.ClipByGlobalNorm([c], 0));
    }

    [Fact]
    public void Schedules_give_their_formulas()
    {
        var step = new StepDecay(0.1, 10, 0.5);
        Assert.Equal([0.1, 0.1, 0.05, 0.025], new[] { 0, 9, 10, 25 }.Select(step.At));
        var exp = new ExponentialDecay(1.0, 0.9);
        Assert.Equal(0.9 * 0.9 * 0.9, exp.At(3), 15);
        var cos = new CosineDecay(1.0, 100, 0.1);
        Assert.Equal(1.0, cos.At(0), 15);
        Assert.Equal(0.55, cos.At(50), 15); // halfway: the mean of 1 and 0.1
        Assert.Equal(0.1, cos.At(100), 15);
        Assert.Equal(0.1, cos.At(150), 15);
        var warm = new LinearWarmup(4, new ConstantRate(0.2));
        Assert.Equal([0.05, 0.1, 0.15, 0.2, 0.2], Enumerable.Range(0, 5).Select(warm.At).Select(v => Math.Round(v, 15)));
        var warmCos = new LinearWarmup(2, new CosineDecay(1.0, 10));
        Assert.Equal(1.0, warmCos.At(2), 15); // the cosine starts after the warm-up
        Assert.Throws<ArgumentException>(() => exp.At(-1));
    }

    [Fact]
    public void A_schedule_sets_the_optimizer_learning_rate()
    {
        var p = Tensor.FromArray([0.0], 1).RequireGrad();
        var opt = new Sgd([p], 1.0);
        var schedule = new StepDecay(0.5, 1, 0.1);
        for (int t = 0; t < 3; t++)
        {
            schedule.Apply(opt, t);
            p.Grad = Tensor.FromArray([1.0], 1);
            opt.Step();
        }
        Assert.Equal(-(0.5 + 0.05 + 0.005), p.Item(), 15);
    }
}
