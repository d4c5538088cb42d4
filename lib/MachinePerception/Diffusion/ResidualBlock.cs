using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The residual block of a diffusion U-Net (§6): h = conv₁(relu(norm₁(x))) + W relu(e) (the step embedding e [B, E]
/// projected to one bias per output channel), out = conv₂(relu(norm₂(h))) + skip(x), where skip is a 1×1 convolution when
/// the channel count changes and the identity otherwise. x [B, Cin, H, W], e [B, E] → [B, Cout, H, W].
/// The embedding enters every block, so every layer knows the noise level it is working at. ReLU rather than the SiLU
/// (swish) of Ho et al.: on our CPU a sigmoid costs more than the convolution it follows.
/// </summary>
public sealed class ResidualBlock : Module
{
    public int InChannels { get; }
    public int OutChannels { get; }
    readonly GroupNorm norm1, norm2;
    readonly Conv2d conv1, conv2;
    readonly Linear embedding;
    readonly Conv2d? skip;

    public ResidualBlock(int inChannels, int outChannels, int embeddingSize, int groups, Rng rng, DType dtype = DType.Float32)
    {
        (InChannels, OutChannels) = (inChannels, outChannels);
        norm1 = RegisterModule("norm1", new GroupNorm(groups, inChannels, dtype: dtype));
        conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, rng, padding: 1, dtype: dtype));
        embedding = RegisterModule("embedding", new Linear(embeddingSize, outChannels, rng, dtype: dtype));
        norm2 = RegisterModule("norm2", new GroupNorm(groups, outChannels, dtype: dtype));
        conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, rng, padding: 1, dtype: dtype));
        if (inChannels != outChannels) skip = RegisterModule("skip", new Conv2d(inChannels, outChannels, 1, rng, dtype: dtype));
    }

    public Tensor Forward(Tensor x, Tensor e)
    {
        if (x.Rank != 4 || x.Shape[1] != InChannels)
            throw new ArgumentException($"ResidualBlock: expected x [B, {InChannels}, H, W], got {x.Shape}");
        int b = x.Shape[0], hw = x.Shape[2] * x.Shape[3];
        var h = conv1.Forward(Op.Relu(norm1.Forward(x)));                                      // [B, Cout, H, W]
        var bias = Op.Reshape(embedding.Forward(Op.Relu(e)), b, OutChannels, 1);             // [B, Cout, 1]: one bias per channel from e
        h = Op.Reshape(Op.Reshape(h, b, OutChannels, hw) + bias, h.Shape.ToArray());        // (broadcast along H·W in one row)
        h = conv2.Forward(Op.Relu(norm2.Forward(h)));
        return h + (skip is null ? x : skip.Forward(x));
    }
}
