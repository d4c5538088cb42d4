using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// The distribution p_z of a flow's latent z (§4: "the latent distribution of a flow needn't be N"). Any density
/// that is easy to evaluate and to sample will do: the flow then models p_x(x) = p_z(f⁻¹(x))·|det ∂f⁻¹/∂x|.
/// Vectors z [B, D].
/// </summary>
public abstract class BaseDistribution(int dimension)
{
    public int Dimension { get; } = dimension > 0 ? dimension : throw new ArgumentException($"BaseDistribution: dimension must be positive, got {dimension}");

    /// <summary>log p_z(z) per row, z [B, D] → [B] (differentiable in z).</summary>
    public abstract Tensor LogProb(Tensor z);

    /// <summary>n draws [n, D]; <paramref name="temperature"/> scales the spread (1 = the distribution itself).</summary>
    public abstract Tensor Sample(int n, Rng rng, double temperature = 1, DType dtype = DType.Float32);

    protected void CheckInput(Tensor z)
    {
        if (z.Rank != 2 || z.Shape[1] != Dimension)
            throw new ArgumentException($"{GetType().Name}: expected z [B, {Dimension}], got {z.Shape}");
    }
}

/// <summary>N(0, I): log p(z) = −½|z|² − (D/2) log 2π.</summary>
public sealed class StandardNormal(int dimension) : BaseDistribution(dimension)
{
    public override Tensor LogProb(Tensor z)
    {
        CheckInput(z);
        return Op.Sum(Op.Square(z), 1) * -0.5 - 0.5 * Dimension * Math.Log(2 * Math.PI);
    }

    public override Tensor Sample(int n, Rng rng, double temperature = 1, DType dtype = DType.Float32) =>
        rng.Normal([n, Dimension], 0, temperature, dtype);

    public override string ToString() => $"N(0, I_{Dimension})";
}

/// <summary>
/// Independent standard logistic coordinates (NICE's base): p(z) = σ(z)(1 − σ(z)) per coordinate, so
/// log p(z) = −Σ (softplus(z) + softplus(−z)); heavier tails than a Gaussian. Sampling: z = log u − log(1 − u).
/// </summary>
public sealed class StandardLogistic(int dimension) : BaseDistribution(dimension)
{
    public override Tensor LogProb(Tensor z)
    {
        CheckInput(z);
        return -Op.Sum(Op.Softplus(z) + Op.Softplus(-z), 1);
    }

    public override Tensor Sample(int n, Rng rng, double temperature = 1, DType dtype = DType.Float32)
    {
        var v = new double[n * Dimension];
        for (int i = 0; i < v.Length; i++)
        {
            double u = rng.NextDouble();
            while (u == 0) u = rng.NextDouble();
            v[i] = temperature * (Math.Log(u) - Math.Log(1 - u));
        }
        return Tensor.FromArray(v, n, Dimension).To(dtype);
    }

    public override string ToString() => $"Logistic(0, 1)^{Dimension}";
}

/// <summary>
/// An equal-weight mixture of isotropic Gaussians N(μ_k, σ²I) as the base: a flow can then put its modes where the
/// base already has them instead of tearing one Gaussian apart. log p(z) = logsumexp_k(log N(z; μ_k, σ²I)) − log K.
/// </summary>
public sealed class GaussianMixtureBase : BaseDistribution
{
    readonly double[][] means;
    public double Std { get; }

    public GaussianMixtureBase(double[][] means, double std) : base(means.Length > 0 ? means[0].Length : 0)
    {
        if (means.Any(m => m.Length != Dimension)) throw new ArgumentException($"GaussianMixtureBase: every mean needs {Dimension} coordinates");
        if (!(std > 0)) throw new ArgumentException($"GaussianMixtureBase: std must be positive, got {std}");
        this.means = means.Select(m => (double[])m.Clone()).ToArray();
        Std = std;
    }

    public IReadOnlyList<double[]> Means => means;

    public override Tensor LogProb(Tensor z)
    {
        CheckInput(z);
        int k = means.Length;
        var mu = Tensor.FromArray(means.SelectMany(m => m).ToArray(), 1, k, Dimension).To(z.DType);      // [1, K, D]
        var d = Op.Unsqueeze(z, 1) - mu;                                                                // [B, K, D]
        var logN = Op.Sum(Op.Square(d), 2) * (-0.5 / (Std * Std)) - Dimension * (Math.Log(Std) + 0.5 * Math.Log(2 * Math.PI));
        return Op.LogSumExp(logN, 1) - Math.Log(k);
    }

    public override Tensor Sample(int n, Rng rng, double temperature = 1, DType dtype = DType.Float32)
    {
        var v = new double[n * Dimension];
        for (int i = 0; i < n; i++)
        {
            var m = means[rng.NextInt(means.Length)];
            for (int j = 0; j < Dimension; j++) v[i * Dimension + j] = m[j] + temperature * Std * rng.NextNormal();
        }
        return Tensor.FromArray(v, n, Dimension).To(dtype);
    }

    public override string ToString() => $"mixture of {means.Length} N(μ_k, {Std}² I)";
}
