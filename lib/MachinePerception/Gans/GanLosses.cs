using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// The losses of the original GAN (§5), written on the discriminator's logits l (D = σ(l)) so that no log ever sees 0:
/// log D = −softplus(−l) and log(1 − D) = −softplus(l).
/// <list type="bullet">
/// <item>Discriminator: maximise V(G, D) = E_{p_d} log D(x) + E_{p_m} log(1 − D(x̂)), i.e. minimise
/// <see cref="Discriminator"/> = softplus(−l_real) + softplus(l_fake) averaged (the binary cross-entropy with labels 1 and 0).</item>
/// <item>Generator, saturating (the minimax game as written): minimise E log(1 − D(G(z))) = −softplus(l_fake).
/// ∂/∂l = −σ(l) = −D: when D confidently rejects the fakes (D ≈ 0) the gradient vanishes.</item>
/// <item>Generator, non-saturating (the summary's fix, "gradient ascent on log D(G(z))"): minimise −log D(G(z)) = softplus(−l_fake).
/// ∂/∂l = −(1 − D) ≈ −1 exactly where the saturating loss is flat.</item>
/// </list>
/// </summary>
public static class GanLosses
{
    /// <summary>−V(G, D) estimated on a batch: mean softplus(−l_real) + mean softplus(l_fake) (logits of any shape).</summary>
    public static Tensor Discriminator(Tensor realLogits, Tensor fakeLogits) =>
        Op.Mean(Op.Softplus(-realLogits)) + Op.Mean(Op.Softplus(fakeLogits));

    /// <summary>The saturating generator loss E log(1 − D(G(z))) = −mean softplus(l_fake) (minimised by G).</summary>
    public static Tensor GeneratorSaturating(Tensor fakeLogits) => -Op.Mean(Op.Softplus(fakeLogits));

    /// <summary>The non-saturating generator loss −E log D(G(z)) = mean softplus(−l_fake) (minimised by G).</summary>
    public static Tensor GeneratorNonSaturating(Tensor fakeLogits) => Op.Mean(Op.Softplus(-fakeLogits));

    /// <summary>The generator loss of either kind.</summary>
    public static Tensor Generator(Tensor fakeLogits, bool nonSaturating = true) =>
        nonSaturating ? GeneratorNonSaturating(fakeLogits) : GeneratorSaturating(fakeLogits);

    /// <summary>
    /// The Wasserstein critic's loss (§5, WGAN): E C(x̂) − E C(x), minimised by the critic (it maximises the gap
    /// E C(x) − E C(x̂), an estimate of the Wasserstein-1 distance when C is 1-Lipschitz).
    /// </summary>
    public static Tensor Critic(Tensor realScores, Tensor fakeScores) => Op.Mean(fakeScores) - Op.Mean(realScores);

    /// <summary>The WGAN generator's loss −E C(G(z)).</summary>
    public static Tensor WassersteinGenerator(Tensor fakeScores) => -Op.Mean(fakeScores);

    /// <summary>The binary cross-entropy of D's logits against 1 (real) or 0 (fake), averaged, for checks.</summary>
    public static Tensor Bce(Tensor logits, bool real) =>
        Losses.BceWithLogits(logits, real ? Tensor.OnesLike(logits) : Tensor.ZerosLike(logits));
}
