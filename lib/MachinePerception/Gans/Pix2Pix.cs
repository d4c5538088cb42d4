using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>The terms of a generator loss, for logging: total = adversarial + weighted reconstruction (+ others).</summary>
public sealed record TranslationLoss(Tensor Total, double Adversarial, double Reconstruction);

/// <summary>
/// Pix2Pix (§5.2; Isola et al. 2017), paired image translation G: X → Y, trained on pairs (x, y), here (edge map, digit).
/// The discriminator is conditional, D: (X, Y) → [0, 1] per patch (<see cref="PatchDiscriminator"/> on the two images as
/// channels), so it judges whether y is a plausible image *for this x*. The generator minimises
/// <code>−E log D(x, G(x)) + λ ‖y − G(x)‖₁   (λ = 100 in the paper),</code>
/// the non-saturating GAN loss plus an L1 loss to the paired target: L1 alone gives the blurry average of the possible
/// outputs; the GAN term pushes towards sharp, realistic patches. There is no noise input (the paper found G ignores it).
/// </summary>
public sealed class Pix2Pix : Module
{
    public TranslationUNet Generator { get; }
    public PatchDiscriminator Discriminator { get; }
    public double L1Weight { get; }

    public Pix2Pix(int channels, Rng rng, double l1Weight = 100, DType dtype = DType.Float32)
    {
        L1Weight = l1Weight;
        Generator = RegisterModule("generator", new TranslationUNet(1, channels, rng, dtype));
        Discriminator = RegisterModule("discriminator", new PatchDiscriminator(2, channels, rng, dtype));
    }

    /// <summary>G(x): sources [B, 1, 28, 28] → translations [B, 1, 28, 28].</summary>
    public Tensor Translate(Tensor x) => Generator.Forward(x);

    /// <summary>The discriminator's loss on real pairs (x, y) and generated pairs (x, G(x)) (G's output detached).</summary>
    public Tensor DiscriminatorLoss(Tensor x, Tensor y, Tensor generated) =>
        GanLosses.Discriminator(Discriminator.Forward(Op.Concat([x, y], 1)), Discriminator.Forward(Op.Concat([x, generated.Detach()], 1)));

    /// <summary>The generator's loss: non-saturating GAN term on (x, G(x)) plus λ·mean |y − G(x)|.</summary>
    public TranslationLoss GeneratorLoss(Tensor x, Tensor y, Tensor generated)
    {
        var adversarial = GanLosses.GeneratorNonSaturating(Discriminator.Forward(Op.Concat([x, generated], 1)));
        var l1 = Losses.L1(generated, y);
        return new TranslationLoss(adversarial + l1 * L1Weight, adversarial.Item(), l1.Item());
    }
}
