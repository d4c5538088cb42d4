using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Rnn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rnn;

public class BpttTests
{
    const DType F64 = DType.Float64;

    // A small vanilla RNN with a bias-free read-out, one sequence of T steps, in both worlds.
    sealed record Setup(RnnCell Cell, Linear Readout, Tensor Xs, Tensor Ys, Tensor H0)
    {
        public RnnWeights Weights => RnnWeights.From(Cell, Readout);
        public Vector<double>[] Seq(Tensor t) =>
            Enumerable.Range(0, t.Shape[0]).Select(i => Vector<double>.Build.DenseOfArray(Op.Index(t, 0, i).ToDoubleArray())).ToArray();
        public Vector<double> H0Vector => Vector<double>.Build.DenseOfArray(H0.ToDoubleArray());
    }

    static Setup Make(int seed, int steps = 6)
    {
        var rng = new Rng(seed);
        var cell = new RnnCell(2, 3, rng, F64);
        var readout = new Linear(3, 2, rng, bias: false, dtype: F64);
        return new(cell, readout, rng.Normal([steps, 1, 2], dtype: F64), rng.Normal([steps, 1, 2], dtype: F64), rng.Normal([1, 3], std: 0.5, dtype: F64));
    }

    static void AssertClose(Matrix<double> expected, Tensor actual, double tol = 1e-12)
    {
        var a = actual.ToDoubleArray();
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
                Assert.True(Math.Abs(expected[i, j] - a[i * expected.ColumnCount + j]) <= tol, $"[{i}, {j}]: explicit {expected[i, j]} vs autodiff {a[i * expected.ColumnCount + j]}");
    }

    static Tensor[] Grads(Setup s, Tensor loss) =>
        Autograd.Grad([loss], [s.Cell.W_hh, s.Cell.W_xh, s.Cell.B, s.Readout.Weight]).Select(g => g!).ToArray();

    [Fact]
    public void Explicit_sum_over_time_equals_autodiff()
    {
        var s = Make(1);
        var g = ExplicitBptt.Gradient(s.Weights, s.Seq(s.Xs), s.Seq(s.Ys), s.H0Vector);
        var loss = AutodiffBptt.Loss(s.Cell, s.Readout, s.Xs, s.Ys, s.H0);
        var a = Grads(s, loss);
        AssertClose(g.Whh, a[0]);
        AssertClose(g.Wxh, a[1]);
        AssertClose(g.B.ToColumnMatrix(), a[2]);
        AssertClose(g.Why, a[3]);
        Assert.Equal(ExplicitBptt.Loss(s.Weights, ExplicitBptt.Forward(s.Weights, s.Seq(s.Xs), s.H0Vector), s.Seq(s.Ys)), loss.Item(), 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Truncated_sum_equals_autodiff_from_a_detached_state(int window)
    {
        var s = Make(2);
        var g = ExplicitBptt.Gradient(s.Weights, s.Seq(s.Xs), s.Seq(s.Ys), s.H0Vector, window);
        var a = Grads(s, AutodiffBptt.TruncatedLoss(s.Cell, s.Readout, s.Xs, s.Ys, s.H0, window));
        AssertClose(g.Whh, a[0]);
        AssertClose(g.Wxh, a[1]);
        var full = ExplicitBptt.Gradient(s.Weights, s.Seq(s.Xs), s.Seq(s.Ys), s.H0Vector);
        Assert.True((full.Whh - g.Whh).L2Norm() > 1e-6, "truncation must change the gradient of W_hh");
        var wide = ExplicitBptt.Gradient(s.Weights, s.Seq(s.Xs), s.Seq(s.Ys), s.H0Vector, window: 6);
        Assert.True((full.Whh - wide.Whh).L2Norm() < 1e-14, "a window of T steps is the full sum");
    }

    [Fact]
    public void Jacobian_product_matches_autodiff_and_the_corrected_summary_form()
    {
        var s = Make(3, steps: 5);
        var w = s.Weights;
        var r = ExplicitBptt.Forward(w, s.Seq(s.Xs), s.H0Vector);
        var j = ExplicitBptt.Jacobian(w, r, 5, 1);
        // autodiff: row m of ∂h_5/∂h_1 is the gradient of h_5[m] with respect to h_1
        var h1 = Tensor.FromArray(r.H[1].ToArray(), 1, 3).RequireGrad();
        var h = h1;
        for (int t = 1; t < 5; t++) h = s.Cell.Forward(Op.Index(s.Xs, 0, t), h);
        for (int m = 0; m < 3; m++)
        {
            var row = Autograd.Grad(Op.Index(Op.Index(h, 0, 0), 0, m), h1).ToDoubleArray();
            for (int c = 0; c < 3; c++) Assert.Equal(j[m, c], row[c], 12);
        }
        Assert.True((ExplicitBptt.SummaryProduct(w, r, 5, 1, asWritten: false) - j.Transpose()).L2Norm() < 1e-13);
        Assert.True((ExplicitBptt.SummaryProduct(w, r, 5, 1, asWritten: true) - j.Transpose()).L2Norm() > 1e-3);
    }

    [Fact]
    public void RnnWeights_From_rejects_a_readout_with_bias()
    {
        var rng = new Rng(4);
        var e = Assert.Throws<ArgumentException>(() => RnnWeights.From(new RnnCell(1, 2, rng, F64), new Linear(2, 1, rng, dtype: F64)));
        Assert.StartsWith("RnnWeights.From:", e.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Chunked_truncation_written_out_equals_autodiff_with_the_state_detached_every_kappa_steps(int kappa)
    {
        var s = Make(7, steps: 7);
        var g = ExplicitBptt.Gradient(s.Weights, s.Seq(s.Xs), s.Seq(s.Ys), s.H0Vector, window: kappa, chunked: true);
        var auto = Autograd.Grad([AutodiffBptt.ChunkedLoss(s.Cell, s.Readout, s.Xs, s.Ys, s.H0, kappa)], [s.Cell.W_hh, s.Cell.W_xh]);
        AssertClose(g.Whh, auto[0]!);
        AssertClose(g.Wxh, auto[1]!);
        var sliding = ExplicitBptt.Gradient(s.Weights, s.Seq(s.Xs), s.Seq(s.Ys), s.H0Vector, window: kappa);
        Assert.True((g.Whh - sliding.Whh).FrobeniusNorm() > 1e-6); // a different truncation
        Assert.Throws<ArgumentException>(() => ExplicitBptt.Gradient(s.Weights, s.Seq(s.Xs), s.Seq(s.Ys), s.H0Vector, chunked: true));
    }
}
