using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Numerics;
using MachinePerception.Rnn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rnn;

public class GradientFlowTests
{
    static (RnnWeights W, RnnTrajectory R) Run(double spectralNorm, int steps, int seed)
    {
        var rng = new Rng(seed);
        var M = Matrix<double>.Build;
        var w = new RnnWeights(GradientFlow.RandomWithSpectralNorm(8, spectralNorm, rng), M.Dense(8, 1, (_, _) => rng.NextNormal()),
            Vector<double>.Build.Dense(8), M.Dense(1, 8));
        var xs = Enumerable.Range(0, steps).Select(_ => Vector<double>.Build.Dense(1, _ => rng.NextNormal())).ToArray();
        return (w, ExplicitBptt.Forward(w, xs, Vector<double>.Build.Dense(8)));
    }

    [Fact]
    public void RandomWithSpectralNorm_has_that_largest_singular_value()
    {
        var w = GradientFlow.RandomWithSpectralNorm(6, 0.7, new Rng(1));
        Assert.Equal(0.7, w.Svd().S[0], 12);
    }

    [Fact]
    public void Scaled_orthogonal_has_all_singular_values_sigma()
    {
        var s = GradientFlow.RandomScaledOrthogonal(5, 1.3, new Rng(6)).Svd().S;
        Assert.All(s.ToArray(), v => Assert.Equal(1.3, v, 12));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(1.5)]
    public void Jacobian_norms_obey_the_bound_eta_to_the_t_minus_k(double lambda)
    {
        var (w, r) = Run(lambda, 20, 2);
        var norms = GradientFlow.JacobianNorms(w, r);
        double gamma = GradientFlow.MaxDerivative(r);
        Assert.InRange(gamma, 0, 1);
        for (int d = 1; d <= norms.Length; d++) Assert.True(norms[d - 1] <= Math.Pow(lambda * gamma, d) * (1 + 1e-12), $"t − k = {d}: {norms[d - 1]} > η^{d}");
    }

    [Fact]
    public void Below_the_bound_the_gradient_vanishes_geometrically()
    {
        var (w, r) = Run(0.5, 30, 3);
        Assert.True(GradientFlow.JacobianNorms(w, r)[^1] < 1e-8);
    }

    [Fact]
    public void Linear_recurrence_aligns_with_the_dominant_eigenvector()
    {
        var rng = new Rng(5);
        var w = GradientFlow.RandomSymmetric([1.2, 0.9, -0.5, 0.3], rng);
        var cos = GradientFlow.AlignmentWithDominantEigenvector(w, Vector<double>.Build.Dense(4, _ => rng.NextNormal()), 60);
        Assert.True(cos[0] < 0.999);
        Assert.True(1 - cos[^1] < 1e-10, $"|cos| after 60 steps = {cos[^1]}");
    }

    [Fact]
    public void State_sensitivity_of_an_engine_rnn_matches_the_explicit_jacobian_and_an_lstm_gives_one_norm_per_step()
    {
        var rng = new Rng(11);
        var model = new RecurrentRegressor(CellKind.Vanilla, 2, 4, 1, rng, DType.Float64);
        var xs = rng.Normal([6, 1, 2], dtype: DType.Float64);
        var norms = GradientFlow.StateSensitivity(model, xs);
        var cell = model.Vanilla!;
        var w = new RnnWeights(cell.W_hh.ToMatrix(), cell.W_xh.ToMatrix(), Vector<double>.Build.DenseOfArray(cell.B.ToDoubleArray()), Matrix<double>.Build.Dense(1, 4));
        var steps = Enumerable.Range(0, 6).Select(t => Vector<double>.Build.DenseOfArray(MachinePerception.Ops.Op.Index(xs, 0, t).ToDoubleArray())).ToArray();
        var r = ExplicitBptt.Forward(w, steps, Vector<double>.Build.Dense(4));
        for (int k = 0; k < 6; k++) Assert.Equal(ExplicitBptt.Jacobian(w, r, 6, k).L2Norm(), norms[k], 12);
        var lstm = new RecurrentRegressor(CellKind.Lstm, 2, 4, 1, rng, DType.Float64);
        var lstmNorms = GradientFlow.StateSensitivity(lstm, xs);
        Assert.Equal(6, lstmNorms.Length);
        Assert.All(lstmNorms, v => Assert.True(v > 0 && double.IsFinite(v)));
    }
}
