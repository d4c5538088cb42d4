using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// A mixture of K isotropic Gaussians in D dimensions with equal weights, N(μ_k, s²I), with its exact log-density: the
/// "data" and the models of §5's argument that log-likelihood does not measure sample quality.
/// </summary>
public sealed class IsotropicMixture
{
    public double[][] Means { get; }
    public double Std { get; }
    public int Dimension => Means[0].Length;

    public IsotropicMixture(double[][] means, double std)
    {
        if (means.Length == 0 || means.Any(m => m.Length != means[0].Length) || !(std > 0))
            throw new ArgumentException($"IsotropicMixture: needs ≥ 1 mean of one dimension and std > 0, got {means.Length} means, std {std}");
        Means = means;
        Std = std;
    }

    /// <summary>K centres drawn uniformly from [−1, 1]^D.</summary>
    public static IsotropicMixture Random(int components, int dimension, double std, Rng rng) =>
        new(Enumerable.Range(0, components).Select(_ => Enumerable.Range(0, dimension).Select(_ => 2 * rng.NextDouble() - 1).ToArray()).ToArray(), std);

    /// <summary>The same centres with another standard deviation.</summary>
    public IsotropicMixture WithStd(double std) => new(Means, std);

    /// <summary>log p(x) of each row of points [N, D] (log-sum-exp over the components).</summary>
    public double[] LogDensity(double[][] points)
    {
        int d = Dimension, k = Means.Length;
        double constant = -0.5 * d * Math.Log(2 * Math.PI * Std * Std) - Math.Log(k);
        return points.Select(x =>
        {
            var terms = Means.Select(m => { double q = 0; for (int i = 0; i < d; i++) q += (x[i] - m[i]) * (x[i] - m[i]); return -q / (2 * Std * Std); }).ToArray();
            double max = terms.Max();
            return constant + max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
        }).ToArray();
    }

    /// <summary>n samples: a uniformly chosen component, plus s·ε.</summary>
    public double[][] Sample(int n, Rng rng) => Enumerable.Range(0, n).Select(_ =>
    {
        var m = Means[rng.NextInt(Means.Length)];
        return m.Select(v => v + Std * rng.NextNormal()).ToArray();
    }).ToArray();

    /// <summary>Distance from each point to its nearest centre, divided by s√D (≈ 1 for a sample of this mixture).</summary>
    public double[] NormalisedDistanceToNearestCentre(double[][] points) => points.Select(x =>
        Math.Sqrt(Means.Min(m => { double q = 0; for (int i = 0; i < x.Length; i++) q += (x[i] - m[i]) * (x[i] - m[i]); return q; })) / (Std * Math.Sqrt(Dimension))).ToArray();
}

/// <summary>
/// The first of §5's two cases: a good model p mixed with a lot of noise q, m = w·p + (1 − w)·q. Since m ≥ w·p,
/// log m(x) ≥ log p(x) + log w: the mixture loses at most −log w nats per sample (4.6 nats for w = 1 %), which is
/// negligible next to the hundreds or thousands of nats of log p(x) in high dimensions — yet a fraction 1 − w of its
/// samples are pure noise.
/// </summary>
public sealed class NoiseMixture(IsotropicMixture good, double goodWeight, double noiseStd)
{
    public double GoodWeight { get; } = goodWeight is > 0 and <= 1 ? goodWeight : throw new ArgumentException($"NoiseMixture: weight {goodWeight} must be in (0, 1]");

    /// <summary>log(w·p(x) + (1 − w)·N(x; 0, σ²I)) per point.</summary>
    public double[] LogDensity(double[][] points)
    {
        var lp = good.LogDensity(points);
        int d = good.Dimension;
        return points.Select((x, i) =>
        {
            double lq = -0.5 * d * Math.Log(2 * Math.PI * noiseStd * noiseStd) - x.Sum(v => v * v) / (2 * noiseStd * noiseStd);
            double a = Math.Log(GoodWeight) + lp[i], b = GoodWeight < 1 ? Math.Log(1 - GoodWeight) + lq : double.NegativeInfinity;
            double max = Math.Max(a, b);
            return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
        }).ToArray();
    }

    /// <summary>n samples: from the good model with probability w, else N(0, σ²I).</summary>
    public double[][] Sample(int n, Rng rng) => Enumerable.Range(0, n).Select(_ =>
        rng.NextDouble() < GoodWeight ? good.Sample(1, rng)[0] : Enumerable.Range(0, good.Dimension).Select(_ => noiseStd * rng.NextNormal()).ToArray()).ToArray();
}

/// <summary>
/// The second of §5's cases: a model that memorises its training set, a Gaussian kernel density estimate with a narrow
/// bandwidth h, p(x) = (1/N) Σᵢ N(x; xᵢ, h²I). Its samples are training images plus a little noise — perfect to look at,
/// and copies — its likelihood of the training images grows without bound as h → 0 (sharp peaks), and its likelihood of
/// new images collapses, since they lie far (in units of h) from every training image.
/// </summary>
public sealed class KernelDensity
{
    readonly Tensor train;                                         // [N, D] float64
    readonly double[] trainSquaredNorms;
    public double Bandwidth { get; }

    /// <summary>Training points [N, D] (e.g. flattened images) and the bandwidth h.</summary>
    public KernelDensity(Tensor trainingPoints, double bandwidth)
    {
        if (trainingPoints.Rank != 2 || !(bandwidth > 0))
            throw new ArgumentException($"KernelDensity: needs points [N, D] and bandwidth > 0, got {trainingPoints.Shape}, h = {bandwidth}");
        train = trainingPoints.Detach().To(DType.Float64);
        trainSquaredNorms = Op.Sum(Op.Square(train), 1).ToDoubleArray();
        Bandwidth = bandwidth;
    }

    /// <summary>
    /// Squared distances [M, N] between points [M, D] and the training points, from ‖x‖² − 2x·xᵢ + ‖xᵢ‖² (clamped at 0).
    /// With <paramref name="excludeSelf"/> the i-th point's distance to the i-th training point is set to +∞ (leave-one-out).
    /// </summary>
    public double[,] SquaredDistances(Tensor points, bool excludeSelf = false)
    {
        var x = points.Detach().To(DType.Float64);
        var cross = Op.MatMul(x, train, transB: true).ToDoubleArray();           // [M, N]
        var norms = Op.Sum(Op.Square(x), 1).ToDoubleArray();
        int m = points.Shape[0], n = train.Shape[0];
        var d = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) d[i, j] = excludeSelf && i == j ? double.PositiveInfinity : Math.Max(0, norms[i] - 2 * cross[i * n + j] + trainSquaredNorms[j]);
        return d;
    }

    /// <summary>log p(x) per point [M] (log-sum-exp over the N kernels).</summary>
    public double[] LogDensity(Tensor points, bool excludeSelf = false)
    {
        var d2 = SquaredDistances(points, excludeSelf);
        int m = d2.GetLength(0), n = d2.GetLength(1), dim = train.Shape[1];
        double h2 = Bandwidth * Bandwidth, constant = -Math.Log(excludeSelf ? n - 1 : n) - 0.5 * dim * Math.Log(2 * Math.PI * h2);
        var result = new double[m];
        for (int i = 0; i < m; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < n; j++) max = Math.Max(max, -d2[i, j] / (2 * h2));
            double sum = 0;
            for (int j = 0; j < n; j++) sum += Math.Exp(-d2[i, j] / (2 * h2) - max);
            result[i] = constant + max + Math.Log(sum);
        }
        return result;
    }

    /// <summary>n samples: a uniformly chosen training point plus h·ε. Also returns which training point each copies.</summary>
    public (Tensor Samples, int[] Sources) Sample(int n, Rng rng)
    {
        int count = train.Shape[0];
        var sources = Enumerable.Range(0, n).Select(_ => rng.NextInt(count)).ToArray();
        var picked = Op.IndexSelect(train, 0, sources);
        return (picked + rng.Normal(picked.Shape, dtype: DType.Float64) * Bandwidth, sources);
    }
}
