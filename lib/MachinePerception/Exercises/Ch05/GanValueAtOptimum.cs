using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch05;

/// <summary>
/// §5: the value of the GAN game at the optimal discriminator, V(G, D*) = Σ p_d log D* + p_m log(1 − D*), for two
/// distributions on four outcomes; it equals −log 4 + 2 JS(p_d ‖ p_m).
/// </summary>
[Exercise(5, "gan-value-at-optimum", "The value of the GAN game at the optimal discriminator")]
public sealed class GanValueAtOptimum : NumericExercise
{
    readonly double[] data = new double[4], model = new double[4];

    public GanValueAtOptimum(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        double[] Draw()
        {
            var w = Enumerable.Range(0, 4).Select(_ => 1 + rng.NextInt(9)).Select(v => (double)v).ToArray();
            double s = w.Sum();
            var p = w.Select(v => Math.Round(v / s, 2)).ToArray();
            p[3] = Math.Round(1 - p[0] - p[1] - p[2], 2);
            return p;
        }
        double[] pd, pm;
        do { pd = Draw(); pm = Draw(); }
        while (pd.Any(v => v <= 0) || pm.Any(v => v <= 0) || pd.Zip(pm).Sum(t => Math.Abs(t.First - t.Second)) < 0.2);
        pd.CopyTo(data, 0);
        pm.CopyTo(model, 0);
    }

    protected override int[] AnswerShape => [];

    protected override Prose Pose() => new Prose()
        .Text("A GAN's data and generator distributions live on four outcomes:")
        .Vector("p_d =", data)
        .Vector("p_m =", model)
        .Text("The discriminator is optimal for this generator. Compute V(G, D*) = Σ_x p_d(x) log D*(x) + p_m(x) log(1 − D*(x)) in nats (natural logarithm, at least 5 significant digits).");

    double Value(Func<double, double> log)
    {
        double v = 0;
        for (int i = 0; i < 4; i++)
        {
            double d = data[i] / (data[i] + model[i]);
            v += data[i] * log(d) + model[i] * log(1 - d);
        }
        return v;
    }

    // the reference finds D*(x) by bisection on the derivative of the pointwise objective, then sums
    internal override double[] Reference()
    {
        double v = 0;
        for (int i = 0; i < 4; i++)
        {
            double lo = 1e-15, hi = 1 - 1e-15;
            for (int k = 0; k < 200; k++)
            {
                double mid = 0.5 * (lo + hi);
                if (data[i] / mid - model[i] / (1 - mid) > 0) lo = mid; else hi = mid;
            }
            double d = 0.5 * (lo + hi);
            v += data[i] * Math.Log(d) + model[i] * Math.Log(1 - d);
        }
        return [v];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("used D = ½ everywhere", "D = ½ is optimal only when p_m = p_d (giving −log 4); here D*(x) = p_d(x)/(p_d(x) + p_m(x)).", [-Math.Log(4)]);
        yield return Wrong("used log base 2", "Give the value in nats, with the natural logarithm.", [Value(Math.Log2)]);
        double js = 0;
        for (int i = 0; i < 4; i++)
        {
            double m = 0.5 * (data[i] + model[i]);
            js += 0.5 * data[i] * Math.Log(data[i] / m) + 0.5 * model[i] * Math.Log(model[i] / m);
        }
        yield return Wrong("gave the Jensen–Shannon divergence", "V(G, D*) = −log 4 + 2 JS(p_d ‖ p_m): JS alone is not the value.", [js]);
        yield return Wrong("forgot the factor 2 in front of JS", "Each of the two log terms contributes JS − log 2: V(G, D*) = −log 4 + 2 JS.", [-Math.Log(4) + js]);
        double swapped = 0;
        for (int i = 0; i < 4; i++)
        {
            double d = model[i] / (data[i] + model[i]);
            swapped += data[i] * Math.Log(d) + model[i] * Math.Log(1 - d);
        }
        yield return Wrong("swapped D* and 1 − D*", "D* is the probability of 'real': D* = p_d/(p_d + p_m), and it multiplies p_d's log.", [swapped]);
    }

    protected override Prose Solve()
    {
        var prose = new Prose().Text("D*(x) = p_d(x)/(p_d(x) + p_m(x)) at each outcome; then sum p_d log D* + p_m log(1 − D*):");
        for (int i = 0; i < 4; i++)
        {
            double d = data[i] / (data[i] + model[i]);
            prose.Text($"x{i + 1}: D* = {Prose.Number(d)}, term = {Prose.Number(data[i])}·ln {Prose.Number(d)} + {Prose.Number(model[i])}·ln {Prose.Number(1 - d)} = {Prose.Number(data[i] * Math.Log(d) + model[i] * Math.Log(1 - d))}");
        }
        return prose.Text($"V(G, D*) = **{Prose.Number(Value(Math.Log))}** (≥ −log 4 = {Prose.Number(-Math.Log(4))}, with equality only if p_m = p_d; the excess is 2 JS(p_d ‖ p_m)).");
    }
}
