using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// The encoder q_φ(z | x) of a VAE (§2): an MLP x [B, D] → h [B, H] (ReLU) followed by two linear heads, the mean μ [B, J]
/// and the log-variance log σ² [B, J] of a diagonal Gaussian. The network outputs log σ² rather than σ so that any real
/// output is a valid variance, and the KL's log σ² term needs no logarithm. With <c>classes &gt; 0</c> a one-hot label
/// y [B, K] is appended to x (the conditional VAE).
/// </summary>
public sealed class GaussianEncoder : Module
{
    public int InputSize { get; }
    public int LatentSize { get; }
    public int Classes { get; }
    readonly Linear hidden, mean, logVariance;

    public GaussianEncoder(int inputSize, int hiddenSize, int latentSize, Rng rng, int classes = 0, DType dtype = DType.Float32)
    {
        if (inputSize <= 0 || hiddenSize <= 0 || latentSize <= 0 || classes < 0)
            throw new ArgumentException($"GaussianEncoder: sizes must be positive, got input {inputSize}, hidden {hiddenSize}, latent {latentSize}, classes {classes}");
        (InputSize, LatentSize, Classes) = (inputSize, latentSize, classes);
        hidden = RegisterModule("hidden", new Linear(inputSize + classes, hiddenSize, rng, dtype: dtype));
        mean = RegisterModule("mean", new Linear(hiddenSize, latentSize, rng, dtype: dtype));
        logVariance = RegisterModule("logVariance", new Linear(hiddenSize, latentSize, rng, dtype: dtype));
    }

    /// <summary>(μ, log σ²), each [B, J], for inputs x [B, D] (and labels when the encoder is conditional).</summary>
    public (Tensor Mean, Tensor LogVariance) Forward(Tensor x, int[]? labels = null)
    {
        if (x.Rank != 2 || x.Shape[1] != InputSize)
            throw new ArgumentException($"GaussianEncoder: expected x [B, {InputSize}], got {x.Shape}");
        var h = Op.Relu(hidden.Forward(Vae.WithLabels("GaussianEncoder", x, labels, Classes))); // [B, H]
        return (mean.Forward(h), logVariance.Forward(h));
    }
}

/// <summary>
/// The decoder p_θ(x | z) of a VAE for images in {0, 1} (§2): an MLP z [B, J] → h [B, H] (ReLU) → logits [B, D] of
/// independent Bernoulli pixels, p(x_d = 1 | z) = sigmoid(logit_d). It returns logits, not probabilities, so that the
/// log-likelihood is computed by <see cref="Losses.BceWithLogits"/>, which never takes the log of 0.
/// With <c>classes &gt; 0</c> the one-hot label is appended to z: p(x | z, y).
/// </summary>
public sealed class BernoulliDecoder : Module
{
    public int LatentSize { get; }
    public int OutputSize { get; }
    public int Classes { get; }
    readonly Linear hidden, output;

    public BernoulliDecoder(int latentSize, int hiddenSize, int outputSize, Rng rng, int classes = 0, DType dtype = DType.Float32)
    {
        if (latentSize <= 0 || hiddenSize <= 0 || outputSize <= 0 || classes < 0)
            throw new ArgumentException($"BernoulliDecoder: sizes must be positive, got latent {latentSize}, hidden {hiddenSize}, output {outputSize}, classes {classes}");
        (LatentSize, OutputSize, Classes) = (latentSize, outputSize, classes);
        hidden = RegisterModule("hidden", new Linear(latentSize + classes, hiddenSize, rng, dtype: dtype));
        output = RegisterModule("output", new Linear(hiddenSize, outputSize, rng, dtype: dtype));
    }

    /// <summary>Logits [B, D] for codes z [B, J] (and labels when the decoder is conditional).</summary>
    public Tensor Forward(Tensor z, int[]? labels = null)
    {
        if (z.Rank != 2 || z.Shape[1] != LatentSize)
            throw new ArgumentException($"BernoulliDecoder: expected z [B, {LatentSize}], got {z.Shape}");
        return output.Forward(Op.Relu(hidden.Forward(Vae.WithLabels("BernoulliDecoder", z, labels, Classes))));
    }
}

/// <summary>
/// The terms of a VAE's loss, each averaged over the batch (per image, in nats): the reconstruction term
/// −log p(x | z) with one z ~ q(z | x) per image (the summary's "orange" term, negated), the closed-form
/// KL(q(z | x) ‖ N(0, I)) ("purple"), and Loss = Reconstruction + β·KL, which is −ELBO at β = 1.
/// </summary>
public sealed record VaeLoss(Tensor Loss, Tensor Reconstruction, Tensor Kl);

/// <summary>
/// A variational autoencoder (§2, §2.1): Gaussian encoder, standard-normal prior p(z) = N(0, I), Bernoulli decoder,
/// trained by minimising −ELBO = E_q[−log p(x | z)] + β·KL(q(z | x) ‖ p(z)) with the reparameterization z = μ + σ ε,
/// so that the sample is a differentiable function of the encoder's outputs. β = 1 is the VAE, β &gt; 1 the β-VAE;
/// <c>classes &gt; 0</c> makes it the conditional VAE, with encoder q(z | x, y) and decoder p(x | z, y) and z independent of y
/// under the prior. Inputs are flattened images x [B, D] with pixels in {0, 1}.
/// </summary>
public sealed class Vae : Module
{
    public GaussianEncoder Encoder { get; }
    public BernoulliDecoder Decoder { get; }
    public int InputSize => Encoder.InputSize;
    public int LatentSize => Encoder.LatentSize;
    public int Classes => Encoder.Classes;
    public DType DType { get; }

    public Vae(int inputSize, int hiddenSize, int latentSize, Rng rng, int classes = 0, DType dtype = DType.Float32)
    {
        DType = dtype;
        Encoder = RegisterModule("encoder", new GaussianEncoder(inputSize, hiddenSize, latentSize, rng, classes, dtype));
        Decoder = RegisterModule("decoder", new BernoulliDecoder(latentSize, hiddenSize, inputSize, rng, classes, dtype));
    }

    /// <summary>(μ, log σ²) [B, J] of q(z | x).</summary>
    public (Tensor Mean, Tensor LogVariance) Encode(Tensor x, int[]? labels = null) => Encoder.Forward(x, labels);

    /// <summary>z = μ + σ ⊙ ε with σ = exp(½ log σ²): the reparameterized sample, differentiable in μ and log σ².</summary>
    public static Tensor Reparameterize(Tensor mean, Tensor logVariance, Tensor epsilon)
    {
        if (!mean.Shape.Equals(logVariance.Shape) || !mean.Shape.Equals(epsilon.Shape))
            throw new ArgumentException($"Vae.Reparameterize: μ {mean.Shape}, log σ² {logVariance.Shape} and ε {epsilon.Shape} must have the same shape");
        return mean + Op.Exp(logVariance * 0.5) * epsilon;
    }

    /// <summary>Pixel probabilities p(x_d = 1 | z) [B, D] for codes z [B, J].</summary>
    public Tensor Decode(Tensor z, int[]? labels = null) => Op.Sigmoid(Decoder.Forward(z, labels));

    /// <summary>
    /// The loss with a given noise ε [B, J] (fixed ε makes it a deterministic function of the parameters, as a gradient
    /// check needs): reconstruction −log p(x | z) summed over pixels, KL summed over latents, both averaged over the batch.
    /// </summary>
    public VaeLoss Loss(Tensor x, Tensor epsilon, double beta = 1, int[]? labels = null)
    {
        if (!(beta >= 0)) throw new ArgumentException($"Vae.Loss: β must be non-negative, got {beta}");
        var (mean, logVariance) = Encode(x, labels);                                                       // [B, J] each
        var logits = Decoder.Forward(Reparameterize(mean, logVariance, epsilon), labels);                  // [B, D]
        var reconstruction = Op.Sum(Losses.BceWithLogits(logits, x, Reduction.None)) * (1.0 / x.Shape[0]); // −log p(x|z), per image
        var kl = Losses.GaussianKL(mean, logVariance, Reduction.Mean);                                     // per image
        return new VaeLoss(reconstruction + kl * beta, reconstruction, kl);
    }

    /// <summary>The loss with ε ~ N(0, I) drawn from <paramref name="rng"/> (one sample of z per image, as in training).</summary>
    public VaeLoss Loss(Tensor x, Rng rng, double beta = 1, int[]? labels = null) =>
        Loss(x, rng.Normal([x.Shape[0], LatentSize], dtype: DType), beta, labels);

    /// <summary>Reconstructions [B, D]: decode the posterior mean μ, not a sample (at inference §2 uses μ directly).</summary>
    public Tensor Reconstruct(Tensor x, int[]? labels = null) => Decode(Encode(x, labels).Mean, labels);

    /// <summary>New images [n, D]: pixel probabilities decoded from z ~ p(z) = N(0, I) (for chosen classes if conditional).</summary>
    public Tensor Sample(int n, Rng rng, int[]? labels = null) => Decode(rng.Normal([n, LatentSize], dtype: DType), labels);

    // x [B, F] → [x, onehot(y)] [B, F + K] for a conditional model; checks that labels are given exactly when needed
    internal static Tensor WithLabels(string where, Tensor x, int[]? labels, int classes)
    {
        if (classes == 0)
            return labels is null ? x : throw new ArgumentException($"{where}: labels given to an unconditional model");
        if (labels is null) throw new ArgumentException($"{where}: this model is conditional on {classes} classes; pass labels");
        if (labels.Length != x.Shape[0]) throw new ArgumentException($"{where}: {labels.Length} labels for input {x.Shape}");
        foreach (var y in labels)
            if (y < 0 || y >= classes) throw new ArgumentException($"{where}: label {y} is not in [0, {classes})");
        return Op.Concat([x, Op.OneHot(labels, classes, x.DType, x.Device)], 1);
    }

    public override string ToString() =>
        $"Vae(D = {InputSize}, J = {LatentSize}{(Classes > 0 ? $", conditional on {Classes} classes" : "")})";
}
