using MachinePerception.Checks;
using MachinePerception.Data;
using MachinePerception.Generative;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Generative;

public class VaeTests
{
    static Tensor BinaryImages(int n, int d, Rng rng) => rng.Bernoulli([n, d], 0.4, DType.Float64);

    [Fact]
    public void Shapes_of_codes_samples_reconstructions_and_the_conditional_model()
    {
        var rng = new Rng(1);
        var vae = new Vae(12, 8, 3, rng);
        var x = BinaryImages(5, 12, rng).To(DType.Float32);
        var (mean, logVariance) = vae.Encode(x);
        Assert.Equal(new Shape(5, 3), mean.Shape);
        Assert.Equal(new Shape(5, 3), logVariance.Shape);
        Assert.Equal(new Shape(5, 12), vae.Reconstruct(x).Shape);
        Assert.Equal(new Shape(7, 12), vae.Sample(7, rng).Shape);
        var cvae = new Vae(12, 8, 3, rng, classes: 4);
        Assert.Equal(new Shape(2, 12), cvae.Sample(2, rng, [0, 3]).Shape);
        Assert.StartsWith("GaussianEncoder", Assert.Throws<ArgumentException>(() => cvae.Encode(x)).Message);
        Assert.StartsWith("BernoulliDecoder", Assert.Throws<ArgumentException>(() => cvae.Sample(1, rng, [4])).Message);
        Assert.Contains("[5, 12]", Assert.Throws<ArgumentException>(() => new Vae(10, 8, 3, rng).Encode(x)).Message);
    }

    [Fact]
    public void Reconstruction_decodes_the_mean_and_the_kl_term_matches_the_closed_form()
    {
        var rng = new Rng(2);
        var vae = new Vae(6, 5, 2, rng, dtype: DType.Float64);
        var x = BinaryImages(4, 6, rng);
        var (mean, logVariance) = vae.Encode(x);
        Assert.Equal(0, Op.Max(Op.Abs(vae.Reconstruct(x) - vae.Decode(mean))).Item());
        var terms = vae.Loss(x, rng);
        // the KL term against the full-covariance formula, image by image
        var m = mean.ToDoubleArray();
        var lv = logVariance.ToDoubleArray();
        double sum = 0;
        for (int i = 0; i < 4; i++)
            sum += Gaussian.Diagonal([m[2 * i], m[2 * i + 1]], [Math.Exp(lv[2 * i]), Math.Exp(lv[2 * i + 1])]).KlTo(Gaussian.Standard(2));
        Assert.True(Math.Abs(terms.Kl.Item() - sum / 4) < 1e-12);
        // with ε = 0 the reconstruction term is the Bernoulli negative log-likelihood of the reconstruction
        var zeroNoise = vae.Loss(x, Tensor.Zeros([4, 2], DType.Float64));
        var p = vae.Reconstruct(x).ToDoubleArray();
        var xs = x.ToDoubleArray();
        double nll = -Enumerable.Range(0, xs.Length).Sum(k => xs[k] * Math.Log(p[k]) + (1 - xs[k]) * Math.Log(1 - p[k])) / 4;
        Assert.True(Math.Abs(zeroNoise.Reconstruction.Item() - nll) < 1e-10);
        Assert.True(Math.Abs(zeroNoise.Loss.Item() - nll - zeroNoise.Kl.Item()) < 1e-10);
        Assert.True(Math.Abs(vae.Loss(x, Tensor.Zeros([4, 2], DType.Float64), beta: 3).Loss.Item() - nll - 3 * zeroNoise.Kl.Item()) < 1e-10);
    }

    [Fact]
    public void Loss_gradient_matches_finite_differences_in_float64()
    {
        var rng = new Rng(3);
        var vae = new Vae(5, 4, 2, rng, classes: 2, dtype: DType.Float64);
        var x = BinaryImages(3, 5, rng);
        var eps = rng.Normal([3, 2], dtype: DType.Float64);
        var result = GradCheck.RunOn(() => vae.Loss(x, eps, beta: 2, labels: [0, 1, 1]).Loss, vae.Parameters());
        Assert.True(result.Passed, result.Summary);
    }

    [Fact]
    public void Training_lowers_the_loss_on_a_tiny_set()
    {
        var rng = new Rng(4);
        // four binary patterns, each repeated 8 times: a model can learn them, unlike independent random pixels
        var patterns = BinaryImages(4, 10, rng);
        var x = Op.IndexSelect(patterns, 0, Enumerable.Range(0, 32).Select(i => i % 4).ToArray()).To(DType.Float32);
        var vae = new Vae(10, 16, 2, rng);
        var loader = new DataLoader(x, null, 8, seed: 1);
        var optimizer = new Adam(vae.Parameters(), 1e-2);
        double before = VaeTraining.Evaluate(vae, x, new Rng(5)).Loss;
        for (int epoch = 0; epoch < 30; epoch++) VaeTraining.TrainEpoch(vae, optimizer, loader, epoch, rng);
        double after = VaeTraining.Evaluate(vae, x, new Rng(5)).Loss;
        Assert.True(after < before - 2, $"loss {before} → {after}");
    }

    [Fact]
    public void Latent_paths_and_factor_correlations()
    {
        var path = LatentSpace.Interpolate(Tensor.FromArray([0.0, 2], 2), Tensor.FromArray([1.0, 0], 2), 3).ToDoubleArray();
        Assert.Equal([0.0, 2, 0.5, 1, 1, 0], path);
        var grid = LatentSpace.Grid(2, 1.5).ToDoubleArray();
        Assert.Equal([-1.5, 1.5, 1.5, 1.5, -1.5, -1.5, 1.5, -1.5], grid.Select(v => (double)v));
        var t = LatentSpace.Traversals(Tensor.FromArray([0.5, -0.5], 2), [-1.0, 1.0]).ToDoubleArray();
        Assert.Equal([-1.0, -0.5, 1, -0.5, 0.5, -1, 0.5, 1], t);
        var means = Tensor.FromArray([1.0, 0, 2, 1, 3, 0], 3, 2);
        var corr = LatentSpace.FactorCorrelations(means, [[10.0, 5], [20, 5], [30, 5]]);
        Assert.True(Math.Abs(corr[0, 0] - 1) < 1e-12);
        Assert.Equal(0, corr[1, 1]); // constant factor
        var bin = VaeTraining.Binarize(Tensor.FromArray([0.2f, 0.7f, 0.5f, 0.9f], 1, 1, 2, 2)).ToDoubleArray();
        Assert.Equal([0.0, 1, 0, 1], bin);
    }

    [Fact]
    public void Importance_weighted_estimate_approaches_log_p_x_by_quadrature_and_lies_above_the_elbo()
    {
        // J = 1, so log p(x) = log ∫ p(x | z) N(z; 0, 1) dz is a 1-D integral (Simpson on [−8, 8])
        var rng = new Rng(7);
        var vae = new Vae(5, 4, 1, rng, dtype: DType.Float64);
        var x = BinaryImages(3, 5, rng);
        for (int i = 0; i < 3; i++)
        {
            var xi = Op.Slice(x, 0, i, 1);
            double LogLikelihood(double zValue)
            {
                var logits = vae.Decoder.Forward(Tensor.FromArray([zValue], 1, 1));
                return -Losses.BceWithLogits(logits, xi, Reduction.Sum).Item();
            }
            double exact = Math.Log(MachinePerception.Numerics.Quadrature.Simpson(z => Math.Exp(LogLikelihood(z)) * Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI), -8, 8, 2000));
            // the estimate's spread over seeds is about 0.008 at K = 20,000 for the third image (its q is narrowest), so
            // K = 200,000 (spread ≈ 0.0025) within 0.01 is a 4-standard-deviation test, and its bias (≈ Var w / 2K) is smaller
            double iwae = VaeTraining.ImportanceWeightedLogLikelihood(vae, xi, 200_000, new Rng(8 + i))[0];
            Assert.InRange(iwae - exact, -0.01, 0.01);
            double elbo = -VaeTraining.Evaluate(vae, xi, new Rng(9)).Loss;
            double meanOfOneSample = Enumerable.Range(0, 400).Average(k => VaeTraining.ImportanceWeightedLogLikelihood(vae, xi, 1, new Rng(100 + k))[0]);
            Assert.True(iwae >= meanOfOneSample, $"K = 200000: {iwae} < mean of K = 1: {meanOfOneSample}");
            Assert.True(exact >= elbo - 1, $"log p(x) {exact} vs one-sample ELBO {elbo}");
        }
        Assert.Throws<ArgumentException>(() => VaeTraining.ImportanceWeightedLogLikelihood(vae, x, 0, rng));
    }
}
