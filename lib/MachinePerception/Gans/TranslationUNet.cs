using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// The image-to-image generator of Pix2Pix (§5.2; Isola et al. 2017), a small U-Net for 28×28 images: an encoder of strided
/// convolutions down to 7×7, a decoder of transposed convolutions back up, and skip connections that concatenate each
/// encoder map to the decoder map of the same size, so fine detail (where the edges are) need not squeeze through the
/// 7×7 bottleneck. x [B, Cin, 28, 28] → Conv s2 → e1 [B, c, 14, 14] → Conv s2 → e2 [B, 2c, 7, 7] → ConvT s2 → [B, c, 14, 14],
/// concatenated with e1 → ConvT s2 → [B, c, 28, 28], concatenated with x → 3×3 conv → [B, 1, 28, 28] (sigmoid).
/// Cin is 1 for Pix2Pix and CycleGAN, 1 + Z for BicycleGAN, whose noise code z is broadcast to Z constant channels.
/// </summary>
public sealed class TranslationUNet : Layer
{
    readonly Conv2d down1, down2, final;
    readonly ConvTranspose2d up2, up1;
    readonly BatchNorm2d norm2, normUp2;
    public int InChannels { get; }

    public TranslationUNet(int inChannels, int channels, Rng rng, DType dtype = DType.Float32)
    {
        if (inChannels < 1 || channels < 1) throw new ArgumentException($"TranslationUNet: channels {inChannels} → {channels} must be positive");
        InChannels = inChannels;
        down1 = RegisterModule("down1", new Conv2d(inChannels, channels, 4, rng, stride: 2, padding: 1, dtype: dtype));
        down2 = RegisterModule("down2", new Conv2d(channels, 2 * channels, 4, rng, stride: 2, padding: 1, bias: false, dtype: dtype));
        norm2 = RegisterModule("norm2", new BatchNorm2d(2 * channels, dtype: dtype));
        up2 = RegisterModule("up2", new ConvTranspose2d(2 * channels, channels, 4, rng, stride: 2, padding: 1, bias: false, dtype: dtype));
        normUp2 = RegisterModule("norm_up2", new BatchNorm2d(channels, dtype: dtype));
        up1 = RegisterModule("up1", new ConvTranspose2d(2 * channels, channels, 4, rng, stride: 2, padding: 1, dtype: dtype));
        final = RegisterModule("final", new Conv2d(channels + inChannels, 1, 3, rng, padding: 1, dtype: dtype));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] != InChannels || x.Shape[2] != 28 || x.Shape[3] != 28)
            throw new ArgumentException($"TranslationUNet: expected [B, {InChannels}, 28, 28], got {x.Shape}");
        var e1 = Op.LeakyRelu(down1.Forward(x), 0.2);                            // [B, c, 14, 14]
        var e2 = Op.LeakyRelu(norm2.Forward(down2.Forward(e1)), 0.2);            // [B, 2c, 7, 7]
        var d2 = Op.Relu(normUp2.Forward(up2.Forward(e2)));                      // [B, c, 14, 14]
        var d1 = Op.Relu(up1.Forward(Op.Concat([d2, e1], 1)));                  // [B, c, 28, 28]
        return Op.Sigmoid(final.Forward(Op.Concat([d1, x], 1)));                 // [B, 1, 28, 28]
    }

    /// <summary>The BicycleGAN input: the image [B, 1, H, W] with the code z [B, Z] broadcast to Z more channels.</summary>
    public static Tensor WithCode(Tensor image, Tensor code)
    {
        if (image.Rank != 4 || code.Rank != 2 || code.Shape[0] != image.Shape[0])
            throw new ArgumentException($"TranslationUNet.WithCode: expected image [B, C, H, W] and code [B, Z], got {image.Shape} and {code.Shape}");
        int b = image.Shape[0], z = code.Shape[1], h = image.Shape[2], w = image.Shape[3];
        var planes = Op.BroadcastTo(Op.Reshape(code, b, z, 1, 1), new Shape(b, z, h, w));
        return Op.Concat([image, planes], 1);
    }
}

/// <summary>
/// PatchGAN, Pix2Pix's discriminator (§5.2): a fully convolutional net that outputs a grid of logits, one per overlapping
/// patch (here 7×7 logits, each seeing an 18×18 window), and so judges whether each local patch looks real; the L1 term
/// of the loss takes care of the low frequencies. Conditional (Pix2Pix): the input is the pair (x, y) as two channels;
/// unconditional (CycleGAN): y alone. [B, Cin, 28, 28] → [B, 7, 7] logits.
/// Receptive field: the 3×3 head sees 3 cells of the 7×7 map, (3 − 1)·2 + 4 = 8 cells of the 14×14 map,
/// (8 − 1)·2 + 4 = 18 pixels.
/// </summary>
public sealed class PatchDiscriminator : Layer
{
    readonly Conv2d down1, down2, head;
    readonly BatchNorm2d norm;
    public int InChannels { get; }

    public PatchDiscriminator(int inChannels, int channels, Rng rng, DType dtype = DType.Float32)
    {
        InChannels = inChannels;
        down1 = RegisterModule("down1", new Conv2d(inChannels, channels, 4, rng, stride: 2, padding: 1, dtype: dtype));
        down2 = RegisterModule("down2", new Conv2d(channels, 2 * channels, 4, rng, stride: 2, padding: 1, bias: false, dtype: dtype));
        norm = RegisterModule("norm", new BatchNorm2d(2 * channels, dtype: dtype));
        head = RegisterModule("head", new Conv2d(2 * channels, 1, 3, rng, padding: 1, dtype: dtype));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] != InChannels || x.Shape[2] != 28 || x.Shape[3] != 28)
            throw new ArgumentException($"PatchDiscriminator: expected [B, {InChannels}, 28, 28], got {x.Shape}");
        var h = Op.LeakyRelu(down1.Forward(x), 0.2);                             // [B, c, 14, 14]
        h = Op.LeakyRelu(norm.Forward(down2.Forward(h)), 0.2);                   // [B, 2c, 7, 7]
        return Op.Reshape(head.Forward(h), x.Shape[0], 7, 7);                     // [B, 7, 7]
    }
}
