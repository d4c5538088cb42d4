using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// A small keypoint detector (§9.2) for S×S pose images: a convolutional trunk that sees the whole figure, and heads that
/// paint one heatmap per joint at half the image's resolution. With <c>stages = 2</c> a second stage refines the first, in
/// the manner of convolutional pose machines (Wei et al. 2016): it gets the trunk's features and the first stage's heatmaps,
/// so it can correct one joint by where the others were found; every stage is trained towards the same targets
/// (intermediate supervision).
/// <code>
/// image [B, 3, S, S] → conv 5×5 /2 → conv 3×3 = f [B, C1, S/2, S/2] → conv 3×3 /2 → 2 × conv 3×3 (dilation 2) = g [B, C2, S/4, S/4]
/// stage 1: [up(g), f] → conv 1×1 → conv 1×1 → heatmaps [B, K, S/2, S/2]
/// stage 2: [f, heatmaps₁] → conv 3×3 /2 → conv 3×3 (dilation 2) → [up(·), f] → conv 1×1 → heatmaps [B, K, S/2, S/2]
/// </code>
/// </summary>
public sealed class HeatmapNetwork : Layer
{
    readonly Conv2d stem, conv1, down, context1, context2, head1, head2;
    readonly Conv2d? refineDown, refineContext, refineHead;

    public int Keypoints { get; }
    public int Stages { get; }

    /// <summary>Heatmaps are this many times smaller than the image.</summary>
    public const int Stride = 2;

    public HeatmapNetwork(Rng rng, int keypoints, int stages = 1, int width1 = 16, int width2 = 32)
    {
        if (stages is not (1 or 2)) throw new ArgumentException($"HeatmapNetwork: {stages} stages; 1 or 2");
        Keypoints = keypoints;
        Stages = stages;
        stem = RegisterModule("stem", new Conv2d(StickFigures.Channels, width1, 5, rng, stride: 2, padding: 2));
        conv1 = RegisterModule("conv1", new Conv2d(width1, width1, 3, rng, padding: 1));
        down = RegisterModule("down", new Conv2d(width1, width2, 3, rng, stride: 2, padding: 1));
        context1 = RegisterModule("context1", new Conv2d(width2, width2, 3, rng, padding: 2, dilation: 2));
        context2 = RegisterModule("context2", new Conv2d(width2, width2, 3, rng, padding: 2, dilation: 2));
        head1 = RegisterModule("head1", new Conv2d(width1 + width2, width2, 1, rng));
        head2 = RegisterModule("head2", new Conv2d(width2, keypoints, 1, rng));
        if (stages == 2)
        {
            refineDown = RegisterModule("refine_down", new Conv2d(width1 + keypoints, width2, 3, rng, stride: 2, padding: 1));
            refineContext = RegisterModule("refine_context", new Conv2d(width2, width2, 3, rng, padding: 2, dilation: 2));
            refineHead = RegisterModule("refine_head", new Conv2d(width1 + width2, keypoints, 1, rng));
        }
    }

    /// <summary>The heatmaps of every stage, first to last, each [B, K, S/2, S/2] (raw scores, trained towards the Gaussians).</summary>
    public Tensor[] StageOutputs(Tensor images)
    {
        var f = Op.Relu(conv1.Forward(Op.Relu(stem.Forward(images))));                         // [B, C1, S/2, S/2]
        var g = Op.Relu(context2.Forward(Op.Relu(context1.Forward(Op.Relu(down.Forward(f)))))); // [B, C2, S/4, S/4]
        var up = Op.Upsample(g, new Size2d(2, 2));
        var first = head2.Forward(Op.Relu(head1.Forward(Op.Concat([up, f], 1))));             // [B, K, S/2, S/2]
        if (Stages == 1) return [first];
        var r = Op.Relu(refineContext!.Forward(Op.Relu(refineDown!.Forward(Op.Concat([f, first], 1)))));
        var second = refineHead!.Forward(Op.Concat([Op.Upsample(r, new Size2d(2, 2)), f], 1));
        return [first, second];
    }

    public override Tensor Forward(Tensor images) => StageOutputs(images)[^1];

    public override string ToString() => $"HeatmapNetwork({Keypoints} keypoints, {Stages} stage{(Stages > 1 ? "s" : "")}, {ParameterCount:N0} parameters)";
}

/// <summary>
/// Direct regression of joint coordinates (§9.2, "DeepPose", Toshev and Szegedy 2014): the same kind of trunk as
/// <see cref="HeatmapNetwork"/>, then a fully connected layer that outputs the 2K numbers (x, y per joint, in units of
/// the image size). No spatial output: the network must turn "where" into a number itself.
/// </summary>
public sealed class KeypointRegressor : Layer
{
    readonly Conv2d stem, conv1, down, context1, context2;
    readonly Linear hidden, output;
    readonly int size;

    public int Keypoints { get; }

    public KeypointRegressor(Rng rng, int keypoints, int imageSize, int width1 = 16, int width2 = 32, int hiddenUnits = 128)
    {
        Keypoints = keypoints;
        size = imageSize;
        stem = RegisterModule("stem", new Conv2d(StickFigures.Channels, width1, 5, rng, stride: 2, padding: 2));
        conv1 = RegisterModule("conv1", new Conv2d(width1, width1, 3, rng, padding: 1));
        down = RegisterModule("down", new Conv2d(width1, width2, 3, rng, stride: 2, padding: 1));
        context1 = RegisterModule("context1", new Conv2d(width2, width2, 3, rng, padding: 2, dilation: 2));
        context2 = RegisterModule("context2", new Conv2d(width2, width2, 3, rng, stride: 2, padding: 1));
        int side = imageSize / 8;
        hidden = RegisterModule("hidden", new Linear(width2 * side * side, hiddenUnits, rng));
        output = RegisterModule("output", new Linear(hiddenUnits, 2 * keypoints, rng));
    }

    /// <summary>Coordinates [B, K, 2] in image pixels.</summary>
    public override Tensor Forward(Tensor images)
    {
        var h = Op.Relu(conv1.Forward(Op.Relu(stem.Forward(images))));
        h = Op.Relu(context2.Forward(Op.Relu(context1.Forward(Op.Relu(down.Forward(h))))));   // [B, C2, S/8, S/8]
        var z = Op.Relu(hidden.Forward(h.Reshape(h.Shape[0], -1)));
        return (output.Forward(z) * size).Reshape(images.Shape[0], Keypoints, 2);
    }

    public override string ToString() => $"KeypointRegressor({Keypoints} keypoints, {ParameterCount:N0} parameters)";
}
