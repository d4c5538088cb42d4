using MachinePerception.Basics;
using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch10;

/// <summary>
/// §10: backpropagation through a 2-layer network with a sigmoid hidden layer, h = σ(W₁x + b₁), ŷ = w₂·h + b₂,
/// L = ½(ŷ − y)²; the question asks for ∂L/∂W₁ = δ⁽¹⁾ xᵀ with δ⁽¹⁾ = (ŷ − y) w₂ ⊙ σ′(a), σ′ = σ(1 − σ) (§10.1).
/// </summary>
[Exercise(10, "mlp-backprop", "Backprop through a 2-layer network: ∂L/∂W₁")]
public sealed class TwoLayerBackprop : NumericExercise
{
    readonly double[] x, b1, w2;
    readonly double[,] w1;
    readonly double b2, y;

    public TwoLayerBackprop(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        double Tenth(double range) => Math.Round((rng.NextDouble() * 2 - 1) * range, 1);
        x = [Tenth(2), Tenth(2)];
        w1 = new double[2, 2];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) w1[i, j] = Tenth(1.5);
        b1 = [Tenth(1), Tenth(1)];
        w2 = [Tenth(2), Tenth(2)];
        b2 = Tenth(1);
        y = Tenth(2);
    }

    protected override int[] AnswerShape => [2, 2];

    protected override Prose Pose() => new Prose()
        .Text("A network with one hidden layer of two sigmoid units: a = W₁x + b₁, h = σ(a), ŷ = w₂·h + b₂, and the loss L = ½(ŷ − y)².")
        .Vector("x =", x)
        .Matrix("W₁ =", w1)
        .Vector("b₁ =", b1)
        .Vector("w₂ =", w2)
        .Text($"b₂ = {Prose.Number(b2)}, target y = {Prose.Number(y)}.")
        .Text("Compute ∂L/∂W₁ (2×2, entry (i, j) is ∂L/∂W₁(i, j)), at least 5 significant digits.");

    static double Sigmoid(double v) => ActivationTable.Sigmoid.F(v);

    // ∂L/∂W₁(i, j) = error · w₂ᵢ · slope(i) · xⱼ, where the variants change the forward pass or the local slope
    double[] Gradient(bool withBias = true, Func<double, double>? slope = null, double errorScale = 1, bool transposed = false)
    {
        var h = new double[2];
        var a = new double[2];
        for (int i = 0; i < 2; i++)
        {
            a[i] = w1[i, 0] * x[0] + w1[i, 1] * x[1] + (withBias ? b1[i] : 0);
            h[i] = Sigmoid(a[i]);
        }
        double yHat = w2[0] * h[0] + w2[1] * h[1] + b2;
        double error = errorScale * (yHat - y);
        var g = new double[4];
        for (int i = 0; i < 2; i++)
        {
            double local = slope is null ? h[i] * (1 - h[i]) : slope(h[i]);
            for (int j = 0; j < 2; j++)
            {
                double v = error * w2[i] * local * x[j];
                if (transposed) g[j * 2 + i] = v; else g[i * 2 + j] = v;
            }
        }
        return g;
    }

    internal override double[] Reference() => Gradient();

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("forgot the derivative of the sigmoid", "The chain rule passes through h = σ(a): multiply by σ′(a) = σ(a)(1 − σ(a)) (§10.1).",
            Gradient(slope: _ => 1));
        yield return Wrong("used σ(a) instead of σ′(a)", "The local slope of the sigmoid is σ′(a) = σ(a)(1 − σ(a)), not σ(a).",
            Gradient(slope: h => h));
        yield return Wrong("forgot the bias b₁", "The hidden pre-activation is a = W₁x + b₁: without b₁ the slope σ′(a) and ŷ are evaluated at the wrong point.",
            Gradient(withBias: false));
        yield return Wrong("differentiated (ŷ − y)² without the ½", "L = ½(ŷ − y)², so ∂L/∂ŷ = ŷ − y (the ½ cancels the 2).",
            Gradient(errorScale: 2));
        yield return Wrong("used y − ŷ instead of ŷ − y", "∂L/∂ŷ = ŷ − y: the sign of the whole gradient flips otherwise.",
            Gradient(errorScale: -1));
        yield return Wrong("outer product the wrong way round", "∂L/∂W₁ = δ⁽¹⁾ xᵀ: row i belongs to hidden unit i, column j to input j.",
            Gradient(transposed: true));
    }

    protected override Prose Solve()
    {
        var a = new double[2];
        var h = new double[2];
        for (int i = 0; i < 2; i++)
        {
            a[i] = w1[i, 0] * x[0] + w1[i, 1] * x[1] + b1[i];
            h[i] = Sigmoid(a[i]);
        }
        double yHat = w2[0] * h[0] + w2[1] * h[1] + b2;
        var delta = Enumerable.Range(0, 2).Select(i => (yHat - y) * w2[i] * h[i] * (1 - h[i])).ToArray();
        var g = Reference();
        return new Prose()
            .Text("1. Forward: a = W₁x + b₁, h = σ(a), ŷ = w₂·h + b₂.")
            .Vector("a =", a).Vector("h =", h)
            .Text($"ŷ = {Prose.Number(yHat)}, so ∂L/∂ŷ = ŷ − y = {Prose.Number(yHat - y)}.")
            .Text("2. Backward into the hidden layer (§10, δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ ∂z⁽ˡ⁺¹⁾/∂z⁽ˡ⁾): δ⁽¹⁾ᵢ = (ŷ − y)·w₂ᵢ·σ(aᵢ)(1 − σ(aᵢ)).")
            .Vector("δ⁽¹⁾ =", delta)
            .Text("3. Weights: ∂L/∂W₁(i, j) = δ⁽¹⁾ᵢ·xⱼ (the outer product δ⁽¹⁾ xᵀ).")
            .Matrix("∂L/∂W₁ =", new[,] { { g[0], g[1] }, { g[2], g[3] } });
    }
}
