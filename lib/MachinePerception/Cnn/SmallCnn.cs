using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Cnn;

/// <summary>
/// The chapter's image classifier (§11): two blocks of convolution → 2×2 max pooling → batch normalisation → ReLU,
/// then one linear layer on the flattened maps. With 28×28 inputs, "same" padding keeps each
/// convolution's output at the input size, and each pooling halves it: 28 → 14 → 7. This is the "2 Conv + pooling"
/// architecture of the Fashion-MNIST benchmark table, with batch normalisation added so that a few epochs suffice.
/// </summary>
/// <remarks>
/// Normalising after the pooling instead of before it costs a quarter of the work. At inference, where batch
/// normalisation is a fixed affine map per channel, the order does not matter when the gains are positive: max pooling
/// commutes with every increasing map applied entry by entry, max(f(a), f(b)) = f(max(a, b)). Only the statistics
/// used during training differ (taken over the pooled maps).
/// </remarks>
public sealed class SmallCnn : Layer
{
    /// <summary>The first convolution; its kernels [C1, 1, k, k] are the filters the chapter shows.</summary>
    public Conv2d Conv1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Norm1 { get; }
    public BatchNorm2d Norm2 { get; }
    public Linear Classifier { get; }

    public SmallCnn(Rng rng, int channels1 = 32, int channels2 = 64, int kernel = 3, int classes = 10, int imageSize = 28)
    {
        int pad = kernel / 2; // keeps H and W for an odd kernel: (in + 2⌊k/2⌋ − (k − 1) − 1)/1 + 1 = in
        Conv1 = RegisterModule("conv1", new Conv2d(1, channels1, kernel, rng, padding: pad));
        Norm1 = RegisterModule("norm1", new BatchNorm2d(channels1));
        Conv2 = RegisterModule("conv2", new Conv2d(channels1, channels2, kernel, rng, padding: pad));
        Norm2 = RegisterModule("norm2", new BatchNorm2d(channels2));
        int side = imageSize / 4;
        Classifier = RegisterModule("classifier", new Linear(channels2 * side * side, classes, rng));
    }

    public override Tensor Forward(Tensor x)                                // [B, 1, 28, 28]
    {
        var h = Op.Relu(Norm1.Forward(Op.MaxPool2d(Conv1.Forward(x), 2)));  // [B, C1, 14, 14]
        h = Op.Relu(Norm2.Forward(Op.MaxPool2d(Conv2.Forward(h), 2)));      // [B, C2, 7, 7]
        return Classifier.Forward(h.Reshape(h.Shape[0], -1));               // [B, classes]
    }

    public override string ToString() =>
        $"SmallCnn({Conv1} → MaxPool 2×2 → {Norm1} → ReLU → {Conv2} → MaxPool 2×2 → {Norm2} → ReLU → {Classifier})";
}
