using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Cnn;

/// <summary>
/// The chapter's image classifier (§11): two blocks of convolution → ReLU → 2×2 max pooling, then one linear
/// layer on the flattened maps. With 28×28 inputs, "same" padding keeps each convolution's output at the
/// input size, and each pooling halves it: 28 → 14 → 7. This is the "2 Conv + pooling" architecture of the
/// Fashion-MNIST benchmark table.
/// </summary>
public sealed class SmallCnn : Layer
{
    /// <summary>The first convolution; its kernels [C1, 1, k, k] are the filters the chapter shows.</summary>
    public Conv2d Conv1 { get; }
    public Conv2d Conv2 { get; }
    public Linear Classifier { get; }

    public SmallCnn(Rng rng, int channels1 = 16, int channels2 = 32, int kernel = 5, int classes = 10, int imageSize = 28)
    {
        int pad = kernel / 2; // keeps H and W for an odd kernel: (in + 2⌊k/2⌋ − (k − 1) − 1)/1 + 1 = in
        Conv1 = RegisterModule("conv1", new Conv2d(1, channels1, kernel, rng, padding: pad));
        Conv2 = RegisterModule("conv2", new Conv2d(channels1, channels2, kernel, rng, padding: pad));
        int side = imageSize / 4;
        Classifier = RegisterModule("classifier", new Linear(channels2 * side * side, classes, rng));
    }

    public override Tensor Forward(Tensor x)                // [B, 1, 28, 28]
    {
        var h = Op.MaxPool2d(Op.Relu(Conv1.Forward(x)), 2); // [B, C1, 14, 14]
        h = Op.MaxPool2d(Op.Relu(Conv2.Forward(h)), 2);     // [B, C2, 7, 7]
        return Classifier.Forward(h.Reshape(h.Shape[0], -1)); // [B, classes]
    }

    public override string ToString() => $"SmallCnn({Conv1} → ReLU → MaxPool 2×2 → {Conv2} → ReLU → MaxPool 2×2 → {Classifier})";
}
