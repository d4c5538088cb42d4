using MachinePerception.Checks;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Nn;

public class LayerTests
{
    const DType F64 = DType.Float64;

    /// <summary>Gradient check of a module's output w.r.t. its input and every parameter (float64).</summary>
    internal static void CheckGradients(Module m, Func<Tensor, Tensor> forward, Tensor x, double tolerance = GradCheck.SmoothTolerance)
    {
        x.RequireGrad();
        var r = GradCheck.RunOn(() => forward(x), [x, .. m.Parameters()], tolerance);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Linear_forward_matches_a_plain_loop()
    {
        var rng = new Rng(1);
        var lin = new Linear(3, 4, rng, dtype: F64);
        var x = rng.Normal([5, 3], dtype: F64);
        var y = lin.Forward(x).ToDoubleArray();
        var (w, b, xs) = (lin.Weight.ToDoubleArray(), lin.Bias!.ToDoubleArray(), x.ToDoubleArray());
        for (int n = 0; n < 5; n++)
            for (int o = 0; o < 4; o++)
            {
                double z = b[o];
                for (int i = 0; i < 3; i++) z += w[o * 3 + i] * xs[n * 3 + i]; // z = W x + b
                Assert.Equal(z, y[n * 4 + o], 12);
            }
    }

    [Fact]
    public void Linear_accepts_leading_axes_and_rejects_a_wrong_width()
    {
        var rng = new Rng(2);
        var lin = new Linear(3, 2, rng, dtype: F64);
        var x = rng.Normal([2, 4, 3], dtype: F64);
        var y = lin.Forward(x);
        Assert.Equal(new Shape(2, 4, 2), y.Shape);
        var flat = lin.Forward(Op.Reshape(x, 8, 3));
        Assert.Equal(flat.ToDoubleArray(), y.ToDoubleArray());
        var e = Assert.Throws<ArgumentException>(() => lin.Forward(rng.Normal([2, 5], dtype: F64)));
        Assert.StartsWith("Linear:", e.Message);
        Assert.Contains("[2, 5]", e.Message);
    }

    [Fact]
    public void Linear_gradients_match_finite_differences()
    {
        var rng = new Rng(3);
        var lin = new Linear(4, 3, rng, dtype: F64);
        CheckGradients(lin, lin.Forward, rng.Normal([2, 4], dtype: F64));
        var noBias = new Linear(4, 3, rng, bias: false, dtype: F64);
        Assert.Single(noBias.Parameters());
        CheckGradients(noBias, noBias.Forward, rng.Normal([2, 5, 4], dtype: F64));
    }

    public static TheoryData<string> ActivationNames => ["ReLU", "Tanh", "Sigmoid", "LeakyReLU", "ELU", "Softplus"];

    static (Layer Layer, Func<double, double> F) Activation(string name) => name switch
    {
        "ReLU" => (new ReLU(), x => Math.Max(0, x)),
        "Tanh" => (new Tanh(), Math.Tanh),
        "Sigmoid" => (new Sigmoid(), x => 1 / (1 + Math.Exp(-x))),
        "LeakyReLU" => (new LeakyReLU(0.2), x => x > 0 ? x : 0.2 * x),
        "ELU" => (new ELU(0.7), x => x > 0 ? x : 0.7 * (Math.Exp(x) - 1)),
        "Softplus" => (new Softplus(), x => Math.Log(1 + Math.Exp(x))),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void Activation_forward_matches_its_formula_and_its_gradient_matches_finite_differences(string name)
    {
        var (layer, f) = Activation(name);
        // values away from 0 so no kink lies within the finite-difference step
        var values = new[] { -2.5, -1.1, -0.3, 0.2, 0.9, 3.0 };
        var x = Tensor.FromArray(values, 2, 3);
        var y = layer.Forward(x).ToDoubleArray();
        for (int i = 0; i < values.Length; i++) Assert.Equal(f(values[i]), y[i], 14);
        CheckGradients(layer, layer.Forward, x);
        Assert.Equal(0, layer.ParameterCount);
    }

    [Fact]
    public void Flatten_keeps_the_batch_axis()
    {
        var x = new Rng(4).Normal([2, 3, 4, 5]);
        Assert.Equal(new Shape(2, 60), new Flatten().Forward(x).Shape);
        Assert.Equal(new Shape(2, 3, 20), new Flatten(2).Forward(x).Shape);
        Assert.Equal(x.ToDoubleArray(), new Flatten().Forward(x).ToDoubleArray());
    }

    [Fact]
    public void Sequential_chains_layers_and_names_parameters_in_order()
    {
        var rng = new Rng(5);
        var net = new Sequential(new Linear(2, 3, rng, dtype: F64), new Tanh(), new Linear(3, 1, rng, dtype: F64));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], net.NamedParameters().Select(p => p.Name));
        Assert.Equal(2 * 3 + 3 + 3 + 1, net.ParameterCount);
        var x = rng.Normal([4, 2], dtype: F64);
        var expected = ((Linear)net[2]).Forward(Op.Tanh(((Linear)net[0]).Forward(x)));
        Assert.Equal(expected.ToDoubleArray(), net.Forward(x).ToDoubleArray());
        CheckGradients(net, net.Forward, x);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights()
    {
        var a = new Linear(5, 7, new Rng(42));
        var b = new Linear(5, 7, new Rng(42));
        var c = new Linear(5, 7, new Rng(43));
        Assert.Equal(a.Weight.ToFloatArray(), b.Weight.ToFloatArray());
        Assert.NotEqual(a.Weight.ToFloatArray(), c.Weight.ToFloatArray());
        Assert.Equal(DType.Float32, a.Weight.DType);
    }

    [Fact]
    public void Dropout_is_seeded_scaled_and_the_identity_in_eval()
    {
        var x = Tensor.Ones([100, 100], F64);
        var d1 = new Dropout(0.3, new Rng(7));
        var d2 = new Dropout(0.3, new Rng(7));
        var y1 = d1.Forward(x).ToDoubleArray();
        Assert.Equal(y1, d2.Forward(x).ToDoubleArray());
        // survivors are scaled by 1/(1 − p); the dropped fraction is ≈ p (binomial sd √(p(1−p)/n) ≈ 0.0046)
        Assert.All(y1, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.7) < 1e-15, $"value {v}"));
        double dropped = y1.Count(v => v == 0) / (double)y1.Length;
        Assert.InRange(dropped, 0.3 - 0.02, 0.3 + 0.02);
        Assert.InRange(y1.Average(), 1 - 0.03, 1 + 0.03); // E[y] = x
        d1.Eval();
        Assert.Same(x, d1.Forward(x));
        Assert.Throws<ArgumentException>(() => new Dropout(1.0, new Rng(1)));
    }

    [Fact]
    public void Dropout_gradient_is_the_scaled_mask()
    {
        var x = new Rng(8).Normal([6, 5], dtype: F64).RequireGrad();
        var y = new Dropout(0.5, new Rng(9)).Forward(x);
        Op.Sum(y).Backward();
        var g = x.Grad!.ToDoubleArray();
        var (yv, xv) = (y.ToDoubleArray(), x.ToDoubleArray());
        for (int i = 0; i < g.Length; i++) Assert.Equal(yv[i] == 0 ? 0 : 2.0, g[i]);
        Assert.Contains(g, v => v == 0);
        Assert.Contains(g, v => v == 2);
    }

    [Fact]
    public void Module_rejects_duplicate_names_and_propagates_the_mode()
    {
        var rng = new Rng(10);
        var net = new Sequential(new Linear(2, 2, rng), new Dropout(0.5, rng), new BatchNorm1d(2));
        Assert.True(net[1].Training);
        net.Eval();
        Assert.False(net[1].Training);
        Assert.False(net[2].Training);
        net.Train();
        Assert.True(net[2].Training);
        Assert.Equal(["2.running_mean", "2.running_var"], net.NamedBuffers().Select(b => b.Name));
        var e = Assert.Throws<ArgumentException>(() => new Twice());
        Assert.Contains("'w' is already registered", e.Message);
    }

    [Fact]
    public void ZeroGrad_clears_every_parameter_gradient()
    {
        var rng = new Rng(11);
        var net = new Sequential(new Linear(2, 3, rng), new ReLU(), new Linear(3, 1, rng));
        Op.Sum(net.Forward(rng.Normal([4, 2]))).Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void To_dtype_converts_parameters_and_buffers_into_new_named_leaves()
    {
        var rng = new Rng(12);
        var net = new Sequential(new Linear(3, 4, rng), new BatchNorm1d(4), new Tanh(), new Linear(4, 2, rng));
        var before = net.Parameters().Select(p => p.ToDoubleArray()).ToArray();
        net.To(F64);
        Assert.All(net.Parameters(), p => Assert.True(p.DType == F64 && p.IsLeaf && p.RequiresGrad));
        Assert.All(net.NamedBuffers(), b => Assert.Equal(F64, b.Value.DType));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"], net.NamedParameters().Select(p => p.Name));
        Assert.All(net.NamedParameters(), p => Assert.EndsWith("." + p.Value.Name, p.Name));
        Assert.Equal(before, net.Parameters().Select(p => p.ToDoubleArray()));
        Assert.Same(net.Parameters()[0], ((Linear)net[0]).Weight); // the layer reads the converted tensor
        CheckGradients(net, net.Forward, rng.Normal([5, 3], dtype: F64));
        var p0 = net.Parameters()[0];
        net.To(Device.Cpu); // already there: nothing is replaced
        Assert.Same(p0, net.Parameters()[0]);
    }

    sealed class Twice : Module
    {
        public Twice()
        {
            RegisterParameter("w", Tensor.Zeros([1]));
            RegisterParameter("w", Tensor.Zeros([1]));
        }
    }
}
