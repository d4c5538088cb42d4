using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch12;

/// <summary>
/// §12: one step of a vanilla RNN, h_t = tanh(W_hh h_{t−1} + W_xh x_t), and the gradient of L = cᵀh_t with respect
/// to h_{t−1}: ∂L/∂h_{t−1} = W_hhᵀ (c ⊙ (1 − h_t²)) — the derivative of tanh is taken at the pre-activation, which
/// is where the summary's f′(h_{t−1}) slips.
/// </summary>
[Exercise(12, "rnn-step", "One RNN step and its gradient")]
public sealed class RnnStep : NumericExercise
{
    readonly double[,] whh = new double[2, 2];
    readonly double[] wxh = new double[2], hPrev = new double[2], c = new double[2];
    readonly double x;

    public RnnStep(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        double Pick() => (rng.NextInt(9) - 4) * 0.25; // −1, −0.75, …, 1
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++) whh[i, j] = Pick();
            wxh[i] = Pick();
            hPrev[i] = Pick();
            c[i] = rng.NextInt(2) == 0 ? rng.NextInt(1, 4) : -rng.NextInt(1, 4);
        }
        x = rng.NextInt(1, 4) * (rng.NextInt(2) == 0 ? 1 : -1);
    }

    protected override int[] AnswerShape => [4];

    protected override Prose Pose() => new Prose()
        .Text("A vanilla RNN (§12) with two hidden units computes h_t = tanh(W_hh h_{t−1} + W_xh x_t) (no bias). Take")
        .Matrix("W_hh =", whh)
        .Vector("W_xh =", wxh)
        .Vector("h_{t−1} =", hPrev)
        .Text($"and the input x_t = {Prose.Number(x)}. Let L = cᵀh_t with")
        .Vector("c =", c)
        .Text("Give h_t and the gradient ∂L/∂h_{t−1}: four numbers, h_t first (at least 5 significant digits).");

    enum Variant { Correct, DerivativeAtPreviousState, NoTranspose, NoDerivative, OneMinusPreactivationSquared }

    double[] Compute(Variant v)
    {
        var a = new double[2];
        var h = new double[2];
        for (int i = 0; i < 2; i++)
        {
            a[i] = whh[i, 0] * hPrev[0] + whh[i, 1] * hPrev[1] + wxh[i] * x;
            h[i] = Math.Tanh(a[i]);
        }
        var d = new double[2]; // c ⊙ f′
        for (int i = 0; i < 2; i++)
            d[i] = c[i] * v switch
            {
                Variant.DerivativeAtPreviousState => 1 - Math.Tanh(hPrev[i]) * Math.Tanh(hPrev[i]),
                Variant.NoDerivative => 1,
                Variant.OneMinusPreactivationSquared => 1 - a[i] * a[i],
                _ => 1 - h[i] * h[i],
            };
        var g = new double[2];
        for (int j = 0; j < 2; j++)
            g[j] = v == Variant.NoTranspose ? whh[j, 0] * d[0] + whh[j, 1] * d[1] : whh[0, j] * d[0] + whh[1, j] * d[1];
        return [h[0], h[1], g[0], g[1]];
    }

    internal override double[] Reference() => Compute(Variant.Correct);

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("took f′ at h_{t−1}", "h_t = tanh(a_t) with a_t = W_hh h_{t−1} + W_xh x_t, so the chain rule needs tanh′(a_t) = 1 − h_t², not tanh′(h_{t−1}) (the summary's formula slips here).", Compute(Variant.DerivativeAtPreviousState));
        yield return Wrong("forgot to transpose W_hh", "∂a_t/∂h_{t−1} = W_hh, so the gradient with respect to h_{t−1} is W_hhᵀ times the gradient with respect to a_t.", Compute(Variant.NoTranspose));
        yield return Wrong("left out tanh′", "Between L and W_hh h_{t−1} lies the tanh: multiply c entrywise by 1 − h_t² first.", Compute(Variant.NoDerivative));
        yield return Wrong("used 1 − a² instead of 1 − tanh²(a)", "tanh′(a) = 1 − tanh²(a) = 1 − h_t², with h_t the output, not the pre-activation a_t.", Compute(Variant.OneMinusPreactivationSquared));
    }

    protected override Prose Solve()
    {
        var r = Reference();
        return new Prose()
            .Text("1. Pre-activation a_t = W_hh h_{t−1} + W_xh x_t, then h_t = tanh(a_t):")
            .Vector("h_t =", [r[0], r[1]])
            .Text("2. ∂L/∂a_t = c ⊙ tanh′(a_t) = c ⊙ (1 − h_t²).")
            .Text("3. ∂L/∂h_{t−1} = W_hhᵀ ∂L/∂a_t:")
            .Vector("∂L/∂h_{t−1} =", [r[2], r[3]]);
    }
}
