using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// The Wasserstein GAN with gradient penalty (§5; Arjovsky et al. 2017, Gulrajani et al. 2017). The critic C (no sigmoid)
/// estimates W₁(p_d, p_m) = sup_{‖C‖_L ≤ 1} E_{p_d} C(x) − E_{p_m} C(x̂); its loss is E C(x̂) − E C(x) plus the penalty
/// <code>λ · E_{x̃} (‖∇_x̃ C(x̃)‖₂ − 1)²,   x̃ = ε x + (1 − ε) x̂,  ε ~ U[0, 1] per sample,</code>
/// which keeps C close to 1-Lipschitz along the lines between real and generated samples (λ = 10 in the paper). The
/// penalty is a function of a gradient, so training C differentiates a gradient: ∇_x̃ C is built with
/// <c>createGraph: true</c> and the critic's parameters get the gradient of its norm (second-order autodiff).
/// <para>
/// No batch normalisation in the critic: the penalty constrains the gradient of C at each x̃ on its own, but with batch
/// norm C(x̃ᵢ) depends on every sample of the batch (through its mean and variance), so ∂C(x̃ᵢ)/∂x̃ⱼ ≠ 0 for j ≠ i and
/// "the gradient at x̃ᵢ" is not the gradient of a function of x̃ᵢ. <see cref="CrossSampleGradient"/> measures this.
/// The WGAN-GP paper uses no normalisation or layer normalisation in the critic.
/// </para>
/// </summary>
public static class WganGp
{
    /// <summary>
    /// λ · mean_i (‖∇_x̃ C(x̃ᵢ)‖₂ − 1)² at x̃ = ε·real + (1 − ε)·fake (one ε per sample from <paramref name="rng"/>).
    /// Differentiable in the critic's parameters (the gradient is taken with createGraph). real, fake [B, ...];
    /// the critic maps [B, ...] → [B].
    /// </summary>
    public static Tensor GradientPenalty(Func<Tensor, Tensor> critic, Tensor real, Tensor fake, Rng rng, double lambda = 10)
    {
        if (!real.Shape.Equals(fake.Shape) || real.Rank < 2)
            throw new ArgumentException($"WganGp.GradientPenalty: real {real.Shape} and fake {fake.Shape} must have the same shape [B, ...]");
        int b = real.Shape[0];
        var broadcast = Enumerable.Repeat(1, real.Rank).ToArray();
        broadcast[0] = b;
        var epsilon = rng.Uniform([.. broadcast], dtype: real.DType);                       // [B, 1, 1, 1]
        return GradientPenaltyAt(critic, (epsilon * real.Detach() + (1 - epsilon) * fake.Detach()).Detach(), lambda);
    }

    /// <summary>λ · mean_i (‖∇C(x̃ᵢ)‖ − 1)² at given points x̃ [B, ...] (they become leaves that require a gradient).</summary>
    public static Tensor GradientPenaltyAt(Func<Tensor, Tensor> critic, Tensor points, double lambda = 10)
    {
        var x = points.Detach().RequireGrad();
        var scores = critic(x);                                                            // [B]
        if (scores.Rank != 1 || scores.Shape[0] != x.Shape[0])
            throw new ArgumentException($"WganGp.GradientPenalty: the critic must map [B, ...] to scores [B], got {scores.Shape} for {x.Shape}");
        // Σᵢ C(x̃ᵢ) has gradient ∇C(x̃ᵢ) in row i, because (without batch norm) C(x̃ᵢ) depends on x̃ᵢ only
        var gradient = Autograd.Grad([Op.Sum(scores)], [x], createGraph: true)[0]!;          // [B, ...]
        var norms = GradientNorms(gradient);                                               // [B]
        return Op.Mean(Op.Square(norms - 1)) * lambda;
    }

    /// <summary>‖gᵢ‖₂ of each row of g [B, ...] → [B], with a tiny floor inside the root so its own gradient is finite at 0.</summary>
    public static Tensor GradientNorms(Tensor gradient)
    {
        var axes = Enumerable.Range(1, gradient.Rank - 1).ToArray();
        return Op.Sqrt(Op.Sum(Op.Square(gradient), axes) + 1e-12);
    }

    /// <summary>
    /// max over i ≠ j of |∂C(xᵢ)/∂xⱼ| summed over pixels: how much sample j moves sample i's score. Zero (exactly) for a
    /// critic without batch normalisation; not zero with batch norm in training mode.
    /// </summary>
    public static double CrossSampleGradient(Func<Tensor, Tensor> critic, Tensor points)
    {
        int b = points.Shape[0];
        double worst = 0;
        for (int i = 0; i < b; i++)
        {
            var x = points.Detach().RequireGrad();
            var score = Op.Index(critic(x), 0, i);
            var g = Autograd.Grad([score], [x])[0]!;
            var axes = Enumerable.Range(1, g.Rank - 1).ToArray();
            var perSample = Op.Sum(Op.Abs(g), axes).ToDoubleArray();
            for (int j = 0; j < b; j++) if (j != i) worst = Math.Max(worst, perSample[j]);
        }
        return worst;
    }
}
