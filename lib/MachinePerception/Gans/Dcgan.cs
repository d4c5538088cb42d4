using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// The DCGAN generator (§5, Radford et al. 2016) for 28×28 images: no pooling and no fully connected hidden layer,
/// only transposed convolutions that double the resolution, batch normalisation and ReLU after each but the last,
/// and a sigmoid output (pixels in [0, 1], as <see cref="Data.Mnist"/> gives them):
/// z [B, Z] → project and reshape → [B, 4c, 7, 7] → ConvT 4×4 stride 2 → [B, 2c, 14, 14] → ConvT 4×4 stride 2 → [B, 1, 28, 28].
/// The projection is DCGAN's first layer, a matrix product of z (a 7×7 transposed convolution of z as a 1×1 image is the
/// same map; the product is cheaper). Output sizes follow (H − 1)·s − 2p + k: (7 − 1)·2 − 2 + 4 = 14, (14 − 1)·2 − 2 + 4 = 28.
/// </summary>
public sealed class DcganGenerator : Layer
{
    public int LatentSize { get; }
    readonly Linear project;
    readonly ConvTranspose2d up2, up3;
    readonly int channels;
    readonly BatchNorm2d norm1, norm2;

    public DcganGenerator(int latentSize, int channels, Rng rng, DType dtype = DType.Float32)
    {
        if (latentSize <= 0 || channels <= 0)
            throw new ArgumentException($"DcganGenerator: latent size {latentSize} and channels {channels} must be positive");
        LatentSize = latentSize;
        this.channels = channels;
        project = RegisterModule("project", new Linear(latentSize, 4 * channels * 49, rng, bias: false, dtype: dtype));
        norm1 = RegisterModule("norm1", new BatchNorm2d(4 * channels, dtype: dtype));
        up2 = RegisterModule("up2", new ConvTranspose2d(4 * channels, 2 * channels, 4, rng, stride: 2, padding: 1, bias: false, dtype: dtype));
        norm2 = RegisterModule("norm2", new BatchNorm2d(2 * channels, dtype: dtype));
        up3 = RegisterModule("up3", new ConvTranspose2d(2 * channels, 1, 4, rng, stride: 2, padding: 1, dtype: dtype));
    }

    /// <summary>z [B, Z] → images [B, 1, 28, 28] in (0, 1).</summary>
    public override Tensor Forward(Tensor z)
    {
        if (z.Rank != 2 || z.Shape[1] != LatentSize)
            throw new ArgumentException($"DcganGenerator: expected z [B, {LatentSize}], got {z.Shape}");
        var h = Op.Reshape(project.Forward(z), z.Shape[0], 4 * channels, 7, 7); // [B, 4c, 7, 7]
        h = Op.Relu(norm1.Forward(h));
        h = Op.Relu(norm2.Forward(up2.Forward(h)));                          // [B, 2c, 14, 14]
        return Op.Sigmoid(up3.Forward(h));                                   // [B, 1, 28, 28]
    }

    /// <summary>n images from z ~ N(0, I) drawn from <paramref name="rng"/>, in evaluation mode and without gradients.</summary>
    public Tensor Sample(int n, Rng rng) => GanSampling.Generate(this, rng.Normal([n, LatentSize], dtype: DTypeOf(this)));

    internal static DType DTypeOf(Module m) => m.Parameters()[0].DType;
}

/// <summary>
/// The DCGAN discriminator (§5): strided convolutions instead of pooling, LeakyReLU(0.2) (a gradient also for negative
/// inputs, so the generator keeps receiving a signal), batch normalisation in the middle layer, one logit per image:
/// x [B, 1, 28, 28] → Conv 4×4 s2 → [B, c, 14, 14] → Conv 4×4 s2 → [B, 2c, 7, 7] → linear → [B]. The last layer weighs the whole
/// 7×7 map, i.e. a 7×7 convolution without padding, written as the matrix product it is.
/// With <c>batchNorm: false</c> it is the WGAN-GP critic (see <see cref="WganGp"/> for why). With
/// <c>minibatchStd: true</c> the last feature map gets one more channel, ProGAN's and StyleGAN's minibatch standard
/// deviation (the standard deviation of each feature over the batch, averaged): a batch of near-identical fakes scores
/// differently from a varied batch of real images, so a generator that collapses onto one image is caught.
/// </summary>
public sealed class DcganDiscriminator : Layer
{
    readonly Conv2d down1, down2;
    readonly Linear head;
    readonly BatchNorm2d? norm;
    readonly bool minibatchStd;

    public DcganDiscriminator(int channels, Rng rng, bool batchNorm = true, DType dtype = DType.Float32, bool minibatchStd = false)
    {
        if (channels <= 0) throw new ArgumentException($"DcganDiscriminator: channels {channels} must be positive");
        down1 = RegisterModule("down1", new Conv2d(1, channels, 4, rng, stride: 2, padding: 1, dtype: dtype));
        down2 = RegisterModule("down2", new Conv2d(channels, 2 * channels, 4, rng, stride: 2, padding: 1, bias: !batchNorm, dtype: dtype));
        if (batchNorm) norm = RegisterModule("norm", new BatchNorm2d(2 * channels, dtype: dtype));
        this.minibatchStd = minibatchStd;
        head = RegisterModule("head", new Linear((2 * channels + (minibatchStd ? 1 : 0)) * 49, 1, rng, dtype: dtype));
    }

    /// <summary>x [B, 1, 28, 28] → logits (or critic scores) [B].</summary>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] != 1 || x.Shape[2] != 28 || x.Shape[3] != 28)
            throw new ArgumentException($"DcganDiscriminator: expected images [B, 1, 28, 28], got {x.Shape}");
        var h = Op.LeakyRelu(down1.Forward(x), 0.2);                         // [B, c, 14, 14]
        h = down2.Forward(h);                                                // [B, 2c, 7, 7]
        if (norm is not null) h = norm.Forward(h);
        h = Op.LeakyRelu(h, 0.2);
        if (minibatchStd) h = Op.Concat([h, MinibatchStd(h)], 1);            // [B, 2c + 1, 7, 7]
        return Op.Reshape(head.Forward(Op.Reshape(h, x.Shape[0], -1)), x.Shape[0]); // [B]
    }

    /// <summary>h [B, C, H, W] → [B, 1, H, W], every entry the mean over (C, H, W) of the standard deviation over the batch.</summary>
    public static Tensor MinibatchStd(Tensor h)
    {
        var std = Op.Sqrt(Op.Variance(h, 0) + 1e-8);                        // [C, H, W]
        var mean = Op.Reshape(Op.Mean(std), 1, 1, 1, 1);
        return Op.BroadcastTo(mean, new Shape(h.Shape[0], 1, h.Shape[2], h.Shape[3]));
    }
}

/// <summary>A generator and its discriminator (or critic) in one module, so that one checkpoint holds both.</summary>
public sealed class GanPair : Module
{
    public DcganGenerator Generator { get; }
    public DcganDiscriminator Discriminator { get; }

    public GanPair(DcganGenerator generator, DcganDiscriminator discriminator)
    {
        Generator = RegisterModule("generator", generator);
        Discriminator = RegisterModule("discriminator", discriminator);
    }
}

/// <summary>Sampling helpers shared by the GAN generators.</summary>
public static class GanSampling
{
    /// <summary>
    /// G(z) in evaluation mode (batch normalisation uses its running statistics, so an image does not depend on the
    /// rest of its batch) and without gradients, in batches of 500; the generator's mode is restored afterwards.
    /// </summary>
    public static Tensor Generate(Layer generator, Tensor z, int batchSize = 500)
    {
        bool training = generator.Training;
        generator.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var parts = new List<Tensor>();
            for (int start = 0; start < z.Shape[0]; start += batchSize)
                parts.Add(generator.Forward(Op.Slice(z, 0, start, Math.Min(batchSize, z.Shape[0] - start))));
            return parts.Count == 1 ? parts[0] : Op.Concat(parts, 0);
        }
        finally { generator.Train(training); }
    }
}
