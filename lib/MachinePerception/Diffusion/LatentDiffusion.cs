using MachinePerception.Autodiff;
using MachinePerception.Generative;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// Latent diffusion (§6.2; Rombach et al. 2022): high-resolution images are expensive to model, so a diffusion model
/// learns the distribution of an autoencoder's latent codes instead, and a sample is decoded once at the end. Here the
/// autoencoder is chapter 02's <see cref="Vae"/> (frozen; its codes are the encoder means μ, divided by one scale so that
/// they have unit standard deviation, as the noise assumes) and the noise predictor is an <see cref="MlpDenoiser"/> on the
/// J-dimensional codes: each denoising step costs a small MLP instead of a U-Net over all pixels.
/// The VAE is held, not registered (it has its own checkpoint); the denoiser and the scale are this module's.
/// </summary>
public sealed class LatentDiffusion : Nn.Module
{
    public Vae Autoencoder { get; }
    public MlpDenoiser Denoiser { get; }
    /// <summary>The codes' standard deviation (one number): z = μ / scale.</summary>
    public double Scale => Buffer("scale").Item();
    readonly int side;

    public LatentDiffusion(Vae autoencoder, MlpDenoiser denoiser, double scale, int side = 28)
    {
        if (denoiser.Dimension != autoencoder.LatentSize)
            throw new ArgumentException($"LatentDiffusion: the denoiser works on {denoiser.Dimension} numbers, the VAE's codes have {autoencoder.LatentSize}");
        if (!(scale > 0)) throw new ArgumentException($"LatentDiffusion: scale must be positive, got {scale}");
        if (side * side != autoencoder.InputSize) throw new ArgumentException($"LatentDiffusion: {side}×{side} images do not fit the VAE's {autoencoder.InputSize} inputs");
        Autoencoder = autoencoder;
        Denoiser = RegisterModule("denoiser", denoiser);
        RegisterBuffer("scale", Tensor.Scalar(scale));
        this.side = side;
    }

    /// <summary>The standard deviation of all numbers of the VAE's code means μ for images [N, 1, H, W] (binarised, as the VAE was trained; the scale to divide by).</summary>
    public static double CodeScale(Vae autoencoder, Tensor images)
    {
        var mu = VaeTraining.EncodeMeans(autoencoder, VaeTraining.Binarize(images));
        return Op.Std(mu).Item();
    }

    /// <summary>Scaled codes z = μ(x)/scale [N, J] of images [N, 1, H, W] in [0, 1] (binarised first, as the VAE was trained).</summary>
    public Tensor Encode(Tensor images) => VaeTraining.EncodeMeans(Autoencoder, VaeTraining.Binarize(images)) / Scale;

    /// <summary>Images [N, 1, H, W]: the decoder's pixel means for codes z [N, J] (scaled back by the scale).</summary>
    public Tensor Decode(Tensor z)
    {
        using var _ = Autograd.NoGrad();
        return Op.Reshape(Autoencoder.Decode(z * Scale), z.Shape[0], 1, side, side);
    }

    /// <summary>Samples: DDIM (η = 0) with <paramref name="steps"/> steps in latent space, or the full ancestral chain when steps = T; decoded.</summary>
    public Tensor Sample(NoiseSchedule schedule, int count, int steps, Rng rng)
    {
        var shape = new Shape(count, Denoiser.Dimension);
        var z = steps == schedule.T
            ? Ddpm.Sample(Denoiser, schedule, shape, rng)
            : DdimSampler.Sample(Denoiser, schedule.Respace(schedule.EvenlySpaced(steps)), shape, rng);
        return Decode(z);
    }
}
