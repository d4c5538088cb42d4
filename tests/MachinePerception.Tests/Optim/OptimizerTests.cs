using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Optim;

// Each optimizer's first two steps on L(θ) = ½(θ₀² + 3θ₁²) from θ = (1, −2), so ∇L = (θ₀, 3θ₁) and ∇L(θ⁰) = (1, −6),
// compared with the update rule of §10.2 worked out by hand in scalars.
public class OptimizerTests
{
    static Tensor Loss(Tensor theta) => Op.Sum(Tensor.FromArray([0.5, 1.5], 2) * Op.Square(theta));

    static (double[] First, double[] Second) TwoSteps(Func<Tensor[], Optimizer> make, DType dtype = DType.Float64)
    {
        var theta = Tensor.FromArray([1.0, -2.0], 2).To(dtype).Detach().RequireGrad();
        var opt = make([theta]);
        var steps = new double[2][];
        for (int t = 0; t < 2; t++)
        {
            opt.ZeroGrad();
            Loss(theta.To(DType.Float64)).Backward();
            opt.Step();
            steps[t] = theta.ToDoubleArray();
        }
        return (steps[0], steps[1]);
    }

    static void Near(double[] expected, double[] actual, double tol = 1e-14)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"entry {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Sgd_steps_against_the_gradient()
    {
        // θ¹ = θ⁰ − 0.1·(1, −6) = (0.9, −1.4);  ∇ = (0.9, −4.2);  θ² = (0.81, −0.98)
        var (s1, s2) = TwoSteps(p => new Sgd(p, 0.1));
        Near([0.9, -1.4], s1);
        Near([0.81, -0.98], s2);
    }

    [Fact]
    public void Polyak_momentum_accumulates_a_velocity()
    {
        // v¹ = −0.1·(1, −6) = (−0.1, 0.6), θ¹ = (0.9, −1.4);  ∇ = (0.9, −4.2)
        // v² = 0.9·(−0.1, 0.6) − 0.1·(0.9, −4.2) = (−0.18, 0.96), θ² = (0.72, −0.44)
        var (s1, s2) = TwoSteps(p => new Momentum(p, 0.1, alpha: 0.9));
        Near([0.9, -1.4], s1);
        Near([0.72, -0.44], s2);
    }

    [Fact]
    public void Nesterov_takes_the_gradient_at_the_look_ahead_point()
    {
        // step 1: v = 0, so as momentum: v¹ = (−0.1, 0.6), θ¹ = (0.9, −1.4)
        // step 2: look-ahead θ¹ + 0.9v¹ = (0.81, −0.86), ∇ there = (0.81, −2.58)
        //         v² = (−0.09 − 0.081, 0.54 + 0.258) = (−0.171, 0.798), θ² = (0.729, −0.602)
        var theta = Tensor.FromArray([1.0, -2.0], 2).RequireGrad();
        var opt = new Nesterov([theta], 0.1, alpha: 0.9, NesterovForm.LookAheadClosure);
        opt.Step(() => Loss(theta));
        Near([0.9, -1.4], theta.ToDoubleArray());
        opt.Step(() => Loss(theta));
        Near([0.729, -0.602], theta.ToDoubleArray());
        Assert.Equal(2, opt.StepCount);
        Assert.Throws<InvalidOperationException>(opt.Step);
    }

    [Fact]
    public void Nesterov_closure_and_reformulated_forms_agree()
    {
        // a non-quadratic loss, so the gradient at the look-ahead point really differs from the one at θ
        static Tensor Rough(Tensor t) => Op.Sum(Op.Pow(t, 4) + Op.Sin(t * 3)) + Op.Sum(t) * Op.Sum(t);
        var theta = Tensor.FromArray([0.7, -0.4, 1.1], 3).RequireGrad();
        var phi = theta.Clone().RequireGrad(); // φ⁰ = θ⁰ + αv⁰ = θ⁰
        var literal = new Nesterov([theta], 0.02, alpha: 0.8, NesterovForm.LookAheadClosure);
        var reformulated = new Nesterov([phi], 0.02, alpha: 0.8, NesterovForm.ShiftedParameters);
        Assert.Throws<InvalidOperationException>(() => reformulated.Step(() => Rough(phi)));
        for (int t = 0; t < 6; t++)
        {
            literal.Step(() => Rough(theta));
            reformulated.ZeroGrad();
            Rough(phi).Backward();
            reformulated.Step();
        }
        var a = theta.ToDoubleArray();
        var b = reformulated.Theta(0).ToDoubleArray();
        Near(a, b, 1e-13);
        Assert.NotEqual(a, phi.ToDoubleArray()); // the parameters of the reformulated form hold θ + αv, not θ
    }

    [Fact]
    public void AdaGrad_divides_by_the_root_of_the_summed_squares()
    {
        const double eps = 0.1, delta = 1e-7;
        // r¹ = (1, 36); θ¹ = θ⁰ − ε g/(δ + √r)
        double a1 = 1 - eps * 1 / (delta + 1), b1 = -2 - eps * -6 / (delta + 6);
        // ∇ = (a1, 3 b1); r² = r¹ + ∇²
        double ga = a1, gb = 3 * b1, ra = 1 + ga * ga, rb = 36 + gb * gb;
        double a2 = a1 - eps * ga / (delta + Math.Sqrt(ra)), b2 = b1 - eps * gb / (delta + Math.Sqrt(rb));
        var (s1, s2) = TwoSteps(p => new AdaGrad(p, eps, delta));
        Near([a1, b1], s1);
        Near([a2, b2], s2);
    }

    [Fact]
    public void RmsProp_uses_a_moving_average_of_the_squares()
    {
        const double eps = 0.01, rho = 0.9, delta = 1e-8;
        // r¹ = 0.1·(1, 36) = (0.1, 3.6)
        double a1 = 1 - eps * 1 / (delta + Math.Sqrt(0.1)), b1 = -2 - eps * -6 / (delta + Math.Sqrt(3.6));
        double ga = a1, gb = 3 * b1, ra = rho * 0.1 + (1 - rho) * ga * ga, rb = rho * 3.6 + (1 - rho) * gb * gb;
        double a2 = a1 - eps * ga / (delta + Math.Sqrt(ra)), b2 = b1 - eps * gb / (delta + Math.Sqrt(rb));
        var (s1, s2) = TwoSteps(p => new RmsProp(p, eps, rho, delta));
        Near([a1, b1], s1);
        Near([a2, b2], s2);
    }

    // Adam by hand: returns θ after two steps, with optional decoupled decay λ
    static (double[], double[]) AdamByHand(double eta, double lambda)
    {
        const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] theta = [1, -2], m = [0, 0], v = [0, 0];
        var steps = new double[2][];
        for (int t = 1; t <= 2; t++)
        {
            double[] g = [theta[0], 3 * theta[1]];
            for (int i = 0; i < 2; i++)
            {
                theta[i] *= 1 - eta * lambda;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(b1, t)), vHat = v[i] / (1 - Math.Pow(b2, t));
                theta[i] -= eta * mHat / (Math.Sqrt(vHat) + eps);
            }
            steps[t - 1] = (double[])theta.Clone();
        }
        return (steps[0], steps[1]);
    }

    [Fact]
    public void Adam_matches_the_bias_corrected_rule()
    {
        var (e1, e2) = AdamByHand(0.1, 0);
        // the first step is ≈ −η·sign(g): m̂ = g and v̂ = g², so θ¹ ≈ (0.9, −1.9)
        Near([0.9, -1.9], e1, 1e-8);
        var (s1, s2) = TwoSteps(p => new Adam(p, 0.1));
        Near(e1, s1);
        Near(e2, s2);
        // float32 parameters take the same steps to float32 precision
        var (f1, f2) = TwoSteps(p => new Adam(p, 0.1), DType.Float32);
        Near(e1, f1, 1e-6);
        Near(e2, f2, 1e-6);
    }

    [Fact]
    public void AdamW_decays_the_weights_outside_the_adaptive_scaling()
    {
        var (e1, e2) = AdamByHand(0.1, 0.5);
        var (s1, s2) = TwoSteps(p => new AdamW(p, 0.1, weightDecay: 0.5));
        Near(e1, s1);
        Near(e2, s2);
        // with a zero gradient only the decay acts: θ ← (1 − ηλ)θ, whatever the moments say
        var theta = Tensor.FromArray([2.0, -4.0], 2).RequireGrad();
        var opt = new AdamW([theta], 0.1, weightDecay: 0.5);
        theta.Grad = Tensor.Zeros([2], DType.Float64);
        opt.Step();
        Near([2 * 0.95, -4 * 0.95], theta.ToDoubleArray());
    }

    [Fact]
    public void Adam_epsilon_inside_or_outside_the_root_differs_only_for_tiny_gradients()
    {
        // One step from θ = 0 with a constant gradient g: m̂ = g, v̂ = g², so the step is
        // η g/(|g| + ε) (usual) or η g/√(g² + ε) (the summary's form).
        static double FirstStep(double g, bool inside)
        {
            var theta = Tensor.FromArray([0.0], 1).RequireGrad();
            var opt = new Adam([theta], 1.0, epsilonInsideRoot: inside);
            theta.Grad = Tensor.FromArray([g], 1);
            opt.Step();
            return -theta.Item();
        }
        const double eps = 1e-8;
        // g = 1: 1/(1 + 1e-8) vs 1/√(1 + 1e-8): the steps agree to ≈ ε/2 = 5e-9
        double usual = FirstStep(1, false), summary = FirstStep(1, true);
        Assert.Equal(1 / (1 + eps), usual, 15);
        Assert.Equal(1 / Math.Sqrt(1 + eps), summary, 15);
        Assert.InRange(summary - usual, 4.9e-9, 5.1e-9);
        // g = 1e-9: 1e-9/(1e-9 + 1e-8) = 1/11 vs 1e-9/√(1e-18 + 1e-8) ≈ 1e-5: about 9 000 times apart
        double usualTiny = FirstStep(1e-9, false), summaryTiny = FirstStep(1e-9, true);
        Assert.Equal(1.0 / 11, usualTiny, 12);
        Assert.Equal(1e-9 / Math.Sqrt(1e-18 + eps), summaryTiny, 1e-17); // ≈ 1e-5, compared to 12 significant digits
        Assert.InRange(usualTiny / summaryTiny, 9000, 9200);
    }

    [Fact]
    public void Learning_rate_is_settable_and_parameters_without_gradients_are_skipped()
    {
        var a = Tensor.FromArray([1.0], 1).RequireGrad();
        var b = Tensor.FromArray([5.0], 1).RequireGrad();
        var opt = new Sgd([a, b], 0.5);
        a.Grad = Tensor.FromArray([2.0], 1);
        opt.Step();
        Assert.Equal(0.0, a.Item());
        Assert.Equal(5.0, b.Item());
        opt.LearningRate = 0.25;
        opt.Step();
        Assert.Equal(-0.5, a.Item());
        a.Grad = Tensor.FromArray([1.0, 2.0], 2);
        var e = Assert.Throws<InvalidOperationException>(opt.Step);
        Assert.StartsWith("Sgd.Step:", e.Message);
        Assert.Throws<ArgumentException>(() => new Sgd([Tensor.Zeros([1])], 0.1)); // not a parameter
    }

    [Fact]
    public void Adam_fits_xor_with_a_tiny_mlp()
    {
        var rng = new Rng(7);
        var net = new Sequential(new Linear(2, 8, rng), new Tanh(), new Linear(8, 1, rng));
        var x = Tensor.FromArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, DType.Float32);
        var y = Tensor.FromArray([0f, 1f, 1f, 0f], 4, 1);
        var opt = new Adam(net.Parameters(), 0.05);
        double loss = double.NaN;
        for (int step = 0; step < 300; step++)
        {
            opt.ZeroGrad();
            var l = Losses.BceWithLogits(net.Forward(x), y);
            l.Backward();
            opt.Step();
            loss = l.Item();
        }
        Assert.True(loss < 0.02, $"XOR loss after 300 Adam steps: {loss}");
        var p = Op.Sigmoid(net.Forward(x)).ToDoubleArray();
        Assert.True(p[0] < 0.1 && p[1] > 0.9 && p[2] > 0.9 && p[3] < 0.1, string.Join(", ", p));
    }
}
