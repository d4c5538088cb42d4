using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Generative;

/// <summary>
/// Principal component analysis, the reference for §1's "the optimal linear autoencoder is PCA". For centred data
/// X̃ = X − μ (rows are examples) the covariance C = X̃ᵀX̃ / N has orthonormal eigenvectors u₁, u₂, … with eigenvalues
/// λ₁ ≥ λ₂ ≥ … ≥ 0 (the spectrum). The top-k eigenvectors U = [u₁ … u_k] span the k-dimensional subspace that keeps
/// the most variance; projecting onto it, x̂ = μ + U Uᵀ(x − μ), leaves the smallest mean squared error of any rank-k
/// linear map, namely Σ_{i>k} λᵢ per example.
/// </summary>
public sealed class Pca
{
    /// <summary>μ, the mean example [D].</summary>
    public double[] Mean { get; }

    /// <summary>U [D, k]: the top-k principal directions as orthonormal columns, largest eigenvalue first.</summary>
    public Matrix<double> Components { get; }

    /// <summary>All D eigenvalues of the covariance (the variance along each principal direction), descending.</summary>
    public double[] Eigenvalues { get; }

    /// <summary>C = X̃ᵀX̃ / N [D, D], the covariance of the examples (divided by N, as in the error identity Σ_{i>k} λᵢ); formed on first use.</summary>
    public Matrix<double> Covariance => covariance.Value;

    readonly Lazy<Matrix<double>> covariance;

    public int Dimension => Mean.Length;
    public int Rank => Components.ColumnCount;

    Pca(double[] mean, Matrix<double> components, double[] eigenvalues, Func<Matrix<double>> covariance) =>
        (Mean, Components, Eigenvalues, this.covariance) = (mean, components, eigenvalues, new Lazy<Matrix<double>>(covariance));

    /// <summary>
    /// Fits PCA to examples [N, D] (or [N, …], flattened per example) from the covariance: C = X̃ᵀX̃ / N is formed
    /// with the library's matrix product, then MathNet's SVD of the symmetric C gives its eigenvectors (C = U S Uᵀ,
    /// so singular values are eigenvalues). This is D×D work instead of the N×D SVD of the data itself.
    /// </summary>
    public static Pca Fit(Tensor data, int k)
    {
        var (x, mean) = Centre("Pca.Fit", data, k);
        var xt = Tensor.FromArray(x, data.Shape[0], mean.Length);
        var cov = Op.MatMul(xt, xt, transA: true).ToDoubleArray(); // X̃ᵀX̃ [D, D]
        int d = mean.Length, n = data.Shape[0];
        var c = Matrix<double>.Build.Dense(d, d, (i, j) => cov[i * d + j] / n);
        var svd = c.Svd(computeVectors: true);
        return new Pca(mean, svd.U.SubMatrix(0, d, 0, k), svd.S.ToArray(), () => c);
    }

    /// <summary>
    /// The same PCA from the SVD of the centred data itself, X̃ = V_left S Vᵀ: the right singular vectors are the
    /// principal directions and λᵢ = sᵢ² / N (since X̃ᵀX̃ = V S² Vᵀ). Slower for large N; used to check <see cref="Fit"/>.
    /// </summary>
    public static Pca FitBySvdOfData(Tensor data, int k)
    {
        var (x, mean) = Centre("Pca.FitBySvdOfData", data, k);
        int n = data.Shape[0], d = mean.Length;
        var centred = Matrix<double>.Build.Dense(n, d, (i, j) => x[i * d + j]);
        var svd = centred.Svd(computeVectors: true);
        var eigenvalues = new double[d]; // with N < D the last D − N eigenvalues are 0
        for (int i = 0; i < svd.S.Count; i++) eigenvalues[i] = svd.S[i] * svd.S[i] / n;
        return new Pca(mean, svd.VT.SubMatrix(0, k, 0, d).Transpose(), eigenvalues, () => centred.TransposeThisAndMultiply(centred) / n);
    }

    /// <summary>
    /// The same PCA from the N×N Gram matrix G = X̃X̃ᵀ, for fewer examples than dimensions (the body meshes of §9.3: N = 200
    /// people, D = 3V ≈ 4,000 coordinates). If G v = s² v then X̃ᵀX̃ (X̃ᵀv) = s² (X̃ᵀv): the principal directions are
    /// u = X̃ᵀv / s and λ = s² / N. N×N work instead of D×D; the last D − N eigenvalues are 0.
    /// </summary>
    public static Pca FitByGram(Tensor data, int k)
    {
        var (x, mean) = Centre("Pca.FitByGram", data, k);
        int n = data.Shape[0], d = mean.Length;
        if (k > n) throw new ArgumentException($"Pca.FitByGram: k = {k} directions from only N = {n} examples");
        var xt = Tensor.FromArray(x, n, d);
        var g = Op.MatMul(xt, xt, transB: true).ToDoubleArray(); // X̃X̃ᵀ [N, N]
        var gram = Matrix<double>.Build.Dense(n, n, (i, j) => 0.5 * (g[i * n + j] + g[j * n + i]));
        var evd = gram.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var order = Enumerable.Range(0, n).OrderByDescending(i => evd.EigenValues[i].Real).ToArray();
        var eigenvalues = new double[d];
        for (int i = 0; i < n; i++) eigenvalues[i] = Math.Max(0, evd.EigenValues[order[i]].Real) / n;
        var v = Matrix<double>.Build.Dense(n, k, (i, j) => evd.EigenVectors[i, order[j]]);
        var u = Op.MatMul(xt, Tensor.FromArray(v.ToArray()), transA: true).ToDoubleArray(); // X̃ᵀ V [D, k]
        var components = Matrix<double>.Build.Dense(d, k, (i, j) => u[i * k + j] / Math.Sqrt(eigenvalues[j] * n));
        return new Pca(mean, components, eigenvalues, () =>
        {
            var centred = Matrix<double>.Build.Dense(n, d, (i, j) => x[i * d + j]);
            return centred.TransposeThisAndMultiply(centred) / n;
        });
    }

    static (double[] Centred, double[] Mean) Centre(string op, Tensor data, int k)
    {
        if (data.Rank < 2 || data.Shape[0] < 2)
            throw new ArgumentException($"{op}: needs at least two examples [N, D], got {data.Shape}");
        int n = data.Shape[0], d = data.Size / n;
        if (k < 1 || k > d)
            throw new ArgumentException($"{op}: k = {k} principal directions requested, but examples have D = {d} entries ({data.Shape})");
        var x = data.ToDoubleArray();
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) x[i * d + j] -= mean[j];
        return (x, mean);
    }

    /// <summary>The codes Uᵀ(x − μ) of examples [N, …] → [N, k] (float64).</summary>
    public Tensor Encode(Tensor x) => Op.MatMul(Centred(x), ComponentsTensor()); // [N, D] · [D, k]

    /// <summary>The projection μ + U Uᵀ(x − μ) of examples onto the principal subspace, in the input's shape (float64).</summary>
    public Tensor Reconstruct(Tensor x)
    {
        var projected = Op.MatMul(Encode(x), ComponentsTensor(), transB: true) + Tensor.FromArray(Mean, Dimension); // [N, D]
        return Op.Reshape(projected, x.Shape.ToArray());
    }

    /// <summary>The same PCA keeping only its first <paramref name="k"/> ≤ <see cref="Rank"/> directions, without refitting.</summary>
    public Pca Truncate(int k)
    {
        if (k < 1 || k > Rank) throw new ArgumentException($"Pca.Truncate: k = {k} directions requested, but this PCA has {Rank}");
        return new Pca(Mean, Components.SubMatrix(0, Dimension, 0, k), Eigenvalues, () => Covariance);
    }

    /// <summary>Σ_{i>k} λᵢ: the expected squared reconstruction error per example of the rank-k projection.</summary>
    public double ResidualVariance => Eigenvalues.Skip(Rank).Sum();

    /// <summary>(λ₁ + … + λ_k) / Σ λᵢ: the share of the variance kept by the first k directions.</summary>
    public double ExplainedVarianceRatio(int k) => Eigenvalues.Take(k).Sum() / Eigenvalues.Sum();

    Tensor Centred(Tensor x)
    {
        if (x.Rank < 1 || x.Size % Dimension != 0 || x.Size / Math.Max(1, x.Shape[0]) != Dimension)
            throw new ArgumentException($"Pca: examples must have D = {Dimension} entries each, got {x.Shape}");
        return Op.Reshape(x.To(DType.Float64), x.Shape[0], Dimension) - Tensor.FromArray(Mean, Dimension);
    }

    Tensor ComponentsTensor() => Tensor.FromArray(Components.ToArray()); // [D, k]
}
