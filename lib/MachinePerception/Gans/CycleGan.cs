using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>The terms of CycleGAN's generator loss, for logging.</summary>
public sealed record CycleLoss(Tensor Total, double Adversarial, double Cycle, double Identity);

/// <summary>
/// CycleGAN (§5.2; Zhu et al. 2017), unpaired translation between domains X and Y (here digits as written and thick digits, drawn from
/// different images, so no x has its y in the training data). Two generators, G: X → Y and F: Y → X, two unconditional
/// discriminators D_Y and D_X, and the losses
/// <code>GAN(G, D_Y) + GAN(F, D_X) + λ (‖F(G(x)) − x‖₁ + ‖G(F(y)) − y‖₁) + λ_id (‖G(y) − y‖₁ + ‖F(x) − x‖₁).</code>
/// The GAN terms only ask that G(x) look like some y; cycle consistency, F∘G ≈ id and G∘F ≈ id, asks that G(x) keep enough
/// of x to get it back, which ties each output to its input. The identity term (G should leave an image that is already
/// in Y alone) keeps G from changing what it need not change. (The summary names the maps the other way round, F: X → Y;
/// only the names differ.) λ = 10, λ_id = 5 as in the paper.
/// </summary>
public sealed class CycleGan : Module
{
    public TranslationUNet ToY { get; }
    public TranslationUNet ToX { get; }
    public PatchDiscriminator DiscriminatorY { get; }
    public PatchDiscriminator DiscriminatorX { get; }
    public double CycleWeight { get; }
    public double IdentityWeight { get; }

    public CycleGan(int channels, Rng rng, double cycleWeight = 10, double identityWeight = 5, DType dtype = DType.Float32)
    {
        CycleWeight = cycleWeight;
        IdentityWeight = identityWeight;
        ToY = RegisterModule("g_xy", new TranslationUNet(1, channels, rng, dtype));
        ToX = RegisterModule("f_yx", new TranslationUNet(1, channels, rng, dtype));
        DiscriminatorY = RegisterModule("d_y", new PatchDiscriminator(1, channels, rng, dtype));
        DiscriminatorX = RegisterModule("d_x", new PatchDiscriminator(1, channels, rng, dtype));
    }

    /// <summary>Both discriminators' losses, summed: D_Y on real y vs G(x), D_X on real x vs F(y) (generated images detached).</summary>
    public Tensor DiscriminatorLoss(Tensor x, Tensor y, Tensor fakeY, Tensor fakeX) =>
        GanLosses.Discriminator(DiscriminatorY.Forward(y), DiscriminatorY.Forward(fakeY.Detach())) +
        GanLosses.Discriminator(DiscriminatorX.Forward(x), DiscriminatorX.Forward(fakeX.Detach()));

    /// <summary>The generators' loss for a batch of x and a (different) batch of y, with fakeY = G(x) and fakeX = F(y).</summary>
    public CycleLoss GeneratorLoss(Tensor x, Tensor y, Tensor fakeY, Tensor fakeX)
    {
        var adversarial = GanLosses.GeneratorNonSaturating(DiscriminatorY.Forward(fakeY)) + GanLosses.GeneratorNonSaturating(DiscriminatorX.Forward(fakeX));
        var cycle = Losses.L1(ToX.Forward(fakeY), x) + Losses.L1(ToY.Forward(fakeX), y);
        var identity = IdentityWeight > 0 ? Losses.L1(ToY.Forward(y), y) + Losses.L1(ToX.Forward(x), x) : Tensor.Scalar(0, x.DType);
        var total = adversarial + cycle * CycleWeight + identity * IdentityWeight;
        return new CycleLoss(total, adversarial.Item(), cycle.Item(), identity.Item());
    }

    /// <summary>Mean |F(G(x)) − x| over images [B, 1, 28, 28] (evaluation mode, no gradients): how well a round trip X → Y → X returns.</summary>
    public double CycleErrorX(Tensor x) => Losses.L1(GanSampling.Generate(ToX, GanSampling.Generate(ToY, x)), x).Item();

    /// <summary>Mean |G(F(y)) − y|: the round trip Y → X → Y.</summary>
    public double CycleErrorY(Tensor y) => Losses.L1(GanSampling.Generate(ToY, GanSampling.Generate(ToX, y)), y).Item();
}
