using MachinePerception.Numerics;
using MachinePerception.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Generative;

/// <summary>
/// A Gaussian N(μ, Σ) with a full covariance, in float64: the distributions of the linear-Gaussian model in which every
/// term of the ELBO identity of §2 has a closed form. Σ must be symmetric positive definite (checked by its Cholesky factor).
/// </summary>
public sealed class Gaussian
{
    static readonly double Log2Pi = Math.Log(2 * Math.PI);

    public Vector<double> Mean { get; }
    public Matrix<double> Covariance { get; }
    public int Dimension => Mean.Count;

    // L with Σ = L Lᵀ: gives log det Σ = 2 Σᵢ log Lᵢᵢ, solves with Σ, and samples μ + L ε
    readonly MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> cholesky;

    public Gaussian(Vector<double> mean, Matrix<double> covariance)
    {
        if (covariance.RowCount != mean.Count || covariance.ColumnCount != mean.Count)
            throw new ArgumentException($"Gaussian: mean has {mean.Count} entries but the covariance is {covariance.RowCount}×{covariance.ColumnCount}");
        if (!covariance.IsSymmetric())
        {
            // rounding in products such as W Wᵀ leaves asymmetries of ~1e-16; anything larger is a caller's mistake
            if ((covariance - covariance.Transpose()).InfinityNorm() > 1e-12 * (1 + covariance.InfinityNorm()))
                throw new ArgumentException("Gaussian: the covariance is not symmetric");
            covariance = (covariance + covariance.Transpose()) / 2;
        }
        Mean = mean;
        Covariance = covariance;
        try { cholesky = covariance.Cholesky(); }
        catch (ArgumentException) { throw new ArgumentException($"Gaussian: the {mean.Count}×{mean.Count} covariance is not positive definite"); }
    }

    /// <summary>N(μ, diag σ²) from the mean and the variances (not the standard deviations).</summary>
    public static Gaussian Diagonal(IReadOnlyList<double> mean, IReadOnlyList<double> variance)
    {
        if (mean.Count != variance.Count)
            throw new ArgumentException($"Gaussian.Diagonal: mean has {mean.Count} entries, variance {variance.Count}");
        if (variance.Any(v => !(v > 0))) throw new ArgumentException($"Gaussian.Diagonal: variances must be positive, got [{string.Join(", ", variance)}]");
        return new Gaussian(Vector<double>.Build.DenseOfEnumerable(mean), Matrix<double>.Build.DenseOfDiagonalArray(variance.ToArray()));
    }

    /// <summary>
    /// The maximum-likelihood Gaussian of points [N, D]: their mean and (biased, 1/N) covariance — the simplest model of
    /// a data set, which a generative model of it should beat (§6's toy data).
    /// </summary>
    public static Gaussian Fit(Tensor points)
    {
        if (points.Rank != 2 || points.Shape[0] < 2) throw new ArgumentException($"Gaussian.Fit: expected points [N ≥ 2, D], got {points.Shape}");
        int n = points.Shape[0], d = points.Shape[1];
        var x = Matrix<double>.Build.DenseOfRowMajor(n, d, points.ToDoubleArray());
        var mean = x.ColumnSums() / n;
        var centred = x - Matrix<double>.Build.Dense(n, d, (_, j) => mean[j]);
        return new Gaussian(mean, centred.TransposeThisAndMultiply(centred) / n);
    }

    /// <summary><paramref name="count"/> draws as a tensor [count, D] (float64).</summary>
    public Tensor Samples(int count, Rng rng)
    {
        if (count < 1) throw new ArgumentException($"Gaussian.Samples: count must be ≥ 1, got {count}");
        var values = new double[count * Dimension];
        for (int i = 0; i < count; i++) Sample(rng).ToArray().CopyTo(values, i * Dimension);
        return Tensor.FromArray(values, count, Dimension);
    }

    /// <summary>The standard normal N(0, I) in <paramref name="dimension"/> dimensions (the VAE's prior p(z)).</summary>
    public static Gaussian Standard(int dimension) =>
        new(Vector<double>.Build.Dense(dimension), Matrix<double>.Build.DenseIdentity(dimension));

    /// <summary>log det Σ.</summary>
    public double LogDeterminant => 2 * cholesky.Factor.Diagonal().Sum(Math.Log);

    /// <summary>log N(x; μ, Σ) = −(d/2) log 2π − ½ log det Σ − ½ (x − μ)ᵀ Σ⁻¹ (x − μ).</summary>
    public double LogDensity(Vector<double> x)
    {
        if (x.Count != Dimension) throw new ArgumentException($"Gaussian.LogDensity: x has {x.Count} entries, the Gaussian {Dimension}");
        var d = x - Mean;
        return -0.5 * (Dimension * Log2Pi + LogDeterminant + d.DotProduct(cholesky.Solve(d)));
    }

    /// <summary>The differential entropy H = −∫ q log q = (d/2)(1 + log 2π) + ½ log det Σ.</summary>
    public double Entropy => 0.5 * Dimension * (1 + Log2Pi) + 0.5 * LogDeterminant;

    /// <summary>One draw μ + L ε with ε ~ N(0, I) and Σ = L Lᵀ (the reparameterization z = μ + σ ε of §2, for a full Σ).</summary>
    public Vector<double> Sample(Rng rng)
    {
        var eps = Vector<double>.Build.Dense(Dimension, _ => rng.NextNormal());
        return Mean + cholesky.Factor * eps;
    }

    /// <summary>
    /// KL(p ‖ q) = ∫ p log(p/q) in closed form for p = this and q = <paramref name="q"/>:
    /// ½ [tr(Σ_q⁻¹ Σ_p) + (μ_q − μ_p)ᵀ Σ_q⁻¹ (μ_q − μ_p) − d + log det Σ_q − log det Σ_p].
    /// </summary>
    public double KlTo(Gaussian q)
    {
        if (q.Dimension != Dimension) throw new ArgumentException($"Gaussian.KlTo: dimensions differ ({Dimension} and {q.Dimension})");
        var d = q.Mean - Mean;
        double trace = q.cholesky.Solve(Covariance).Trace();
        return 0.5 * (trace + d.DotProduct(q.cholesky.Solve(d)) - Dimension + q.LogDeterminant - LogDeterminant);
    }

    /// <summary>KL(p ‖ q) by Monte Carlo: the mean of log p(z) − log q(z) over <paramref name="samples"/> draws z ~ p.</summary>
    public MeanEstimator KlToMonteCarlo(Gaussian q, int samples, Rng rng)
    {
        var estimate = new MeanEstimator(1);
        for (int i = 0; i < samples; i++)
        {
            var z = Sample(rng);
            estimate.Add(LogDensity(z) - q.LogDensity(z));
        }
        return estimate;
    }
}

/// <summary>
/// The linear-Gaussian latent-variable model z ~ N(0, I), x | z ~ N(W z + b, σ² I) (probabilistic PCA): the one VAE-like
/// model where the evidence p(x), the true posterior p(z | x) and the ELBO of any Gaussian q are all closed form, so the
/// identity of §2, log p(x) = ELBO(q) + KL(q ‖ p(z | x)), can be checked to rounding error.
/// Each quantity comes from its own formula: the evidence from the marginal N(b, W Wᵀ + σ² I), the posterior from
/// Bayes' rule for Gaussians, the ELBO from the three expectations E_q[log p(x | z)] + E_q[log p(z)] + H(q).
/// </summary>
public sealed class LinearGaussianModel
{
    static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>The decoder's weights W [D, J].</summary>
    public Matrix<double> Weights { get; }
    /// <summary>The decoder's offset b [D].</summary>
    public Vector<double> Offset { get; }
    /// <summary>The observation noise σ².</summary>
    public double NoiseVariance { get; }
    public int DataDimension => Weights.RowCount;
    public int LatentDimension => Weights.ColumnCount;

    public LinearGaussianModel(Matrix<double> weights, Vector<double> offset, double noiseVariance)
    {
        if (offset.Count != weights.RowCount)
            throw new ArgumentException($"LinearGaussianModel: W is {weights.RowCount}×{weights.ColumnCount} but b has {offset.Count} entries");
        if (!(noiseVariance > 0)) throw new ArgumentException($"LinearGaussianModel: σ² must be positive, got {noiseVariance}");
        Weights = weights;
        Offset = offset;
        NoiseVariance = noiseVariance;
    }

    /// <summary>A model with standard-normal W [D, J] and b [D] drawn from <paramref name="rng"/>.</summary>
    public static LinearGaussianModel Random(int dataDimension, int latentDimension, double noiseVariance, Rng rng)
    {
        if (dataDimension <= 0 || latentDimension <= 0)
            throw new ArgumentException($"LinearGaussianModel.Random: dimensions must be positive, got D = {dataDimension}, J = {latentDimension}");
        var w = Matrix<double>.Build.Dense(dataDimension, latentDimension);
        for (int i = 0; i < dataDimension; i++)
            for (int j = 0; j < latentDimension; j++) w[i, j] = rng.NextNormal();
        var b = Vector<double>.Build.Dense(dataDimension, _ => rng.NextNormal());
        return new LinearGaussianModel(w, b, noiseVariance);
    }

    /// <summary>The prior p(z) = N(0, I).</summary>
    public Gaussian Prior => Gaussian.Standard(LatentDimension);

    /// <summary>The decoder p(x | z) = N(W z + b, σ² I).</summary>
    public Gaussian Likelihood(Vector<double> z) =>
        new(Weights * z + Offset, Matrix<double>.Build.DenseIdentity(DataDimension) * NoiseVariance);

    /// <summary>The marginal p(x) = ∫ p(x | z) p(z) dz = N(b, W Wᵀ + σ² I) (a linear map of Gaussians plus independent noise).</summary>
    public Gaussian Marginal => new(Offset, Weights * Weights.Transpose() + Matrix<double>.Build.DenseIdentity(DataDimension) * NoiseVariance);

    /// <summary>The evidence log p(x), exact.</summary>
    public double LogEvidence(Vector<double> x) => Marginal.LogDensity(CheckX(x, "LogEvidence"));

    /// <summary>
    /// The true posterior p(z | x) = N(m, S) with S = (I + Wᵀ W / σ²)⁻¹ and m = S Wᵀ (x − b) / σ²: the product of the
    /// prior and the likelihood is Gaussian in z, and these are its precision and mean.
    /// </summary>
    public Gaussian Posterior(Vector<double> x)
    {
        CheckX(x, "Posterior");
        var precision = Matrix<double>.Build.DenseIdentity(LatentDimension) + Weights.TransposeThisAndMultiply(Weights) / NoiseVariance;
        var covariance = precision.Inverse();
        return new Gaussian(covariance * Weights.TransposeThisAndMultiply(x - Offset) / NoiseVariance, covariance);
    }

    /// <summary>E_q[log p(x | z)] = −(D/2) log 2πσ² − (‖x − W μ_q − b‖² + tr(W Σ_q Wᵀ)) / (2σ²): the reconstruction term.</summary>
    public double ExpectedLogLikelihood(Vector<double> x, Gaussian q)
    {
        CheckX(x, "ExpectedLogLikelihood");
        CheckQ(q, "ExpectedLogLikelihood");
        var residual = x - Weights * q.Mean - Offset;
        double spread = (Weights * q.Covariance * Weights.Transpose()).Trace();
        return -0.5 * DataDimension * Math.Log(2 * Math.PI * NoiseVariance) - (residual.DotProduct(residual) + spread) / (2 * NoiseVariance);
    }

    /// <summary>
    /// ELBO(q) = E_q[log p(x | z)] + E_q[log p(z)] + H(q), with E_q[log p(z)] = −(J/2) log 2π − ½(‖μ_q‖² + tr Σ_q).
    /// The last two terms together are −KL(q ‖ p(z)), the summary's "purple" term.
    /// </summary>
    public double Elbo(Vector<double> x, Gaussian q)
    {
        double expectedLogPrior = -0.5 * LatentDimension * Log2Pi - 0.5 * (q.Mean.DotProduct(q.Mean) + q.Covariance.Trace());
        return ExpectedLogLikelihood(x, q) + expectedLogPrior + q.Entropy;
    }

    /// <summary>The ELBO by Monte Carlo: the mean of log p(x | z) + log p(z) − log q(z) over draws z ~ q.</summary>
    public MeanEstimator ElboMonteCarlo(Vector<double> x, Gaussian q, int samples, Rng rng)
    {
        CheckX(x, "ElboMonteCarlo");
        CheckQ(q, "ElboMonteCarlo");
        var prior = Prior;
        var estimate = new MeanEstimator(1);
        for (int i = 0; i < samples; i++)
        {
            var z = q.Sample(rng);
            estimate.Add(Likelihood(z).LogDensity(x) + prior.LogDensity(z) - q.LogDensity(z));
        }
        return estimate;
    }

    /// <summary>A data point drawn from the model: z ~ p(z), then x ~ p(x | z).</summary>
    public Vector<double> Sample(Rng rng) => Likelihood(Prior.Sample(rng)).Sample(rng);

    Vector<double> CheckX(Vector<double> x, string method) => x.Count == DataDimension ? x
        : throw new ArgumentException($"LinearGaussianModel.{method}: x has {x.Count} entries, the model's data dimension is {DataDimension}");

    void CheckQ(Gaussian q, string method)
    {
        if (q.Dimension != LatentDimension)
            throw new ArgumentException($"LinearGaussianModel.{method}: q has dimension {q.Dimension}, the latent dimension is {LatentDimension}");
    }
}
