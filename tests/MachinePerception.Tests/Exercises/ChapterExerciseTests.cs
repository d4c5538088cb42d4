using MachinePerception.Autodiff;
using MachinePerception.Exercises;
using MachinePerception.Exercises.Ch10;
using MachinePerception.Exercises.Ch11;
using MachinePerception.Exercises.Ch14;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Exercises;

/// <summary>Each exercise's plain-loop reference against an independent computation: the tensor engine with
/// autodiff, a different formulation, or the course summary's own worked example.</summary>
public class ChapterExerciseTests
{
    [Fact]
    public void Conv_output_size_formula_matches_the_window_count()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var e = new ConvolutionOutputSize(seed);
            int input = ExerciseInputs.Field<int>(e, "input"), pad = ExerciseInputs.Field<int>(e, "pad"), dil = ExerciseInputs.Field<int>(e, "dilation"),
                kern = ExerciseInputs.Field<int>(e, "kernel"), stride = ExerciseInputs.Field<int>(e, "stride");
            // §11: ⌊(in + 2 pad − dil (kern − 1) − 1) / stride⌋ + 1 (numerator ≥ 0, so integer division floors)
            int formula = (input + 2 * pad - dil * (kern - 1) - 1) / stride + 1;
            Assert.Equal(formula, (int)e.Reference()[0]);
        }
    }

    [Fact]
    public void Conv_output_size_names_a_forgotten_dilation()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new ConvolutionOutputSize(seed);
            int input = ExerciseInputs.Field<int>(e, "input"), pad = ExerciseInputs.Field<int>(e, "pad"), dil = ExerciseInputs.Field<int>(e, "dilation"),
                kern = ExerciseInputs.Field<int>(e, "kernel"), stride = ExerciseInputs.Field<int>(e, "stride");
            int noDilation = (input + 2 * pad - (kern - 1) - 1) / stride + 1;
            if (noDilation == (int)e.Reference()[0]) continue;
            Assert.Equal("ignored the dilation", e.Check(noDilation).Mistake);
        }
    }

    static readonly double[,] SummaryX =
    {
        { 0, 0, 1, 1, 0 }, { 0, 1, 0, 1, 1 }, { 1, 1, 1, 1, 0 }, { 1, 0, 1, 1, 0 }, { 1, 1, 0, 1, 1 },
    };
    static readonly double[,] SummaryK = { { 1, 0, 1 }, { 0, 1, 0 }, { 0, 1, 0 } };

    [Fact]
    public void Conv_backprop_reproduces_the_summary_example()
    {
        // §11 "rotate K": the summary prints Y = X ∗ K = [3 3 3; 4 2 3; 2 3 3], global max-pool Y′ = 4 at (1, 0),
        // ∂E/∂Y′ = 1, ∂E/∂K = [1 0 1; 1 1 1; 0 1 0], and ∂E/∂X with ROT180(K) on rows 1–3, columns 0–2.
        // Slip in the summary: Y(2, 1) is 4, not 3 (patch [1 1 1; 0 1 1; 1 0 1] against ROT180(K) = [0 1 0; 0 1 0; 1 0 1]
        // gives 1 + 1 + 2; correlation and every other flip of K give other matrices), so the maximum 4 is tied between
        // (1, 0) and (2, 1); the summary routes the gradient to (1, 0). Everything else matches.
        var y = ConvolutionBackpropExercise.Convolve(SummaryX, SummaryK);
        Assert.Equal(new double[,] { { 3, 3, 3 }, { 4, 2, 3 }, { 2, 4, 3 } }, y);
        Assert.NotEqual(3, y[2, 1]);
        var dy = new double[3, 3];
        dy[1, 0] = 1;
        Assert.Equal(new double[,] { { 1, 0, 1 }, { 1, 1, 1 }, { 0, 1, 0 } }, ConvolutionBackpropExercise.KernelGradient(SummaryX, dy, convolution: true));
        Assert.Equal(new double[,] { { 0, 0, 0, 0, 0 }, { 0, 1, 0, 0, 0 }, { 0, 1, 0, 0, 0 }, { 1, 0, 1, 0, 0 }, { 0, 0, 0, 0, 0 } },
            ConvolutionBackpropExercise.InputGradient(SummaryK, dy, convolution: true));
    }

    // E = Σ G ⊙ MaxPool(X ∗ K) built from engine ops: the convolution as a product with an im2col matrix,
    // each pooled value as nested Op.Maximum of one-hot selections of Y, so autodiff routes through the argmax.
    static (Tensor dK, Tensor dX) EngineGradients(double[,] x, double[,] k, double[,] g, bool global)
    {
        var xt = Op.Reshape(Tensor.FromArray(x), 25, 1).Detach().RequireGrad();
        var kt = Op.Reshape(Tensor.FromArray(k), 9, 1).Detach().RequireGrad();
        var patch = new double[9 * 9, 25]; // [(ij, mn), pq] = 1 where (p, q) = (i + 2 − m, j + 2 − n)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int m = 0; m < 3; m++)
                    for (int n = 0; n < 3; n++)
                        patch[(i * 3 + j) * 9 + m * 3 + n, (i + 2 - m) * 5 + (j + 2 - n)] = 1;
        var taps = Op.Reshape(Op.MatMul(Tensor.FromArray(patch), xt), 9, 9);      // [ij, mn] = X under K(m, n)
        var y = Op.MatMul(taps, kt);                                            // [9, 1]
        Tensor Select(int i, int j)
        {
            var e = new double[1, 9];
            e[0, i * 3 + j] = 1;
            return Op.MatMul(Tensor.FromArray(e), y);                            // [1, 1]
        }
        var windows = global ? new[] { (0, 0, 3) } : [(0, 0, 2), (0, 1, 2), (1, 0, 2), (1, 1, 2)];
        Tensor energy = Tensor.Scalar(0, DType.Float64);
        for (int w = 0; w < windows.Length; w++)
        {
            var (r, c, size) = windows[w];
            Tensor? max = null;
            for (int i = r; i < r + size; i++)
                for (int j = c; j < c + size; j++)
                    max = max is null ? Select(i, j) : Op.Maximum(max, Select(i, j));
            energy = energy + Op.Sum(max!) * g[w / g.GetLength(1), w % g.GetLength(1)];
        }
        var grads = Autograd.Grad([energy], [kt, xt]);
        return (grads[0]!, grads[1]!);
    }

    [Fact]
    public void Conv_backprop_references_match_the_engine_autodiff()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            var kernelExercise = new ConvolutionKernelGradient(seed);
            var inputExercise = new ConvolutionInputGradient(seed);
            var x = ExerciseInputs.Field<double[,]>(kernelExercise, "X");
            var k = ExerciseInputs.Field<double[,]>(kernelExercise, "K");
            var g = ExerciseInputs.Field<double[,]>(kernelExercise, "G");
            bool global = ExerciseInputs.Field<bool>(kernelExercise, "GlobalPool");
            var (dK, dX) = EngineGradients(x, k, g, global);
            Assert.Equal(kernelExercise.Reference(), dK.ToDoubleArray());
            Assert.Equal(inputExercise.Reference(), dX.ToDoubleArray());
        }
    }

    [Fact]
    public void Conv_backprop_variants_use_both_poolings()
    {
        var kinds = Enumerable.Range(0, 20).Select(s => ExerciseInputs.Field<bool>(new ConvolutionKernelGradient(s), "GlobalPool")).Distinct().Count();
        Assert.Equal(2, kinds);
    }

    [Fact]
    public void Adam_reference_matches_the_update_written_with_tensor_ops()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new AdamStep(seed);
            int t = ExerciseInputs.Field<int>(e, "t");
            double b1 = ExerciseInputs.Field<double>(e, "beta1"), b2 = ExerciseInputs.Field<double>(e, "beta2"), eta = ExerciseInputs.Field<double>(e, "eta"), eps = ExerciseInputs.Field<double>(e, "epsilon");
            Tensor V(string name) => Tensor.FromArray(ExerciseInputs.Field<double[]>(e, name));
            var g = V("grad");
            var m = V("m0") * b1 + g * (1 - b1);
            var v = V("v0") * b2 + g * g * (1 - b2);
            var mHat = m / (1 - Math.Pow(b1, t));
            var vHat = v / (1 - Math.Pow(b2, t));
            var theta = V("theta") - mHat * eta / (Op.Sqrt(vHat) + eps);
            var r = e.Reference();
            var engine = theta.ToDoubleArray();
            for (int i = 0; i < 3; i++) Assert.Equal(engine[i], r[i], 12);
        }
    }

    [Fact]
    public void Adam_feedback_names_the_summarys_epsilon_slip()
    {
        var e = new AdamStep(4);
        var slip = e.Mistakes().First(m => m.Name == "ε inside the square root");
        var f = e.Check(slip.Values);
        Assert.Equal("ε inside the square root", f.Mistake);
        Assert.Contains("errata", f.ToString());
        Assert.Contains("Tolerance: |answer − reference| ≤", f.ToString());
    }

    [Fact]
    public void Bce_reference_matches_the_engine_and_is_positive()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new BinaryCrossEntropy(seed);
            var y = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "y"));
            var p = Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "yHat"));
            var loss = Op.Mean(-(y * Op.Log(p)) - (1 - y) * Op.Log(1 - p)).Item();
            Assert.Equal(loss, e.Reference()[0], 12);
            Assert.True(loss > 0);
        }
    }

    [Fact]
    public void Mlp_backprop_reference_matches_the_engine_autodiff()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new TwoLayerBackprop(seed);
            var w1 = Tensor.FromArray(ExerciseInputs.Field<double[,]>(e, "w1")).RequireGrad();
            var x = Op.Reshape(Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "x")), 2, 1);
            var b1 = Op.Reshape(Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "b1")), 2, 1);
            var w2 = Op.Reshape(Tensor.FromArray(ExerciseInputs.Field<double[]>(e, "w2")), 1, 2);
            var h = Op.Sigmoid(Op.MatMul(w1, x) + b1);                       // [2, 1]
            var yHat = Op.MatMul(w2, h) + ExerciseInputs.Field<double>(e, "b2");            // [1, 1]
            var diff = yHat - ExerciseInputs.Field<double>(e, "y");
            var loss = Op.Sum(diff * diff) * 0.5;
            var grad = Autograd.Grad([loss], [w1])[0]!.ToDoubleArray();
            var r = e.Reference();
            for (int i = 0; i < 4; i++) Assert.Equal(grad[i], r[i], 12);
        }
    }

    [Fact]
    public void Secant_iterates_are_zeros_of_their_secant_lines_and_approach_the_root()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new SecantIteration(seed);
            int p = ExerciseInputs.Field<int>(e, "p"), q = ExerciseInputs.Field<int>(e, "q");
            double x0 = ExerciseInputs.Field<double>(e, "x0"), x1 = ExerciseInputs.Field<double>(e, "x1");
            double F(double x) => x * x * x + p * x - q;
            var r = e.Reference();
            // the line through (x₀, f(x₀)) and (x₁, f(x₁)) vanishes at x₂ (§14: y = slope·(x − x₁) + f(x₁))
            double slope = (F(x1) - F(x0)) / (x1 - x0);
            Assert.Equal(0, slope * (r[0] - x1) + F(x1), 9);
            double slope2 = (F(r[0]) - F(x1)) / (r[0] - x1);
            Assert.Equal(0, slope2 * (r[1] - r[0]) + F(r[0]), 9);
            Assert.True(Math.Abs(F(r[1])) < Math.Abs(F(x1)), $"seed {seed}: |f(x₃)| = {Math.Abs(F(r[1]))} ≥ |f(x₁)| = {Math.Abs(F(x1))}");
        }
    }

    [Fact]
    public void Secant_statement_has_a_figure_in_html_and_a_caption_in_text()
    {
        var e = new SecantIteration(4);
        Assert.Contains("<svg", e.ToHtml());
        Assert.Contains("[figure: f(x) = x³", e.ToString());
        Assert.DoesNotContain("<svg", e.ToString());
    }

    [Fact]
    public void Secant_with_only_x2_says_x3_is_missing()
    {
        var e = new SecantIteration(2);
        var f = e.Check(e.Reference()[0]);
        Assert.Equal(Verdict.Incorrect, f.Verdict);
        Assert.Contains("also asks for x₃", f.ToString());
    }

    [Fact]
    public void Plane_reference_contains_the_three_points()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new PlaneThroughThreePoints(seed);
            var plane = e.Reference();
            foreach (var name in new[] { "a", "b", "c" })
            {
                var pt = ExerciseInputs.Field<double[]>(e, name);
                Assert.Equal(0, plane[0] * pt[0] + plane[1] * pt[1] + plane[2] * pt[2] + plane[3], 9);
            }
            Assert.True(Math.Abs(plane[0]) + Math.Abs(plane[1]) + Math.Abs(plane[2]) > 0);
        }
    }

    [Fact]
    public void Plane_accepts_multiples_and_functions_and_explains_bad_functions()
    {
        var e = new PlaneThroughThreePoints(9);
        var n = e.Reference();
        var flipped = e.Check(n.Select(v => -2 * v).ToArray());
        Assert.True(flipped.IsCorrect);
        Assert.Contains("the same plane", flipped.ToString());

        Assert.True(e.Check((Func<double, double, double, double>)((x, y, z) => 3 * (n[0] * x + n[1] * y + n[2] * z + n[3]))).IsCorrect);
        Assert.True(e.Check((Func<double[], double>)(p => n[0] * p[0] + n[1] * p[1] + n[2] * p[2] + n[3])).IsCorrect);

        var missesA = e.Check((Func<double, double, double, double>)((x, y, z) => n[0] * x + n[1] * y + n[2] * z + n[3] + 1));
        Assert.Contains("misses point a", missesA.ToString());

        var curved = e.Check((Func<double, double, double, double>)((x, y, z) => Math.Pow(n[0] * x + n[1] * y + n[2] * z + n[3], 3)));
        Assert.Contains("not linear", curved.ToString());

        var zero = e.Check((Func<double, double, double, double>)((x, y, z) => 0));
        Assert.Contains("zero at the test points off the plane", zero.ToString());

        var throws = e.Check((Func<double, double, double, double>)((x, y, z) => throw new InvalidOperationException("boom")));
        Assert.Equal(Verdict.Unreadable, throws.Verdict);
        Assert.Contains("threw InvalidOperationException", throws.ToString());

        var nan = e.Check((Func<double, double, double, double>)((x, y, z) => double.NaN));
        Assert.Equal(Verdict.Unreadable, nan.Verdict);

        var wrongSignature = e.Check((Func<double, double>)(x => x));
        Assert.Equal(Verdict.Unreadable, wrongSignature.Verdict);
    }

    [Fact]
    public void Activation_choice_accepts_letters_and_names_and_explains_wrong_options()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var e = new ActivationChoice(seed);
            string correct = e.CorrectOption;
            Assert.True(e.Check(correct.ToUpperInvariant()).IsCorrect);
            string text = e.Statement.ToString();
            var letters = text.Split('\n').Where(l => l.Length > 2 && l[1] == ')').ToList();
            Assert.Equal(4, letters.Count);
            foreach (var line in letters)
            {
                var f = e.Check(line[0]);
                Assert.Equal(line[3..].Trim() == correct, f.IsCorrect);
                if (!f.IsCorrect) Assert.StartsWith("chose ", f.Mistake);
            }
            Assert.Equal(Verdict.Unreadable, e.Check("z").Verdict);
            Assert.Equal(Verdict.Unreadable, e.Check(3.0).Verdict);
        }
    }
}
