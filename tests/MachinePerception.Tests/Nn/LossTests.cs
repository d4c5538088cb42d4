using MachinePerception.Checks;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class LossTests
{
    const DType F64 = DType.Float64;

    static void Gradient(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Run(f, inputs);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Mse_and_L1_match_plain_loops_and_their_gradients_match()
    {
        var rng = new Rng(1);
        var p = rng.Normal([3, 4], dtype: F64);
        var t = rng.Normal([3, 4], dtype: F64);
        var (pv, tv) = (p.ToDoubleArray(), t.ToDoubleArray());
        double se = 0, ae = 0;
        for (int i = 0; i < pv.Length; i++) { se += (pv[i] - tv[i]) * (pv[i] - tv[i]); ae += Math.Abs(pv[i] - tv[i]); }
        Assert.Equal(se / 12, Losses.Mse(p, t).Item(), 14);
        Assert.Equal(se, Losses.Mse(p, t, Reduction.Sum).Item(), 13);
        Assert.Equal(ae / 12, Losses.L1(p, t).Item(), 14);
        Assert.Equal(new Shape(3, 4), Losses.L1(p, t, Reduction.None).Shape);
        Gradient(x => Losses.Mse(x[0], x[1]), p, t);
        Gradient(x => Losses.L1(x[0], x[1], Reduction.Sum), p, t); // random normals: no |p − t| within 1e-6 of the kink
        var e = Assert.Throws<ArgumentException>(() => Losses.Mse(p, rng.Normal([4, 3], dtype: F64)));
        Assert.StartsWith("Mse:", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[4, 3]", e.Message);
    }

    [Fact]
    public void Bce_matches_the_summary_formula_and_its_gradients_match()
    {
        var y = Tensor.FromArray([1.0, 0.0, 1.0, 0.0, 0.3], 5);
        var p = Tensor.FromArray([0.9, 0.2, 0.4, 0.7, 0.5], 5);
        var (yv, pv) = (y.ToDoubleArray(), p.ToDoubleArray());
        double expected = 0;
        for (int i = 0; i < 5; i++) expected += -yv[i] * Math.Log(pv[i]) - (1 - yv[i]) * Math.Log(1 - pv[i]);
        Assert.Equal(expected / 5, Losses.Bce(p, y).Item(), 14);
        Gradient(x => Losses.Bce(x[0], x[1], Reduction.None), p, y);
    }

    [Fact]
    public void Bce_with_logits_equals_bce_of_the_sigmoid_where_both_are_finite()
    {
        var z = Tensor.FromArray([-8.0, -2.5, -0.3, 0.0, 0.7, 3.0, 12.0], 7);
        var y = Tensor.FromArray([0.0, 1.0, 0.2, 1.0, 0.0, 1.0, 0.6], 7);
        var direct = Losses.Bce(Op.Sigmoid(z), y, Reduction.None).ToDoubleArray();
        var stable = Losses.BceWithLogits(z, y, Reduction.None).ToDoubleArray();
        for (int i = 0; i < 7; i++) Assert.Equal(direct[i], stable[i], 10);
        // the gradient is σ(z) − y exactly; finite differences are checked on moderate logits, where the
        // large terms of the other entries do not drown a small entry's difference in rounding error
        var zg = z.Clone().RequireGrad();
        Op.Sum(Losses.BceWithLogits(zg, y, Reduction.None)).Backward();
        var (zv, yv, gv) = (z.ToDoubleArray(), y.ToDoubleArray(), zg.Grad!.ToDoubleArray());
        for (int i = 0; i < 7; i++) Assert.Equal(1 / (1 + Math.Exp(-zv[i])) - yv[i], gv[i], 15);
        Gradient(x => Losses.BceWithLogits(x[0], x[1], Reduction.None), Tensor.FromArray([-2.5, -0.3, 0.7, 3.0], 4), Tensor.FromArray([1.0, 0.2, 0.0, 1.0], 4));
        // at z = 0 (a kink of max(z, 0) and |z|) the gradient must still be σ(0) − y = 0.5 − y
        var z0 = Tensor.FromArray([0.0], 1).RequireGrad();
        Losses.BceWithLogits(z0, Tensor.FromArray([1.0], 1), Reduction.Sum).Backward();
        Assert.Equal(-0.5, z0.Grad!.Item(), 15);
    }

    [Fact]
    public void Bce_with_logits_stays_finite_at_large_logits()
    {
        var z = Tensor.FromArray([-1000.0, 1000.0, -1000.0, 1000.0], 4).RequireGrad();
        var y = Tensor.FromArray([0.0, 1.0, 1.0, 0.0], 4);
        var terms = Losses.BceWithLogits(z, y, Reduction.None);
        Assert.Equal([0.0, 0.0, 1000.0, 1000.0], terms.ToDoubleArray());
        Op.Sum(terms).Backward();
        Assert.Equal([0.0, 0.0, -1.0, 1.0], z.Grad!.ToDoubleArray()); // σ(z) − y
        // the naive composition overflows there
        Assert.True(double.IsInfinity(Losses.Bce(Op.Sigmoid(z.Detach()), y, Reduction.None).ToDoubleArray()[2]));
        var z32 = Tensor.FromArray([-1000f, 1000f], 2);
        Assert.All(Losses.BceWithLogits(z32, Tensor.FromArray([1f, 0f], 2), Reduction.None).ToDoubleArray(), v => Assert.Equal(1000.0, v));
    }

    [Fact]
    public void GaussianKL_matches_the_closed_form_per_element_and_its_gradients_match()
    {
        var rng = new Rng(2);
        var mu = rng.Normal([3, 4], dtype: F64);
        var logVar = rng.Normal([3, 4], 0, 0.5, dtype: F64);
        var (m, lv) = (mu.ToDoubleArray(), logVar.ToDoubleArray());
        var perSample = Losses.GaussianKL(mu, logVar, Reduction.None).ToDoubleArray();
        Assert.Equal(3, perSample.Length);
        for (int n = 0; n < 3; n++)
        {
            // KL(N(μ, σ²) ‖ N(0, 1)) = log(1/σ) + (σ² + μ²)/2 − 1/2, per dimension
            double kl = 0;
            for (int d = 0; d < 4; d++)
            {
                double sigma = Math.Exp(lv[n * 4 + d] / 2), mean = m[n * 4 + d];
                kl += -Math.Log(sigma) + (sigma * sigma + mean * mean) / 2 - 0.5;
            }
            Assert.Equal(kl, perSample[n], 13);
        }
        Assert.Equal(perSample.Average(), Losses.GaussianKL(mu, logVar).Item(), 13);
        Assert.Equal(perSample.Sum(), Losses.GaussianKL(mu, logVar, Reduction.Sum).Item(), 13);
        Gradient(x => Losses.GaussianKL(x[0], x[1], Reduction.None), mu, logVar);
        Assert.Equal(0.0, Losses.GaussianKL(Tensor.Zeros([2, 3], F64), Tensor.Zeros([2, 3], F64)).Item());
    }

    [Fact]
    public void GaussianKL_agrees_with_a_Monte_Carlo_estimate()
    {
        double[] mu = [0.5, -1.0], logVar = [0.4, -0.7];
        double closed = Losses.GaussianKL(Tensor.FromArray(mu, 2), Tensor.FromArray(logVar, 2)).Item();
        // E_q[log q(z) − log p(z)] with z ~ q; the per-sample term has variance ≈ 1, so with n = 100 000 the
        // standard error is ≈ 0.004: a tolerance of 0.02 is five standard errors.
        var rng = new Rng(3);
        const int n = 100_000;
        double sum = 0;
        for (int s = 0; s < n; s++)
            for (int d = 0; d < 2; d++)
            {
                double sigma = Math.Exp(logVar[d] / 2), eps = rng.NextNormal(), z = mu[d] + sigma * eps;
                double logQ = -0.5 * eps * eps - Math.Log(sigma), logP = -0.5 * z * z; // the 2π terms cancel
                sum += logQ - logP;
            }
        Assert.InRange(sum / n - closed, -0.02, 0.02);
    }
}
