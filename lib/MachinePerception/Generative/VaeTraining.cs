using MachinePerception.Autodiff;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>Per-image averages over a pass: the loss (−ELBO when β = 1), the reconstruction term and the KL term, in nats.</summary>
public sealed record VaeScores(double Loss, double Reconstruction, double Kl)
{
    /// <summary>The ELBO per image: −(reconstruction + KL), whatever β was used in training.</summary>
    public double Elbo => -(Reconstruction + Kl);
}

/// <summary>
/// Training and evaluation of a <see cref="Vae"/> (§2): mini-batches of flattened binary images, the loss
/// reconstruction + β·KL with one reparameterized sample per image, an optimizer step per batch; evaluation reports
/// the ELBO per image (a lower bound on log p(x), in nats) on held-out data.
/// </summary>
public static class VaeTraining
{
    /// <summary>
    /// Images [N, ...] with pixels in [0, 1] → flattened [N, D] in {0, 1} (pixel &gt; threshold), so that the Bernoulli
    /// decoder's likelihood is a proper probability of the data and the ELBO a bound on log p(x) in nats.
    /// </summary>
    public static Tensor Binarize(Tensor images, double threshold = 0.5)
    {
        if (images.Rank < 2) throw new ArgumentException($"VaeTraining.Binarize: expected images [N, ...], got {images.Shape}");
        var flat = Op.Reshape(images.Detach(), images.Shape[0], -1);
        return Op.Greater(flat, Tensor.FullLike(flat, threshold)).To(images.DType);
    }

    /// <summary>One pass over the loader's epoch <paramref name="epoch"/>; returns the averages over the images seen.</summary>
    public static VaeScores TrainEpoch(Vae model, Optimizer optimizer, DataLoader loader, int epoch, Rng rng, double beta = 1)
    {
        model.Train();
        double loss = 0, reconstruction = 0, kl = 0;
        int count = 0;
        foreach (var batch in loader.Epoch(epoch))
        {
            optimizer.ZeroGrad();
            var terms = model.Loss(batch.Inputs, rng, beta, model.Classes > 0 ? batch.Labels : null);
            terms.Loss.Backward();
            optimizer.Step();
            loss += terms.Loss.Item() * batch.Size;
            reconstruction += terms.Reconstruction.Item() * batch.Size;
            kl += terms.Kl.Item() * batch.Size;
            count += batch.Size;
        }
        return new VaeScores(loss / count, reconstruction / count, kl / count);
    }

    /// <summary>The averages over all of <paramref name="images"/> [N, D] (one z per image from <paramref name="rng"/>), without gradients.</summary>
    public static VaeScores Evaluate(Vae model, Tensor images, Rng rng, double beta = 1, int[]? labels = null, int batchSize = 1000)
    {
        int n = images.Shape[0];
        if (labels is not null && labels.Length != n) throw new ArgumentException($"VaeTraining.Evaluate: {labels.Length} labels for {images.Shape}");
        using var _ = Autograd.NoGrad();
        double loss = 0, reconstruction = 0, kl = 0;
        for (int start = 0; start < n; start += batchSize)
        {
            int size = Math.Min(batchSize, n - start);
            var terms = model.Loss(Op.Slice(images, 0, start, size), rng, beta, labels?[start..(start + size)]);
            loss += terms.Loss.Item() * size;
            reconstruction += terms.Reconstruction.Item() * size;
            kl += terms.Kl.Item() * size;
        }
        return new VaeScores(loss / n, reconstruction / n, kl / n);
    }

    /// <summary>
    /// The importance-weighted estimate of log p(x) of each image (Burda, Grosse &amp; Salakhutdinov, 2016):
    /// log (1/K) Σ_k p(x | z_k) p(z_k) / q(z_k | x) with z_1 … z_K ~ q(z | x). For K = 1 its expectation is the ELBO; as K
    /// grows it rises towards log p(x), and for every K its expectation is still a lower bound on log p(x). Images [N, D] as
    /// for <see cref="Evaluate"/>; returns one value per image, in nats. The −½ log 2π of p(z) and q(z | x) cancel.
    /// </summary>
    public static double[] ImportanceWeightedLogLikelihood(Vae model, Tensor images, int samples, Rng rng, int[]? labels = null)
    {
        if (samples < 1) throw new ArgumentException($"VaeTraining.ImportanceWeightedLogLikelihood: K = {samples} samples must be ≥ 1");
        if (images.Rank != 2 || images.Shape[1] != model.InputSize)
            throw new ArgumentException($"VaeTraining.ImportanceWeightedLogLikelihood: expected images [N, {model.InputSize}], got {images.Shape}");
        int n = images.Shape[0], j = model.LatentSize;
        using var _ = Autograd.NoGrad();
        var (mean, logVariance) = model.Encode(images, labels);                                         // [N, J] each
        var logVar = logVariance.ToDoubleArray();
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            var eps = rng.Normal([samples, j], dtype: model.DType);                                       // [K, J]
            var z = Op.Slice(mean, 0, i, 1) + Op.Exp(Op.Slice(logVariance, 0, i, 1) * 0.5) * eps;        // z_k = μ + σ ε_k
            var logits = model.Decoder.Forward(z, labels is null ? null : Enumerable.Repeat(labels[i], samples).ToArray()); // [K, D]
            var target = Op.BroadcastTo(Op.Slice(images, 0, i, 1), logits.Shape);
            var bce = Op.Sum(Losses.BceWithLogits(logits, target, Reduction.None), 1).ToDoubleArray();   // −log p(x | z_k)   [K]
            var zs = z.ToDoubleArray();
            var es = eps.ToDoubleArray();
            var logWeights = new double[samples];
            for (int k = 0; k < samples; k++)
            {
                double logPrior = 0, logPosterior = 0;
                for (int c = 0; c < j; c++)
                {
                    logPrior -= 0.5 * zs[k * j + c] * zs[k * j + c];                                     // log N(z; 0, I)
                    logPosterior -= 0.5 * es[k * j + c] * es[k * j + c] + 0.5 * logVar[i * j + c];      // log N(z; μ, σ²)
                }
                logWeights[k] = -bce[k] + logPrior - logPosterior;
            }
            double top = logWeights.Max();
            result[i] = top + Math.Log(logWeights.Sum(w => Math.Exp(w - top))) - Math.Log(samples);      // log-sum-exp − log K
        }
        return result;
    }

    /// <summary>The posterior means μ [N, J] of all images, in batches, without gradients (the codes used at inference).</summary>
    public static Tensor EncodeMeans(Vae model, Tensor images, int[]? labels = null, int batchSize = 1000)
    {
        using var _ = Autograd.NoGrad();
        var parts = new List<Tensor>();
        for (int start = 0; start < images.Shape[0]; start += batchSize)
        {
            int size = Math.Min(batchSize, images.Shape[0] - start);
            parts.Add(model.Encode(Op.Slice(images, 0, start, size), labels?[start..(start + size)]).Mean);
        }
        return Op.Concat(parts, 0);
    }
}
