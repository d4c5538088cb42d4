using MachinePerception.Autodiff;
using MachinePerception.Basics;
using MachinePerception.Checkpoints;
using MachinePerception.Cnn;
using MachinePerception.Ops;
using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Generative;

/// <summary>The mean and covariance of a set of feature vectors (float64), the Gaussian that the Fréchet distance compares.</summary>
public sealed record FeatureStatistics(Vector<double> Mean, Matrix<double> Covariance, int Count);

/// <summary>
/// Judges generated images the way the literature judges them with an Inception network, but with a classifier the
/// book trains itself on the real images (§5, §6; no Inception network can ship): the class histogram of the samples,
/// the fraction the classifier is confident about, and the Fréchet distance between Gaussians fitted to the
/// classifier's penultimate-layer features of the samples and of real images,
/// d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^{1/2}).
/// This is the formula of the FID with our own features; its values are not comparable with published FIDs.
/// </summary>
public sealed class SampleJudge
{
    /// <summary>The classifier; its <see cref="SmallCnn.Features"/> are the judged features.</summary>
    public SmallCnn Network { get; }

    public SampleJudge(SmallCnn network)
    {
        if (network.Hidden is null)
            throw new ArgumentException("SampleJudge: the network needs a hidden feature layer (SmallCnn with hidden > 0)");
        Network = network;
        network.Eval();
    }

    /// <summary>The judge of MNIST digits: the shipped checkpoint <c>judge-mnist</c> (<see cref="JudgeRecipe"/>).</summary>
    public static SampleJudge LoadMnist() => new((SmallCnn)Checkpoint.Load(new JudgeRecipe()).Model);

    const int Batch = 500;

    static void CheckImages(string op, Tensor images)
    {
        var s = images.Shape;
        if (s.Rank != 4 || s[1] != 1 || s[2] != 28 || s[3] != 28)
            throw new ArgumentException($"SampleJudge.{op}: images must be [N, 1, 28, 28] with values in [0, 1], got {s}");
    }

    // The network's outputs for all images, in batches, without a graph.
    Tensor Map(string op, Tensor images, Func<Tensor, Tensor> f)
    {
        CheckImages(op, images);
        using var _ = Autograd.NoGrad();
        var parts = new List<Tensor>();
        for (int start = 0; start < images.Shape[0]; start += Batch)
            parts.Add(f(Op.Slice(images, 0, start, Math.Min(Batch, images.Shape[0] - start))));
        return parts.Count == 1 ? parts[0] : Op.Concat(parts, 0);
    }

    /// <summary>The penultimate-layer features [N, F] of images [N, 1, 28, 28].</summary>
    public Tensor Features(Tensor images) => Map(nameof(Features), images, Network.Features);

    /// <summary>The class probabilities [N, classes] (softmax of the logits).</summary>
    public Tensor Probabilities(Tensor images) => Map(nameof(Probabilities), images, x => Op.Softmax(Network.Forward(x), 1));

    /// <summary>The most probable class of each image.</summary>
    public int[] Classify(Tensor images)
    {
        var p = Probabilities(images);
        return Op.ArgMax(p, 1).ToDoubleArray().Select(v => (int)v).ToArray();
    }

    /// <summary>The fraction of the images assigned to each class (sums to 1).</summary>
    public double[] ClassHistogram(Tensor images)
    {
        var classes = Classify(images);
        var histogram = new double[Network.Classifier.OutFeatures];
        foreach (var c in classes) histogram[c] += 1.0 / classes.Length;
        return histogram;
    }

    /// <summary>The fraction of images whose most probable class has probability ≥ <paramref name="threshold"/>.</summary>
    public double ConfidentFraction(Tensor images, double threshold = 0.9)
    {
        var max = Op.Max(Probabilities(images), 1).ToDoubleArray();
        return max.Count(m => m >= threshold) / (double)max.Length;
    }

    /// <summary>The share of images classified as their label.</summary>
    public double Accuracy(Tensor images, int[] labels)
    {
        var predicted = Classify(images);
        if (predicted.Length != labels.Length)
            throw new ArgumentException($"SampleJudge.Accuracy: {labels.Length} labels for {predicted.Length} images");
        return predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
    }

    /// <summary>Mean and (unbiased) covariance of the images' features, in float64.</summary>
    public FeatureStatistics Statistics(Tensor images)
    {
        var f = Features(images);
        int n = f.Shape[0], d = f.Shape[1];
        if (n < 2) throw new ArgumentException($"SampleJudge.Statistics: needs at least 2 images, got {n}");
        var x = Matrix<double>.Build.DenseOfRowMajor(n, d, f.ToDoubleArray());
        var mean = x.ColumnSums() / n;
        var centred = x - Matrix<double>.Build.Dense(n, d, (_, j) => mean[j]);
        return new FeatureStatistics(mean, centred.TransposeThisAndMultiply(centred) / (n - 1), n);
    }

    /// <summary>The Fréchet distance (squared, as the FID formula gives it) between the features of two sets of images.</summary>
    public double FrechetDistance(Tensor samples, Tensor reference) => FrechetDistance(Statistics(samples), Statistics(reference));

    /// <summary>
    /// d² = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁ Σ₂)^{1/2}. The last trace is computed as Σᵢ √λᵢ of the symmetric
    /// matrix Σ₁^{1/2} Σ₂ Σ₁^{1/2}, which has the same eigenvalues as Σ₁ Σ₂; tiny negative eigenvalues from rounding are
    /// taken as 0.
    /// </summary>
    public static double FrechetDistance(FeatureStatistics a, FeatureStatistics b)
    {
        if (a.Mean.Count != b.Mean.Count)
            throw new ArgumentException($"SampleJudge.FrechetDistance: feature sizes differ ({a.Mean.Count} vs {b.Mean.Count})");
        var rootA = SymmetricSqrt(a.Covariance);
        var middle = rootA * b.Covariance * rootA;
        double traceRoot = middle.Evd(Symmetricity.Symmetric).EigenValues.Sum(l => Math.Sqrt(Math.Max(l.Real, 0)));
        double meanTerm = (a.Mean - b.Mean).DotProduct(a.Mean - b.Mean);
        return Math.Max(0, meanTerm + a.Covariance.Trace() + b.Covariance.Trace() - 2 * traceRoot);
    }

    static Matrix<double> SymmetricSqrt(Matrix<double> s)
    {
        var evd = ((s + s.Transpose()) / 2).Evd(Symmetricity.Symmetric);
        var roots = Vector<double>.Build.Dense(s.RowCount, i => Math.Sqrt(Math.Max(evd.EigenValues[i].Real, 0)));
        return evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(roots) * evd.EigenVectors.Transpose();
    }
}
