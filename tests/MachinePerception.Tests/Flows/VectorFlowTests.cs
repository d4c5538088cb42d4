using MachinePerception.Data;
using MachinePerception.Flows;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using MathNet.Numerics;

namespace MachinePerception.Tests.Flows;

// RealNVP on vectors, the base distributions, the change-of-variables formulas and dequantization.
public class VectorFlowTests
{
    static RealNvp RandomFlow(int seed, BaseDistribution? baseDistribution = null, bool mixing = false)
    {
        var rng = new Rng(seed);
        var flow = new RealNvp(2, 4, 8, rng, actNorm: true, mixing: mixing, baseDistribution: baseDistribution, dtype: DType.Float64);
        flow.LogProb(rng.Normal([64, 2], 0, 1.5, DType.Float64));
        Conditioner.Randomize(flow.Flow, rng, 0.25);
        return flow;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_random_flow_density_integrates_to_one(int baseKind)
    {
        BaseDistribution b = baseKind switch
        {
            0 => new StandardNormal(2),
            1 => new StandardLogistic(2),
            _ => new GaussianMixtureBase([[-1.5, 0], [1.5, 0]], 0.5),
        };
        var flow = RandomFlow(10 + baseKind, b, mixing: baseKind == 2);
        // tiled Gauss–Legendre, every node in one batch
        double total = ChangeOfVariables.IntegrateDensity(p => flow.LogProb(p), (-12, 12), (-12, 12), tiles: 12, order: 16, dtype: DType.Float64);
        Assert.True(Math.Abs(total - 1) < 2e-3, $"∫ p = {total}");
    }

    [Fact]
    public void Sampling_inverts_encoding_and_log_prob_adds_base_and_log_det()
    {
        var flow = RandomFlow(20, mixing: true);
        var x = new Rng(21).Normal([5, 2], dtype: DType.Float64);
        var (z, logDet) = flow.Encode(x);
        Assert.True(Op.Max(Op.Abs(flow.Decode(z) - x)).Item() < 1e-12);
        Assert.True(Op.Max(Op.Abs(flow.LogProb(x) - flow.Base.LogProb(z) - logDet)).Item() < 1e-14);
        Assert.Equal(new Shape(7, 2), flow.Sample(7, new Rng(22)).Shape);
    }

    [Fact]
    public void Training_moves_the_mixture_NLL_towards_its_entropy()
    {
        double[][] means = [[-3.0, 0], [3.0, 2]];
        var data = Toy.GaussianMixture(2000, new Rng(30), means).Points;
        var truth = Toy.GaussianMixtureLogDensity(data, means);
        double entropy = -truth.Average();
        var flow = new RealNvp(2, 4, 16, new Rng(31));
        double before = FlowTraining.MeanNegativeLogLikelihood(flow.LogProb, data);
        FlowTraining.Fit(flow, flow.LogProb, data, 300, 128, 3e-3, new Rng(32));
        double after = FlowTraining.MeanNegativeLogLikelihood(flow.LogProb, data);
        Assert.True(after < before - 0.3 && after < entropy + 0.25, $"NLL {before} → {after}, entropy {entropy}");
    }

    [Fact]
    public void Base_distributions_match_their_formulas_and_sample_with_the_right_moments()
    {
        var z = Tensor.FromArray([0.3, -1.2, 2.0, 0.1], 2, 2);
        var normal = new StandardNormal(2).LogProb(z).ToDoubleArray();
        Assert.Equal(-0.5 * (0.09 + 1.44) - Math.Log(2 * Math.PI), normal[0], 14);
        static double Logistic(double v) => Math.Log(Math.Exp(-v) / Math.Pow(1 + Math.Exp(-v), 2));
        Assert.Equal(Logistic(2.0) + Logistic(0.1), new StandardLogistic(2).LogProb(z).ToDoubleArray()[1], 13);
        double[][] means = [[-1.0, 1], [2, 0]];
        var mixture = new GaussianMixtureBase(means, 0.7);
        var reference = Toy.GaussianMixtureLogDensity(z, means, [new double[,] { { 0.49, 0 }, { 0, 0.49 } }, new double[,] { { 0.49, 0 }, { 0, 0.49 } }]);
        Assert.Equal(reference, mixture.LogProb(z).ToDoubleArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        var s = new StandardLogistic(1).Sample(20000, new Rng(40), dtype: DType.Float64);
        Assert.True(Math.Abs(Op.Variance(s).Item() - Math.PI * Math.PI / 3) < 0.15);        // Var = π²/3
        Assert.True(Math.Abs(Op.Mean(mixture.Sample(20000, new Rng(41), dtype: DType.Float64), 0).ToDoubleArray()[0] - 0.5) < 0.05);
    }

    [Fact]
    public void The_two_forms_of_the_change_of_variables_agree_and_integrate_to_one()
    {
        Func<double, double> f = Math.Sinh, inverse = Math.Asinh;
        foreach (var x in new[] { -3.0, -0.2, 0.0, 1.7, 10 })
        {
            double a = ChangeOfVariables.DensityViaInverse(ChangeOfVariables.StandardNormal, inverse, x);
            double b = ChangeOfVariables.DensityViaForward(ChangeOfVariables.StandardNormal, f, inverse, x);
            double exact = ChangeOfVariables.StandardNormal(Math.Asinh(x)) / Math.Sqrt(1 + x * x);
            Assert.True(Math.Abs(a - exact) < 1e-9 && Math.Abs(b - exact) < 1e-9, $"x = {x}: {a}, {b}, {exact}");
        }
        double total = Integrate.GaussKronrod(x => ChangeOfVariables.DensityViaInverse(ChangeOfVariables.StandardNormal, inverse, x), -1e4, 1e4, out _, out _, 1e-12, 15, 25);
        Assert.True(Math.Abs(total - 1) < 1e-9, $"∫ = {total}");
        // 2-D: a rotation after a shear, det ∂f/∂z = 1 would be too easy; this one has det e^{z₁/2}
        double[] F(double[] z) { double u = z[0], v = z[1] * Math.Exp(0.5 * z[0]); return [0.6 * u - 0.8 * v, 0.8 * u + 0.6 * v]; }
        double[] Finv(double[] x) { double u = 0.6 * x[0] + 0.8 * x[1], v = -0.8 * x[0] + 0.6 * x[1]; return [u, v * Math.Exp(-0.5 * u)]; }
        var point = new[] { 0.4, -1.1 };
        double p1 = ChangeOfVariables.DensityViaInverse(ChangeOfVariables.StandardNormal, Finv, point);
        double p2 = ChangeOfVariables.DensityViaForward(ChangeOfVariables.StandardNormal, F, Finv, point);
        Assert.True(Math.Abs(p1 - p2) < 1e-9 * Math.Max(p1, 1e-3));
        double mass = ChangeOfVariables.IntegrateOverBox((u, v) => ChangeOfVariables.DensityViaInverse(ChangeOfVariables.StandardNormal, Finv, [u, v]), (-40, 40), (-40, 40), 32, 12);
        Assert.True(Math.Abs(mass - 1) < 1e-6, $"∫∫ = {mass}");
    }

    [Fact]
    public void Logit_transform_inverts_and_its_log_det_matches_the_Jacobian()
    {
        var layer = new LogitTransform(0.05);
        var y = new Rng(50).Uniform([2, 5], 0, 1, DType.Float64);
        Assert.True(FlowTestSupport.RoundTripError(layer, y) < 1e-14);
        Assert.True(FlowTestSupport.LogDetError(layer, y) < 1e-9);
        var g = FlowTestSupport.GradientCheck(layer, y);
        Assert.True(g.Passed, g.Summary);
        Assert.Contains("(0, ½)", Assert.Throws<ArgumentException>(() => new LogitTransform(0.5)).Message);
    }

    [Fact]
    public void Dequantization_stays_inside_each_pixel_bin_and_a_uniform_density_has_8_bits_per_dimension()
    {
        var images = Tensor.FromArray([0.0, 1.0, 128 / 255.0, 17 / 255.0], 1, 1, 2, 2);
        var y = Dequantization.Uniform(images, new Rng(1)).ToDoubleArray();
        int[] levels = [0, 255, 128, 17];
        for (int i = 0; i < 4; i++) Assert.Equal(levels[i], (int)Math.Floor(y[i] * 256));
        Assert.Equal(8.0, Dequantization.BitsPerDim(0, 784), 12);                 // p_y = 1 on [0, 1)^D
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => Dequantization.PixelLevel(1.5)).Message);
    }
}
