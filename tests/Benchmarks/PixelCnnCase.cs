using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A PixelCNN's training step (§3, autoregressive models) on binary 28×28 images, batch 32, 64 channels: a masked 7×7
/// convolution of type A (a pixel sees only the pixels above it and to its left), five masked 3×3 convolutions of
/// type B (the centre too), each followed by a ReLU, then two 1×1 convolutions to one logit per pixel; binary
/// cross-entropy with the image itself. A mask multiplies the kernel on every forward pass, as in the usual code.
/// </summary>
sealed class PixelCnnCase : TrainingStepCase
{
    const int B = 32, S = 28, C = 64, Layers3x3 = 5;
    public override string Name => "pixelcnn-28-b32";

    protected override double Flops =>
        Flop.Conv(B, 1, C, 7, S, S, inputGradient: false) + Layers3x3 * Flop.Conv(B, C, C, 3, S, S)
        + Flop.Conv(B, C, C, 1, S, S) + Flop.Conv(B, C, 1, 1, S, S);

    protected override StepModel Build(Rng rng)
    {
        var model = new StepModel();
        var masked = new List<(Conv2d Conv, Tensor Mask)>();
        for (int l = 0; l <= Layers3x3; l++)
        {
            int k = l == 0 ? 7 : 3;
            var conv = model.Layer($"masked{l}", new Conv2d(l == 0 ? 1 : C, C, k, rng, padding: k / 2));
            masked.Add((conv, model.Input($"masked{l}.mask", Mask(k, includeCentre: l > 0))));
        }
        var head1 = model.Layer("head1", new Conv2d(C, C, 1, rng));
        var head2 = model.Layer("head2", new Conv2d(C, 1, 1, rng));
        var x = model.Input("x", rng.Bernoulli([B, 1, S, S], 0.5));
        model.Loss = () =>
        {
            var h = x;
            foreach (var (conv, mask) in masked)
                h = Op.Relu(Op.Conv2d(h, conv.Weight * mask, conv.Bias, padding: conv.Padding));  // [B, 64, 28, 28]
            var logits = head2.Forward(Op.Relu(head1.Forward(h)));                                 // [B, 1, 28, 28]
            return Losses.BceWithLogits(logits, x);
        };
        return model;
    }

    // [k, k]: 1 on the rows above the centre and left of it on its row (and the centre itself for type B)
    static Tensor Mask(int k, bool includeCentre)
    {
        var m = new float[k * k];
        int c = k / 2;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                m[i * k + j] = i < c || (i == c && (j < c || (j == c && includeCentre))) ? 1 : 0;
        return Tensor.FromArray(m, k, k);
    }
}
