using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class RecurrentTests
{
    const DType F64 = DType.Float64;

    // y[n, o] = Σᵢ W[o, i] x[n, i]
    static double[] Apply(double[] w, double[] x, int batch, int outSize, int inSize)
    {
        var y = new double[batch * outSize];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outSize; o++)
                for (int i = 0; i < inSize; i++) y[n * outSize + o] += w[o * inSize + i] * x[n * inSize + i];
        return y;
    }

    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    [Fact]
    public void RnnCell_forward_matches_the_summary_formula_in_plain_loops()
    {
        var rng = new Rng(1);
        var cell = new RnnCell(3, 4, rng, dtype: F64);
        var x = rng.Normal([2, 3], dtype: F64);
        var h = rng.Normal([2, 4], dtype: F64);
        var y = cell.Forward(x, h).ToDoubleArray();
        var wh = Apply(cell.W_hh.ToDoubleArray(), h.ToDoubleArray(), 2, 4, 4);
        var wx = Apply(cell.W_xh.ToDoubleArray(), x.ToDoubleArray(), 2, 4, 3);
        var b = cell.B.ToDoubleArray();
        for (int i = 0; i < y.Length; i++) Assert.Equal(Math.Tanh(wh[i] + wx[i] + b[i % 4]), y[i], 13);
        Assert.Equal(["W_xh", "W_hh", "b"], cell.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void RnnCell_unrolled_gradients_match_finite_differences()
    {
        var rng = new Rng(2);
        var cell = new RnnCell(2, 3, rng, dtype: F64);
        var xs = rng.Normal([4, 2, 2], dtype: F64).RequireGrad(); // [T, B, input]
        var h0 = rng.Normal([2, 3], dtype: F64).RequireGrad();
        Tensor Unroll()
        {
            var h = h0;
            for (int t = 0; t < 4; t++) h = cell.Forward(SliceTime(xs, t), h); // BPTT runs through all four steps
            return h;
        }
        var r = Checks.GradCheck.RunOn(Unroll, [xs, h0, .. cell.Parameters()]);
        Assert.True(r.Passed, r.Summary);
        var e = Assert.Throws<ArgumentException>(() => cell.Forward(rng.Normal([2, 2], dtype: F64), rng.Normal([3, 3], dtype: F64)));
        Assert.StartsWith("RnnCell:", e.Message);
    }

    // x[t] of a [T, B, input] tensor, as a product with a one-hot row (no slicing op needed)
    static Tensor SliceTime(Tensor xs, int t)
    {
        int steps = xs.Shape[0];
        var pick = new double[steps];
        pick[t] = 1;
        var flat = Op.Reshape(xs, steps, -1);
        return Op.Reshape(Op.MatMul(Tensor.FromArray(pick, 1, steps), flat), xs.Shape[1], xs.Shape[2]);
    }

    [Fact]
    public void LstmCell_forward_matches_the_gate_equations_in_plain_loops()
    {
        var rng = new Rng(3);
        var cell = new LstmCell(3, 2, rng, dtype: F64);
        var x = rng.Normal([2, 3], dtype: F64);
        var h = rng.Normal([2, 2], dtype: F64);
        var c = rng.Normal([2, 2], dtype: F64);
        var (hNext, cNext) = cell.Forward(x, h, c);
        double[] Pre(LstmCell.Gate g)
        {
            var a = Apply(g.Wx.ToDoubleArray(), x.ToDoubleArray(), 2, 2, 3);
            var bh = Apply(g.Wh.ToDoubleArray(), h.ToDoubleArray(), 2, 2, 2);
            var b = g.B.ToDoubleArray();
            return a.Select((v, k) => v + bh[k] + b[k % 2]).ToArray();
        }
        var (pi, pf, po, pg) = (Pre(cell.Input), Pre(cell.Forget), Pre(cell.Output), Pre(cell.Candidate));
        var cs = c.ToDoubleArray();
        for (int k = 0; k < 4; k++)
        {
            double cn = Sigmoid(pf[k]) * cs[k] + Sigmoid(pi[k]) * Math.Tanh(pg[k]);
            Assert.Equal(cn, cNext.ToDoubleArray()[k], 13);
            Assert.Equal(Sigmoid(po[k]) * Math.Tanh(cn), hNext.ToDoubleArray()[k], 13);
        }
        Assert.Equal([1.0, 1.0], cell.Forget.B.ToDoubleArray());
        Assert.Equal(4 * (2 * 3 + 2 * 2 + 2), cell.ParameterCount);
    }

    [Fact]
    public void LstmCell_gradients_match_finite_differences_over_two_steps()
    {
        var rng = new Rng(4);
        var cell = new LstmCell(2, 3, rng, dtype: F64);
        var x1 = rng.Normal([2, 2], dtype: F64).RequireGrad();
        var x2 = rng.Normal([2, 2], dtype: F64).RequireGrad();
        var h0 = rng.Normal([2, 3], dtype: F64).RequireGrad();
        var c0 = rng.Normal([2, 3], dtype: F64).RequireGrad();
        Tensor TwoSteps()
        {
            var (h, c) = cell.Forward(x1, h0, c0);
            (h, c) = cell.Forward(x2, h, c);
            return h + c * 0.5;
        }
        var r = Checks.GradCheck.RunOn(TwoSteps, [x1, x2, h0, c0, .. cell.Parameters()]);
        Assert.True(r.Passed, r.Summary);
    }
}
