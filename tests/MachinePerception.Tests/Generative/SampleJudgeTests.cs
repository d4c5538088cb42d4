using MachinePerception.Checkpoints;
using MachinePerception.Cnn;
using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Tests.Generative;

/// <summary>A judge trained briefly on the shipped digits, shared by the tests that need real features.</summary>
public sealed class BrieflyTrainedJudge
{
    public SampleJudge Judge { get; } = new((SmallCnn)Checkpoint.TrainBriefly(new JudgeRecipe(), 120).Model);
    public LabeledImages Train { get; } = Mnist.Load(Split.Train, take: 1000);
    public LabeledImages Test { get; } = Mnist.Load(Split.Test, take: 1000);
}

public sealed class SampleJudgeTests(BrieflyTrainedJudge trained) : IClassFixture<BrieflyTrainedJudge>
{
    static FeatureStatistics Gaussian(double[] mean, Matrix<double> covariance) =>
        new(Vector<double>.Build.DenseOfArray(mean), covariance, 100);

    [Fact]
    public void Frechet_distance_matches_the_closed_form_for_covariances_with_a_common_eigenbasis()
    {
        // Σ₁ = Q diag(a) Qᵀ, Σ₂ = Q diag(b) Qᵀ commute, so Tr (Σ₁Σ₂)^{1/2} = Σ √(aᵢbᵢ) and d² = ‖Δμ‖² + Σ (√aᵢ − √bᵢ)².
        var rng = new Rng(5);
        int d = 6;
        var q = Matrix<double>.Build.Dense(d, d, (_, _) => rng.NextNormal()).QR().Q;
        double[] a = [.. Enumerable.Range(0, d).Select(_ => 0.1 + 3 * rng.NextDouble())];
        double[] b = [.. Enumerable.Range(0, d).Select(_ => 0.1 + 3 * rng.NextDouble())];
        double[] m1 = [.. Enumerable.Range(0, d).Select(_ => rng.NextNormal())];
        double[] m2 = [.. Enumerable.Range(0, d).Select(_ => rng.NextNormal())];
        Matrix<double> Cov(double[] v) => q * Matrix<double>.Build.DiagonalOfDiagonalArray(v) * q.Transpose();
        double expected = m1.Zip(m2).Sum(p => (p.First - p.Second) * (p.First - p.Second))
                        + a.Zip(b).Sum(p => Math.Pow(Math.Sqrt(p.First) - Math.Sqrt(p.Second), 2));
        double actual = SampleJudge.FrechetDistance(Gaussian(m1, Cov(a)), Gaussian(m2, Cov(b)));
        Assert.True(Math.Abs(actual - expected) <= 1e-10 * expected, $"{actual} vs {expected}");
    }

    [Fact]
    public void Frechet_distance_of_non_commuting_covariances_is_symmetric_and_zero_only_for_equal_gaussians()
    {
        var rng = new Rng(6);
        Matrix<double> RandomCovariance() { var x = Matrix<double>.Build.Dense(5, 8, (_, _) => rng.NextNormal()); return x * x.Transpose() / 8; }
        var a = Gaussian([0, 0, 0, 0, 0], RandomCovariance());
        var b = Gaussian([1, 0, 0, 0, 0], RandomCovariance());
        double ab = SampleJudge.FrechetDistance(a, b), ba = SampleJudge.FrechetDistance(b, a);
        Assert.True(Math.Abs(ab - ba) <= 1e-9 * ab, $"{ab} vs {ba}");
        Assert.True(ab > 1);
        Assert.True(SampleJudge.FrechetDistance(a, a) <= 1e-10 * a.Covariance.Trace());
    }

    [Fact]
    public void The_test_set_is_at_distance_zero_from_itself_near_the_training_set_and_far_from_noise()
    {
        var judge = trained.Judge;
        var test = trained.Test.Images;
        double self = judge.FrechetDistance(test, test);
        double toTrain = judge.FrechetDistance(test, trained.Train.Images);
        double toNoise = judge.FrechetDistance(test, new Rng(9).Uniform([1000, 1, 28, 28]));
        Assert.True(self <= 1e-9 * toTrain, $"self {self}");
        Assert.True(toTrain < 0.05 * toNoise, $"train {toTrain}, noise {toNoise}");
    }

    [Fact]
    public void Histogram_confidence_and_accuracy_describe_real_digits()
    {
        var judge = trained.Judge;
        var test = trained.Test;
        Assert.True(judge.Accuracy(test.Images, test.Labels) > 0.85);
        var histogram = judge.ClassHistogram(test.Images);
        Assert.Equal(10, histogram.Length);
        Assert.Equal(1, histogram.Sum(), 12);
        Assert.All(histogram, h => Assert.InRange(h, 0.05, 0.16));
        double confident = judge.ConfidentFraction(test.Images);
        Assert.InRange(confident, 0.5, 1);
        Assert.True(judge.ConfidentFraction(test.Images, 0.5) >= confident);
        Assert.Equal(64, judge.Features(test.Images).Shape[1]);
    }

    [Fact]
    public void Bad_input_names_the_method_and_the_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => trained.Judge.Features(Tensor.Zeros([2, 784])));
        Assert.Contains("SampleJudge.Features", e.Message);
        Assert.Contains("[2, 784]", e.Message);
        Assert.Throws<ArgumentException>(() => new SampleJudge(new SmallCnn(new Rng(1))));
    }
}
