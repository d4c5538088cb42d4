using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>BicycleGAN's fakes for one batch: the encoder's μ and log σ² of the real y, G(x, encoded z), G(x, random z) and that random z.</summary>
public sealed record BicycleFakes(Tensor Mean, Tensor LogVariance, Tensor FromEncoded, Tensor FromRandom, Tensor RandomCode);

/// <summary>The terms of BicycleGAN's generator loss, for logging.</summary>
public sealed record BicycleLoss(Tensor Total, double Adversarial, double Reconstruction, double Kl, double LatentRecovery);

/// <summary>
/// BicycleGAN (§5.2; Zhu et al. 2017): Pix2Pix with a noise code z as a second input, G(x, z), so that one input can have
/// many outputs (an edge map fits many digits). A noise input alone is ignored by G (the L1 target does not depend on it),
/// so BicycleGAN ties z to the output in both directions:
/// <list type="bullet">
/// <item>cVAE-GAN (y → z → ŷ): an encoder E gives q(z | y) = N(μ(y), σ²(y)); with z ~ q, G(x, z) must rebuild y
/// (λ‖y − G(x, z)‖₁) and fool D; λ_KL·KL(q ‖ N(0, I)) keeps the codes usable as samples of the prior.</item>
/// <item>cLR-GAN (z → ŷ → z): for a random z ~ N(0, I), G(x, z) must fool D and E must recover z from it
/// (λ_z‖μ(G(x, z)) − z‖₁), so different z give visibly different outputs.</item>
/// </list>
/// One conditional <see cref="PatchDiscriminator"/> judges both kinds of fake. λ = 10, λ_KL = 0.01, λ_z = 0.5 as in the paper.
/// </summary>
public sealed class BicycleGan : Module
{
    public TranslationUNet Generator { get; }
    public CodeEncoder Encoder { get; }
    public PatchDiscriminator Discriminator { get; }
    public int CodeSize { get; }
    public double L1Weight { get; } = 10;
    public double KlWeight { get; } = 0.01;
    public double LatentWeight { get; } = 0.5;

    public BicycleGan(int channels, int codeSize, Rng rng, DType dtype = DType.Float32)
    {
        CodeSize = codeSize;
        Generator = RegisterModule("generator", new TranslationUNet(1 + codeSize, channels, rng, dtype));
        Encoder = RegisterModule("encoder", new CodeEncoder(codeSize, channels, rng, dtype));
        Discriminator = RegisterModule("discriminator", new PatchDiscriminator(2, channels, rng, dtype));
    }

    /// <summary>G(x, z): sources [B, 1, 28, 28] and codes [B, Z] → outputs [B, 1, 28, 28].</summary>
    public Tensor Translate(Tensor x, Tensor z) => Generator.Forward(TranslationUNet.WithCode(x, z));

    /// <summary>
    /// The two kinds of fake for a batch of pairs (x, y): G(x, z) with z = μ(y) + σ(y)·noise from the encoder, and G(x, z) with
    /// a prior code z = <paramref name="randomCode"/>. The discriminator step uses them (detached) first; the generator loss then
    /// evaluates the updated discriminator on them.
    /// </summary>
    public BicycleFakes Generate(Tensor x, Tensor y, Tensor noise, Tensor randomCode)
    {
        var (mu, logVar) = Encoder.Encode(y);
        var encoded = mu + Op.Exp(logVar * 0.5) * noise;                          // z ~ q(z | y)
        return new BicycleFakes(mu, logVar, Translate(x, encoded), Translate(x, randomCode), randomCode);
    }

    /// <summary>The generator's and encoder's loss for the fakes of <see cref="Generate"/>.</summary>
    public BicycleLoss GeneratorLoss(Tensor x, Tensor y, BicycleFakes fakes)
    {
        var adversarial = GanLosses.GeneratorNonSaturating(Discriminator.Forward(Op.Concat([x, fakes.FromEncoded], 1)))
                        + GanLosses.GeneratorNonSaturating(Discriminator.Forward(Op.Concat([x, fakes.FromRandom], 1)));
        var l1 = Losses.L1(fakes.FromEncoded, y);
        var kl = Losses.GaussianKL(fakes.Mean, fakes.LogVariance);
        var latent = Losses.L1(Encoder.Encode(fakes.FromRandom).Mean, fakes.RandomCode);
        var total = adversarial + l1 * L1Weight + kl * KlWeight + latent * LatentWeight;
        return new BicycleLoss(total, adversarial.Item(), l1.Item(), kl.Item(), latent.Item());
    }

    /// <summary>The discriminator's loss: real pairs (x, y) against both kinds of generated pair (detached).</summary>
    public Tensor DiscriminatorLoss(Tensor x, Tensor y, BicycleFakes fakes)
    {
        var real = Discriminator.Forward(Op.Concat([x, y], 1));
        return GanLosses.Discriminator(real, Discriminator.Forward(Op.Concat([x, fakes.FromEncoded.Detach()], 1)))
             + GanLosses.Discriminator(real, Discriminator.Forward(Op.Concat([x, fakes.FromRandom.Detach()], 1)));
    }

    /// <summary>
    /// The diversity of the outputs for one input: for each x, <paramref name="samples"/> codes z ~ N(0, I), and the mean
    /// |G(x, zᵢ) − G(x, zⱼ)| over pixels and pairs i &lt; j, averaged over the inputs (evaluation mode, no gradients).
    /// </summary>
    public double Diversity(Tensor x, int samples, Rng rng)
    {
        bool training = Generator.Training;
        Generator.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            int b = x.Shape[0];
            var outputs = Enumerable.Range(0, samples).Select(_ => Translate(x, rng.Normal([b, CodeSize], dtype: x.DType))).ToArray();
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < samples; i++)
                for (int j = i + 1; j < samples; j++, pairs++) sum += Op.Mean(Op.Abs(outputs[i] - outputs[j])).Item();
            return sum / pairs;
        }
        finally { Generator.Train(training); }
    }
}

/// <summary>BicycleGAN's encoder E: y [B, 1, 28, 28] → μ, log σ² [B, Z] (two strided convolutions, then two linear heads).</summary>
public sealed class CodeEncoder : Layer
{
    readonly Conv2d conv1, conv2;
    readonly Linear mean, logVariance;

    public CodeEncoder(int codeSize, int channels, Rng rng, DType dtype = DType.Float32)
    {
        conv1 = RegisterModule("conv1", new Conv2d(1, channels, 4, rng, stride: 2, padding: 1, dtype: dtype));
        conv2 = RegisterModule("conv2", new Conv2d(channels, 2 * channels, 4, rng, stride: 2, padding: 1, dtype: dtype));
        mean = RegisterModule("mean", new Linear(2 * channels * 49, codeSize, rng, dtype: dtype));
        logVariance = RegisterModule("log_variance", new Linear(2 * channels * 49, codeSize, rng, dtype: dtype));
    }

    /// <summary>The mean μ(y) (the code used at inference).</summary>
    public override Tensor Forward(Tensor y) => Encode(y).Mean;

    /// <summary>μ and log σ² of q(z | y).</summary>
    public (Tensor Mean, Tensor LogVariance) Encode(Tensor y)
    {
        if (y.Rank != 4 || y.Shape[1] != 1 || y.Shape[2] != 28 || y.Shape[3] != 28)
            throw new ArgumentException($"CodeEncoder: expected images [B, 1, 28, 28], got {y.Shape}");
        var h = Op.LeakyRelu(conv1.Forward(y), 0.2);                             // [B, c, 14, 14]
        h = Op.Reshape(Op.LeakyRelu(conv2.Forward(h), 0.2), y.Shape[0], -1);     // [B, 2c·49]
        return (mean.Forward(h), logVariance.Forward(h));
    }
}
