using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch04;

/// <summary>
/// §4: one affine coupling step forward and inverse, by hand. x = (x^A, x^B) with two numbers each, and a tiny "network"
/// β(x^B) = (log s, t) with log s_i = a_i·x^B_i and t_i = b_i·x^B_1 + c_i. Forward: y^A = x^A ⊙ e^{log s} + t, y^B = x^B;
/// inverse of a given y: x^A = (y^A − t(y^B)) ⊙ e^{−log s(y^B)}. Answer: a 2×4 matrix, row 1 = f(x), row 2 = f⁻¹(y).
/// The reference computes the inverse by Newton's method on f, not by the closed form.
/// </summary>
[Exercise(4, "coupling-step", "One coupling step forward and inverse")]
public sealed class CouplingStepByHand : NumericExercise
{
    readonly double[] a = new double[2], b = new double[2], c = new double[2], x = new double[4], y = new double[4];

    public CouplingStepByHand(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        double R(double lo, double hi, int digits = 1) => Math.Round(lo + (hi - lo) * rng.NextDouble(), digits);
        for (int i = 0; i < 2; i++)
        {
            do a[i] = R(-1, 1); while (Math.Abs(a[i]) < 0.2);
            do b[i] = R(-1, 1); while (Math.Abs(b[i]) < 0.2);
            c[i] = R(-1, 1);
        }
        for (int i = 0; i < 4; i++)
        {
            do x[i] = R(-2, 2); while (Math.Abs(x[i]) < 0.2);
            do y[i] = R(-2, 2); while (Math.Abs(y[i]) < 0.2);
        }
    }

    protected override int[] AnswerShape => [2, 4];

    protected override Prose Pose() => new Prose()
        .Text("An affine coupling layer splits a vector into x^A = (x₁, x₂), which it transforms, and x^B = (x₃, x₄), which it passes through and uses to compute a scale and a shift:")
        .Text("y^A = x^A ⊙ s + t,  y^B = x^B,  with log s_i = a_i·x^B_i and t_i = b_i·x^B₁ + c_i (i = 1, 2; x^B_i is the i-th entry of x^B).")
        .Vector("a =", a).Vector("b =", b).Vector("c =", c)
        .Vector("x =", x)
        .Vector("y =", y)
        .Text("Give a 2×4 matrix: first row f(x), the layer's output for x; second row f⁻¹(y), the input that the layer maps to y.");

    (double[] LogS, double[] T) Beta(double x3, double x4) =>
        ([a[0] * x3, a[1] * x4], [b[0] * x3 + c[0], b[1] * x3 + c[1]]);

    double[] Forward(double[] v)
    {
        var (logS, t) = Beta(v[2], v[3]);
        return [v[0] * Math.Exp(logS[0]) + t[0], v[1] * Math.Exp(logS[1]) + t[1], v[2], v[3]];
    }

    internal override double[] Reference()
    {
        // f(x) directly; f⁻¹(y) by Newton's method on f(v) = y in the transformed coordinates (x^B = y^B is forced)
        var inverse = new double[] { 0, 0, y[2], y[3] };
        for (int iteration = 0; iteration < 50; iteration++)
        {
            var fv = Forward(inverse);
            var (logS, _) = Beta(inverse[2], inverse[3]);
            for (int i = 0; i < 2; i++) inverse[i] -= (fv[i] - y[i]) / Math.Exp(logS[i]);
        }
        return [.. Forward(x), .. inverse];
    }

    double[] Answer(Func<double[], double[]> forward, Func<double[], double[]> inverse) => [.. forward(x), .. inverse(y)];

    double[] InverseClosed(double[] v)
    {
        var (logS, t) = Beta(v[2], v[3]);
        return [(v[0] - t[0]) * Math.Exp(-logS[0]), (v[1] - t[1]) * Math.Exp(-logS[1]), v[2], v[3]];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("used log s as the scale", "β gives log s; the layer multiplies by s = e^{log s} (this keeps s > 0, so the layer stays invertible).",
            Answer(v => { var (l, t) = Beta(v[2], v[3]); return [v[0] * l[0] + t[0], v[1] * l[1] + t[1], v[2], v[3]]; },
                   v => { var (l, t) = Beta(v[2], v[3]); return [(v[0] - t[0]) / l[0], (v[1] - t[1]) / l[1], v[2], v[3]]; }));
        yield return Wrong("inverse divided before subtracting the shift", "Undo the last operation first: y^A = x^A ⊙ s + t, so x^A = (y^A − t) / s, not y^A / s − t.",
            Answer(Forward, v => { var (l, t) = Beta(v[2], v[3]); return [v[0] * Math.Exp(-l[0]) - t[0], v[1] * Math.Exp(-l[1]) - t[1], v[2], v[3]]; }));
        yield return Wrong("inverse multiplied by s again", "The inverse divides by s: x^A = (y^A − t) ⊙ e^{−log s}.",
            Answer(Forward, v => { var (l, t) = Beta(v[2], v[3]); return [(v[0] - t[0]) * Math.Exp(l[0]), (v[1] - t[1]) * Math.Exp(l[1]), v[2], v[3]]; }));
        yield return Wrong("transformed x^B too", "y^B = x^B: the conditioning half passes through unchanged, which is what makes the inverse possible.",
            Answer(v => { var f = Forward(v); var (l, t) = Beta(v[2], v[3]); return [f[0], f[1], v[2] * Math.Exp(l[0]) + t[0], v[3] * Math.Exp(l[1]) + t[1]]; }, InverseClosed));
        yield return Wrong("inverse computed β from y^A", "β must see the same input in both directions: x^B = y^B, so evaluate log s and t at y^B.",
            Answer(Forward, v => { var (l, t) = Beta(v[0], v[1]); return [(v[0] - t[0]) * Math.Exp(-l[0]), (v[1] - t[1]) * Math.Exp(-l[1]), v[2], v[3]]; }));
    }

    protected override Prose Solve()
    {
        var (lx, tx) = Beta(x[2], x[3]);
        var (ly, ty) = Beta(y[2], y[3]);
        var f = Forward(x);
        var g = InverseClosed(y);
        return new Prose()
            .Text($"Forward: log s = ({Prose.Number(lx[0])}, {Prose.Number(lx[1])}), t = ({Prose.Number(tx[0])}, {Prose.Number(tx[1])}) from x^B = ({Prose.Number(x[2])}, {Prose.Number(x[3])}).")
            .Text($"y₁ = {Prose.Number(x[0])}·e^{Prose.Number(lx[0])} + {Prose.Number(tx[0])} = {Prose.Number(f[0])}, y₂ = {Prose.Number(x[1])}·e^{Prose.Number(lx[1])} + {Prose.Number(tx[1])} = {Prose.Number(f[1])}; y^B = x^B.")
            .Text($"Inverse: x^B = y^B = ({Prose.Number(y[2])}, {Prose.Number(y[3])}), so log s = ({Prose.Number(ly[0])}, {Prose.Number(ly[1])}), t = ({Prose.Number(ty[0])}, {Prose.Number(ty[1])}).")
            .Text($"x₁ = ({Prose.Number(y[0])} − {Prose.Number(ty[0])})·e^{Prose.Number(-ly[0])} = {Prose.Number(g[0])}, x₂ = ({Prose.Number(y[1])} − {Prose.Number(ty[1])})·e^{Prose.Number(-ly[1])} = {Prose.Number(g[1])}.")
            .Matrix("[f(x); f⁻¹(y)] =", new double[,] { { f[0], f[1], f[2], f[3] }, { g[0], g[1], g[2], g[3] } });
    }
}
