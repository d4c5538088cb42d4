using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Autodiff;

public class AutogradTests
{
    static Tensor D(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void Backward_of_a_polynomial_matches_the_hand_derivative()
    {
        // L = Σ x³ + 2x  →  dL/dx = 3x² + 2
        var x = D(-1.5, 0.5, 2.0).RequireGrad();
        var loss = Op.Sum(Op.Pow(x, 3) + x * 2);
        loss.Backward();
        Assert.Equal([3 * 2.25 + 2, 3 * 0.25 + 2, 3 * 4.0 + 2], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls()
    {
        var x = D(1, 2).RequireGrad();
        Op.Sum(x * x).Backward();
        Op.Sum(x * x).Backward();
        Assert.Equal([4.0, 8.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void No_grad_scope_records_nothing_and_detach_cuts_the_graph()
    {
        var x = D(1, 2).RequireGrad();
        using (Autograd.NoGrad())
            Assert.False((x * 3).RequiresGrad);
        var y = (x * 3).Detach();
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
    }

    [Fact]
    public void A_tensor_used_twice_receives_both_contributions()
    {
        // L = x·x + x  → dL/dx = 2x + 1
        var x = D(3).RequireGrad();
        Op.Sum(x * x + x).Backward();
        Assert.Equal(7.0, x.Grad!.Item());
    }

    [Fact]
    public void Gradient_of_a_gradient_gives_the_second_derivative()
    {
        // f = x³ sin x; f' = 3x² sin x + x³ cos x; f'' = 6x sin x + 6x² cos x − x³ sin x
        var x = D(0.7).RequireGrad();
        var f = Op.Sum(Op.Pow(x, 3) * Op.Sin(x));
        var df = Autograd.Grad(f, x, createGraph: true);
        var d2f = Autograd.Grad(Op.Sum(df), x);
        double v = 0.7;
        Assert.Equal(3 * v * v * Math.Sin(v) + v * v * v * Math.Cos(v), df.Item(), 1e-12);
        Assert.Equal(6 * v * Math.Sin(v) + 6 * v * v * Math.Cos(v) - v * v * v * Math.Sin(v), d2f.Item(), 1e-12);
    }

    [Fact]
    public void Gradient_penalty_style_double_backward_through_matmul_and_tanh()
    {
        var rng = new Rng(1);
        var w = rng.Normal([3, 4], dtype: DType.Float64);
        var x = rng.Normal([5, 3], dtype: DType.Float64);
        // ‖∇ₓ Σ tanh(xW)‖² differentiated w.r.t. W, checked against finite differences
        var r = GradCheck.Run(inputs =>
        {
            var xi = inputs[1];
            var gx = Autograd.Grad([Op.Sum(Op.Tanh(Op.MatMul(xi, inputs[0])))], [xi], createGraph: true)[0]!;
            return Op.Sum(gx * gx);
        }, [w, x]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Backward_from_a_non_scalar_without_a_gradient_is_an_error()
    {
        var x = D(1, 2).RequireGrad();
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2).Backward());
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void Non_finite_trap_names_the_op()
    {
        Autograd.TrapNonFinite = true;
        try
        {
            var e = Assert.Throws<ArithmeticException>(() => Op.Log(D(1, -1)));
            Assert.StartsWith("log:", e.Message);
        }
        finally { Autograd.TrapNonFinite = false; }
    }
}
