using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// Probes of an autoencoder's code space (§1: "latent space should be continuous and interpolable; autoencoder spaces
/// are neither"): straight lines between two codes, Gaussian codes, and how far a decoded image lies from the nearest
/// real one.
/// </summary>
public static partial class LatentSpace
{
    /// <summary>The codes (1 − t) z₀ + t z₁ for t = 0, 1/(steps − 1), …, 1: [steps, k] from two codes [k] or [1, k].</summary>
    public static Tensor Interpolate(Tensor z0, Tensor z1, int steps)
    {
        if (z0.Size != z1.Size || steps < 2)
            throw new ArgumentException($"LatentSpace.Interpolate: needs two codes of one size and ≥ 2 steps, got {z0.Shape}, {z1.Shape}, steps = {steps}");
        int k = z0.Size;
        var a = z0.ToDoubleArray();
        var b = z1.ToDoubleArray();
        var line = new double[steps * k];
        for (int s = 0; s < steps; s++)
        {
            double t = s / (double)(steps - 1);
            for (int j = 0; j < k; j++) line[s * k + j] = (1 - t) * a[j] + t * b[j];
        }
        return Tensor.FromArray(line, steps, k).To(z0.DType);
    }

    /// <summary>
    /// For each query example [M, …] the root-mean-square per-entry distance √(‖q − r‖² / D) to its nearest reference
    /// example [N, …], with ‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r (one matrix product for all pairs).
    /// </summary>
    public static double[] NearestNeighbourDistance(Tensor queries, Tensor reference)
    {
        int m = queries.Shape[0], n = reference.Shape[0], d = queries.Size / Math.Max(1, m);
        if (m == 0 || n == 0 || reference.Size != n * d)
            throw new ArgumentException($"LatentSpace.NearestNeighbourDistance: queries {queries.Shape} and reference {reference.Shape} need the same entries per example");
        using var _ = Autodiff.Autograd.NoGrad();
        var q = Op.Reshape(queries.Detach().To(DType.Float64), m, d);
        var r = Op.Reshape(reference.Detach().To(DType.Float64), n, d);
        var dot = Op.MatMul(q, r, transB: true).ToDoubleArray(); // [M, N]
        var qq = Op.Sum(q * q, 1).ToDoubleArray();
        var rr = Op.Sum(r * r, 1).ToDoubleArray();
        var nearest = new double[m];
        for (int i = 0; i < m; i++)
        {
            double best = double.PositiveInfinity;
            for (int j = 0; j < n; j++) best = Math.Min(best, qq[i] + rr[j] - 2 * dot[i * n + j]);
            nearest[i] = Math.Sqrt(Math.Max(0, best) / d); // rounding can make a zero distance slightly negative
        }
        return nearest;
    }

    /// <summary>
    /// For codes z [M, k], the root-mean-square per-entry change ‖f(g(z)) − z‖ / √k after decoding and encoding again.
    /// The encoder was trained only on images the decoder can produce from the codes of real data; for those codes the
    /// round trip is close to a fixed point, while a code from a region no training code reached has no such reason.
    /// </summary>
    public static double[] RoundTripDrift(Autoencoder model, Tensor codes)
    {
        if (codes.Rank != 2 || codes.Shape[1] != model.LatentSize)
            throw new ArgumentException($"LatentSpace.RoundTripDrift: expected codes [M, {model.LatentSize}], got {codes.Shape}");
        return RoundTripDrift(model.Decode, model.Encode, codes);
    }

    /// <summary>
    /// The same for any decoder g and encoder f, e.g. a VAE's decoder and the mean of its encoder
    /// (<c>z => vae.Decode(z)</c>, <c>x => vae.Encode(x).Mean</c>), so that two kinds of model are measured alike.
    /// </summary>
    public static double[] RoundTripDrift(Func<Tensor, Tensor> decode, Func<Tensor, Tensor> encode, Tensor codes)
    {
        if (codes.Rank != 2) throw new ArgumentException($"LatentSpace.RoundTripDrift: expected codes [M, k], got {codes.Shape}");
        using var _ = Autodiff.Autograd.NoGrad();
        var z = codes.ToDoubleArray();
        var again = encode(decode(codes)).ToDoubleArray();
        if (again.Length != z.Length)
            throw new ArgumentException($"LatentSpace.RoundTripDrift: the encoder returned {again.Length} numbers for codes {codes.Shape}");
        int m = codes.Shape[0], k = codes.Shape[1];
        var drift = new double[m];
        for (int i = 0; i < m; i++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++) sum += (again[i * k + j] - z[i * k + j]) * (again[i * k + j] - z[i * k + j]);
            drift[i] = Math.Sqrt(sum / k);
        }
        return drift;
    }

    /// <summary>The mean and standard deviation of each code entry over examples [N, k]: a diagonal Gaussian fitted to the codes.</summary>
    public static (double[] Mean, double[] Std) FitDiagonalGaussian(Tensor codes)
    {
        if (codes.Rank != 2 || codes.Shape[0] < 2)
            throw new ArgumentException($"LatentSpace.FitDiagonalGaussian: expected codes [N ≥ 2, k], got {codes.Shape}");
        int n = codes.Shape[0], k = codes.Shape[1];
        var z = codes.ToDoubleArray();
        var mean = new double[k];
        var std = new double[k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) mean[j] += z[i * k + j] / n;
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) std[j] += (z[i * k + j] - mean[j]) * (z[i * k + j] - mean[j]) / n;
        for (int j = 0; j < k; j++) std[j] = Math.Sqrt(std[j]);
        return (mean, std);
    }

    /// <summary><paramref name="count"/> codes μ + σ ⊙ ε, ε ~ N(0, I): [count, k].</summary>
    public static Tensor SampleDiagonalGaussian(double[] mean, double[] std, int count, Rng rng, DType dtype = DType.Float32)
    {
        if (mean.Length != std.Length || count < 1)
            throw new ArgumentException($"LatentSpace.SampleDiagonalGaussian: mean has {mean.Length} entries, std {std.Length}, count = {count}");
        int k = mean.Length;
        var z = new double[count * k];
        for (int i = 0; i < count; i++) for (int j = 0; j < k; j++) z[i * k + j] = mean[j] + std[j] * rng.NextNormal();
        return Tensor.FromArray(z, count, k).To(dtype);
    }
}
