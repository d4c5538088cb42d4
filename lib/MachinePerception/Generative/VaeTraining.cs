using MachinePerception.Autodiff;
using MachinePerception.Data;
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

/// <summary>
/// Paths through a VAE's latent space (§2: the KL term pulls codes towards N(0, I), which makes the space continuous,
/// so points between codes decode to plausible images): straight-line interpolation, a grid over a 2-D latent plane,
/// and traversals that move one latent while keeping the others fixed (the disentanglement pictures of §2.1).
/// </summary>
public static class LatentSpace
{
    /// <summary>steps codes [steps, J] on the segment from <paramref name="from"/> to <paramref name="to"/> (both [J]), ends included.</summary>
    public static Tensor Interpolate(Tensor from, Tensor to, int steps)
    {
        if (from.Rank != 1 || !from.Shape.Equals(to.Shape)) throw new ArgumentException($"LatentSpace.Interpolate: expected two codes [J], got {from.Shape} and {to.Shape}");
        if (steps < 2) throw new ArgumentException($"LatentSpace.Interpolate: needs at least 2 steps, got {steps}");
        var a = from.ToDoubleArray();
        var b = to.ToDoubleArray();
        var path = new double[steps * a.Length];
        for (int s = 0; s < steps; s++)
        {
            double t = s / (double)(steps - 1);
            for (int j = 0; j < a.Length; j++) path[s * a.Length + j] = (1 - t) * a[j] + t * b[j];
        }
        return Tensor.FromArray(path, steps, a.Length).To(from.DType);
    }

    /// <summary>
    /// A side×side grid of 2-D codes [side², 2] covering [−extent, extent]², row by row from the top (z₂ = +extent) to the
    /// bottom, left (z₁ = −extent) to right, so that decoding it and showing the images side per row draws the latent plane.
    /// </summary>
    public static Tensor Grid(int side, double extent, DType dtype = DType.Float32)
    {
        if (side < 2 || !(extent > 0)) throw new ArgumentException($"LatentSpace.Grid: side = {side} must be ≥ 2 and extent = {extent} positive");
        var codes = new double[side * side * 2];
        for (int row = 0; row < side; row++)
            for (int col = 0; col < side; col++)
            {
                codes[(row * side + col) * 2] = -extent + 2 * extent * col / (side - 1);
                codes[(row * side + col) * 2 + 1] = extent - 2 * extent * row / (side - 1);
            }
        return Tensor.FromArray(codes, side * side, 2).To(dtype);
    }

    /// <summary>
    /// Traversals around a base code [J]: for each latent j (one block of rows per latent), <paramref name="values"/> codes
    /// equal to the base except z_j = value. Result [J·values.Count, J].
    /// </summary>
    public static Tensor Traversals(Tensor baseCode, IReadOnlyList<double> values)
    {
        if (baseCode.Rank != 1) throw new ArgumentException($"LatentSpace.Traversals: expected a code [J], got {baseCode.Shape}");
        var b = baseCode.ToDoubleArray();
        int latent = b.Length;
        var codes = new double[latent * values.Count * latent];
        for (int j = 0; j < latent; j++)
            for (int v = 0; v < values.Count; v++)
            {
                int row = j * values.Count + v;
                b.CopyTo(codes, row * latent);
                codes[row * latent + j] = values[v];
            }
        return Tensor.FromArray(codes, latent * values.Count, latent).To(baseCode.DType);
    }

    /// <summary>
    /// The Pearson correlation of each latent mean with each known factor: [J, F] with entry (j, f) = corr(μ_j, factor_f)
    /// over the N images (§2.1: in a disentangled code each factor is followed by one latent). A constant column gives 0.
    /// </summary>
    public static double[,] FactorCorrelations(Tensor means, IReadOnlyList<double[]> factors)
    {
        if (means.Rank != 2 || means.Shape[0] != factors.Count)
            throw new ArgumentException($"LatentSpace.FactorCorrelations: means {means.Shape} need one row per factor vector ({factors.Count})");
        int n = factors.Count, latent = means.Shape[1], f = factors[0].Length;
        var m = means.ToDoubleArray();
        var result = new double[latent, f];
        for (int j = 0; j < latent; j++)
            for (int k = 0; k < f; k++)
            {
                var a = Enumerable.Range(0, n).Select(i => m[i * latent + j]).ToArray();
                var b = factors.Select(row => row[k]).ToArray();
                result[j, k] = Correlation(a, b);
            }
        return result;
    }

    static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.Sqrt(aa * bb);
    }
}
