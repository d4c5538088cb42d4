using MachinePerception.Flows;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using MathNet.Numerics.LinearAlgebra;
using static MachinePerception.Tests.Flows.FlowTestSupport;

namespace MachinePerception.Tests.Flows;

// ActNorm, the invertible 1×1 convolution, squeeze and split: round trips, log-determinants against the full
// autodiff Jacobian (≤ 1e-9), float64 gradient checks (≤ 1e-7).
public class GlowLayerTests
{
    [Fact]
    public void ActNorm_initialises_from_the_first_batch_to_mean_0_and_variance_1_per_channel()
    {
        var rng = new Rng(1);
        var x = rng.Normal([16, 3, 4, 4], 0, 1, DType.Float64) * Tensor.FromArray([0.5, 3.0, 10.0], 1, 3, 1, 1) + Tensor.FromArray([2.0, -1.0, 5.0], 1, 3, 1, 1);
        var layer = new ActNorm(3, DType.Float64);
        Assert.False(layer.Initialized);
        var y = layer.Forward(x).Output;
        Assert.True(layer.Initialized);
        var mean = Op.Mean(y, [0, 2, 3]).ToDoubleArray();
        var variance = Op.Variance(y, [0, 2, 3]).ToDoubleArray();
        for (int c = 0; c < 3; c++)
        {
            Assert.True(Math.Abs(mean[c]) < 1e-12, $"mean {mean[c]}");
            Assert.True(Math.Abs(variance[c] - 1) < 1e-5, $"variance {variance[c]}");
        }
        // a second batch does not re-initialise
        var before = layer.LogScale.ToDoubleArray();
        layer.Forward(x * 7);
        Assert.Equal(before, layer.LogScale.ToDoubleArray());
    }

    [Fact]
    public void ActNorm_log_det_is_HW_sum_log_s_and_matches_the_Jacobian()
    {
        var rng = new Rng(2);
        var layer = new ActNorm(3, DType.Float64);
        var x = rng.Normal([2, 3, 2, 3], dtype: DType.Float64);
        layer.InitializeFrom(rng.Normal([8, 3, 2, 3], 1, 2, DType.Float64));
        double expected = 6 * Op.Sum(layer.LogScale).Item();
        Assert.Equal(expected, layer.Forward(x).LogDet[0], 12);
        Assert.True(LogDetError(layer, x) <= 1e-9);
        Assert.True(RoundTripError(layer, x) <= 1e-12);
        var g = GradientCheck(layer, x);
        Assert.True(g.Passed, g.Summary);
        // vectors: H·W = 1
        var v = new ActNorm(4, DType.Float64);
        v.InitializeFrom(rng.Normal([10, 4], 0, 3, DType.Float64));
        Assert.True(LogDetError(v, rng.Normal([2, 4], dtype: DType.Float64)) <= 1e-9);
    }

    [Theory]
    [InlineData(InvertibleConv1x1.Parameterization.Lu)]
    [InlineData(InvertibleConv1x1.Parameterization.Full)]
    public void Invertible_convolution_log_det_is_HW_log_det_W_and_matches_the_Jacobian(InvertibleConv1x1.Parameterization form)
    {
        var rng = new Rng(3);
        var layer = new InvertibleConv1x1(4, rng, form, DType.Float64);
        Conditioner.Randomize(layer, rng, 0.4);          // move away from the orthogonal start (|det W| = 1 there)
        var x = rng.Normal([2, 4, 2, 2], dtype: DType.Float64);
        var w = layer.Weight().Detach();
        var reference = Matrix<double>.Build.Dense(4, 4, (i, j) => w[i, j]);
        double logDetW = Math.Log(Math.Abs(reference.Determinant()));
        Assert.True(Math.Abs(logDetW) > 0.1, "a test with log|det W| = 0 could not tell H·W·Σ from Σ");
        Assert.Equal(4 * logDetW, layer.Forward(x).LogDet[1], 10);
        Assert.True(LogDetError(layer, x) <= 1e-9);
        Assert.True(RoundTripError(layer, x) <= 1e-12);
        var g = GradientCheck(layer, Op.Slice(x, 0, 0, 1));
        Assert.True(g.Passed, g.Summary);
        var gi = InverseGradientCheck(layer, Op.Slice(x, 0, 0, 1));
        Assert.True(gi.Passed, gi.Summary);
        // y_{i,j} = W x_{i,j} at a pixel, against a plain matrix-vector product
        var y = layer.Forward(x).Output;
        for (int r = 0; r < 4; r++)
        {
            double s = 0;
            for (int c = 0; c < 4; c++) s += w[r, c] * x[1, c, 0, 1];
            Assert.Equal(s, y[1, r, 0, 1], 12);
        }
    }

    [Fact]
    public void LU_form_starts_at_a_random_orthogonal_W_equal_to_P_L_U_plus_diag_s()
    {
        var layer = new InvertibleConv1x1(5, new Rng(4), InvertibleConv1x1.Parameterization.Lu, DType.Float64);
        var (p, l, u, s) = layer.LuParts();
        var w = Op.MatMul(p, Op.MatMul(l, u + Tensor.Eye(5, DType.Float64) * Op.Reshape(s, 1, 5)));
        Assert.True(Op.Max(Op.Abs(w - layer.Weight())).Item() < 1e-14);
        var wtw = Op.MatMul(w, w, transA: true);                  // orthogonal: WᵀW = I
        Assert.True(Op.Max(Op.Abs(wtw - Tensor.Eye(5, DType.Float64))).Item() < 1e-12);
        Assert.True(Math.Abs(Op.LogAbsDet(w).Item()) < 1e-12);
        // L unit lower triangular, U strictly upper
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                if (j > i) Assert.Equal(0, l[i, j]);
                if (i == j) { Assert.Equal(1, l[i, j]); Assert.Equal(0, u[i, j]); }
                if (j < i) Assert.Equal(0, u[i, j]);
            }
    }

    [Fact]
    public void Squeeze_moves_each_2x2_block_into_channels_and_back()
    {
        var x = Tensor.Arange(2 * 2 * 4 * 6, DType.Float64).Reshape(2, 2, 4, 6);
        var y = Squeeze.Apply(x);
        Assert.Equal(new Shape(2, 8, 2, 3), y.Shape);
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 6; j++)
                        Assert.Equal(x[b, c, i, j], y[b, 4 * c + 2 * (i % 2) + j % 2, i / 2, j / 2]);
        Assert.Equal(0, Op.Max(Op.Abs(Squeeze.Unapply(y) - x)).Item());
        var layer = new Squeeze();
        Assert.True(LogDetError(layer, new Rng(5).Normal([1, 1, 4, 4], dtype: DType.Float64)) <= 1e-12);
        Assert.Contains("even", Assert.Throws<ArgumentException>(() => Squeeze.Apply(Tensor.Zeros([1, 1, 3, 4]))).Message);
    }

    [Fact]
    public void Split_starts_with_a_standard_normal_prior_and_inverts()
    {
        var rng = new Rng(6);
        var split = new ChannelSplit(4, rng, DType.Float64);
        var x = rng.Normal([3, 4, 2, 2], dtype: DType.Float64);
        var (kept, z, logPrior) = split.Forward(x);
        Assert.Equal(new Shape(3, 2, 2, 2), kept.Shape);
        Assert.Equal(0, Op.Max(Op.Abs(split.Inverse(kept, z) - x)).Item());
        var zs = z.ToDoubleArray();
        double expected = 0;
        for (int k = 0; k < 8; k++) expected += -0.5 * zs[k] * zs[k] - 0.5 * Math.Log(2 * Math.PI);
        Assert.Equal(expected, logPrior[0], 12);
        // the learned prior's gradient
        Conditioner.Randomize(split, rng, 0.2);
        var input = x.Detach().Clone().RequireGrad();
        var g = MachinePerception.Checks.GradCheck.RunOn(() => split.Forward(input).LogPrior, [input, .. split.Parameters()]);
        Assert.True(g.Passed, g.Summary);
    }
}
