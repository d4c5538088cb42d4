using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// The VAE's probes of a latent space (§2: the KL term pulls codes towards N(0, I), which makes the space continuous and
/// interpolable): a grid over a 2-D latent plane, traversals that move one latent while keeping the others fixed, and the
/// correlation of each latent with known factors of variation (the disentanglement pictures of §2.1). Interpolation is
/// chapter 01's <see cref="Interpolate"/>.
/// </summary>
public static partial class LatentSpace
{
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
