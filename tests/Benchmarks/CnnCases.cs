using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A small CNN's training step on 28×28 images, batch 64: conv 3×3 (1→c1, pad 1) → ReLU → max-pool 2 →
/// conv 3×3 (c1→c2, pad 1) → ReLU → max-pool 2 → linear c2·7·7 → 10, mean cross-entropy.
/// </summary>
sealed class CnnStepCase(int c1, int c2) : TrainingStepCase
{
    const int Batch = 64, Classes = 10;
    public override string Name => $"cnn-{c1}-{c2}-b{Batch}";

    // conv1's input (the images) needs no gradient
    protected override double Flops =>
        Flop.Conv(Batch, 1, c1, 3, 28, 28, inputGradient: false) + Flop.Conv(Batch, c1, c2, 3, 14, 14) + Flop.Linear(Batch, c2 * 49, Classes);

    protected override StepModel Build(Rng rng)
    {
        var model = new StepModel();
        var net = new Sequential(
            model.Layer("conv1", new Conv2d(1, c1, 3, rng, padding: 1)), new ReLU(), new MaxPool2d(2), // [64, c1, 14, 14]
            model.Layer("conv2", new Conv2d(c1, c2, 3, rng, padding: 1)), new ReLU(), new MaxPool2d(2), // [64, c2, 7, 7]
            new Flatten(), model.Layer("fc", new Linear(c2 * 7 * 7, Classes, rng)));                   // [64, 10]
        var x = model.Input("x", rng.Uniform([Batch, 1, 28, 28]));
        var labels = Enumerable.Range(0, Batch).Select(_ => rng.NextInt(Classes)).ToArray();
        model.Input("labels", Tensor.FromArray(labels.Select(l => (float)l).ToArray(), Batch));
        model.Loss = () => Losses.CrossEntropy(net.Forward(x), labels);
        return model;
    }
}

/// <summary>
/// A convolution block: two 3×3 convolutions 64 → 64 (pad 1) with a ReLU between, 28×28, batch 32, MSE to a
/// random target. Nearly all of its work is convolution, so it measures the convolution kernels themselves.
/// </summary>
sealed class ConvBlockCase : TrainingStepCase
{
    const int Batch = 32, C = 64, S = 28;
    public override string Name => "conv-block-64-b32";

    protected override double Flops => Flop.Conv(Batch, C, C, 3, S, S, inputGradient: false) + Flop.Conv(Batch, C, C, 3, S, S);

    protected override StepModel Build(Rng rng)
    {
        var model = new StepModel();
        var conv1 = model.Layer("conv1", new Conv2d(C, C, 3, rng, padding: 1));
        var conv2 = model.Layer("conv2", new Conv2d(C, C, 3, rng, padding: 1));
        var x = model.Input("x", rng.Normal([Batch, C, S, S]));
        var target = model.Input("target", rng.Normal([Batch, C, S, S]));
        model.Loss = () => Losses.Mse(conv2.Forward(Op.Relu(conv1.Forward(x))), target);
        return model;
    }
}
