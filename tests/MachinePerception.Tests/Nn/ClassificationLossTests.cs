using MachinePerception.Checks;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class ClassificationLossTests
{
    const DType F64 = DType.Float64;

    // −log softmax(z)[y] by hand: log Σ e^{z_k − max} + max − z_y
    static double NegLogSoftmax(double[] z, int row, int k, int label)
    {
        double max = double.NegativeInfinity, sum = 0;
        for (int j = 0; j < k; j++) max = Math.Max(max, z[row * k + j]);
        for (int j = 0; j < k; j++) sum += Math.Exp(z[row * k + j] - max);
        return Math.Log(sum) + max - z[row * k + label];
    }

    [Fact]
    public void Cross_entropy_is_minus_log_softmax_of_the_label()
    {
        var rng = new Rng(1);
        var z = rng.Normal([4, 5], 0, 2, dtype: F64);
        int[] labels = [3, 0, 4, 3];
        var terms = Losses.CrossEntropy(z, labels, Reduction.None).ToDoubleArray();
        var zv = z.ToDoubleArray();
        for (int i = 0; i < 4; i++) Assert.Equal(NegLogSoftmax(zv, i, 5, labels[i]), terms[i], 13);
        Assert.Equal(terms.Average(), Losses.CrossEntropy(z, labels).Item(), 14);
        Assert.Equal(terms.Sum(), Losses.Nll(Op.LogSoftmax(z, 1), labels, Reduction.Sum).Item(), 13);
        var r = GradCheck.Run(x => Losses.CrossEntropy(x[0], labels, Reduction.None), [z]);
        Assert.True(r.Passed, r.Summary);
        var rn = GradCheck.Run(x => Losses.Nll(x[0], labels), [Op.LogSoftmax(z, 1)]);
        Assert.True(rn.Passed, rn.Summary);
        // gradient of the mean: (softmax(z) − onehot(y)) / B
        var zg = z.Clone().RequireGrad();
        Losses.CrossEntropy(zg, labels).Backward();
        var expected = (Op.Softmax(z, 1) - Op.OneHot(labels, 5, F64)) / 4;
        Assert.Equal(expected.ToDoubleArray(), zg.Grad!.ToDoubleArray(), (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void Cross_entropy_stays_finite_at_huge_logits()
    {
        var z = Tensor.FromArray(new double[,] { { 1000, -1000, 0 }, { -1000, 1000, 999 } });
        var terms = Losses.CrossEntropy(z, [1, 2], Reduction.None).ToDoubleArray();
        Assert.Equal(2000, terms[0], 9);
        Assert.Equal(1 + Math.Log(1 + Math.Exp(-1)), terms[1], 9);
        var z32 = Tensor.FromArray([1000f, -1000f], 1, 2);
        Assert.Equal(2000, Losses.CrossEntropy(z32, [1]).Item(), 3);
    }

    [Fact]
    public void Cross_entropy_against_distributions_is_entropy_plus_KL()
    {
        var rng = new Rng(2);
        var z = rng.Normal([3, 4], dtype: F64);
        var p = Op.Softmax(rng.Normal([3, 4], dtype: F64), 1);
        var h = Losses.CrossEntropy(z, p, Reduction.None).ToDoubleArray();
        var (pv, qv) = (p.ToDoubleArray(), Op.Softmax(z, 1).ToDoubleArray());
        for (int i = 0; i < 3; i++)
        {
            double entropy = 0, kl = 0;
            for (int k = 0; k < 4; k++)
            {
                int at = i * 4 + k;
                entropy -= pv[at] * Math.Log(pv[at]);
                kl += pv[at] * Math.Log(pv[at] / qv[at]);
            }
            Assert.Equal(entropy + kl, h[i], 13); // H(p, q) = H(p) + KL(p ‖ q)
        }
        var r = GradCheck.Run(x => Losses.CrossEntropy(x[0], x[1], Reduction.Sum), [z, p]);
        Assert.True(r.Passed, r.Summary);
        // one-hot targets give the label form
        Assert.Equal(Losses.CrossEntropy(z, [1, 0, 3]).Item(), Losses.CrossEntropy(z, Op.OneHot([1, 0, 3], 4, F64)).Item(), 14);
    }

    [Fact]
    public void Bad_labels_are_clear_errors()
    {
        var z = Tensor.Zeros([2, 3], F64);
        var e1 = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(z, [0, 3]));
        Assert.StartsWith("CrossEntropy:", e1.Message);
        Assert.Contains("label 3 at position 1", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Losses.Nll(z, [0]));
        Assert.StartsWith("Nll:", e2.Message);
        Assert.Contains("[2, 3]", e2.Message);
    }

    [Fact]
    public void Embedding_looks_up_rows_and_adds_gradients_of_repeated_tokens()
    {
        var rng = new Rng(3);
        var emb = new Embedding(5, 3, rng, F64);
        int[] tokens = [4, 1, 4, 0];
        var y = emb.Forward(tokens);
        var table = emb.Weight.ToDoubleArray();
        var yv = y.ToDoubleArray();
        for (int i = 0; i < 4; i++)
            for (int d = 0; d < 3; d++) Assert.Equal(table[tokens[i] * 3 + d], yv[i * 3 + d]);
        var r = GradCheck.RunOn(() => emb.Forward(tokens), [emb.Weight]);
        Assert.True(r.Passed, r.Summary);
        Op.Sum(emb.Forward(tokens)).Backward();
        Assert.Equal([1.0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2], emb.Weight.Grad!.ToDoubleArray());
        Assert.Equal(new Shape(2, 2, 3), emb.Forward(new[,] { { 4, 1 }, { 4, 0 } }).Shape);
        Assert.StartsWith("Embedding:", Assert.Throws<ArgumentException>(() => emb.Forward([5])).Message);
    }
}
