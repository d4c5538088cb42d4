using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch12;

/// <summary>
/// §12.1: one LSTM state update from given gate activations: c_t = f ⊙ c_{t−1} + i ⊙ g and h_t = o ⊙ tanh(c_t).
/// </summary>
[Exercise(12, "lstm-update", "One LSTM cell update")]
public sealed class LstmUpdate : NumericExercise
{
    readonly double[] i = new double[2], f = new double[2], o = new double[2], g = new double[2], c = new double[2];

    public LstmUpdate(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        for (int k = 0; k < 2; k++)
        {
            i[k] = rng.NextInt(1, 10) * 0.1;
            f[k] = rng.NextInt(1, 10) * 0.1;
            o[k] = rng.NextInt(1, 10) * 0.1;
            g[k] = (rng.NextInt(19) - 9) * 0.1;
            c[k] = (rng.NextInt(41) - 20) * 0.1;
        }
        if (i[0] == f[0] && i[1] == f[1]) f[0] = f[0] > 0.5 ? 0.2 : 0.8; // swapping the gates must make a difference
    }

    protected override int[] AnswerShape => [4];

    protected override Prose Pose() => new Prose()
        .Text("An LSTM cell (§12.1) with two units has computed its gates for this step: the input gate i (which values to write), the " +
              "forget gate f (which to keep), the output gate o (which to read) and the candidate values g:")
        .Vector("i =", i).Vector("f =", f).Vector("o =", o).Vector("g =", g)
        .Vector("c_{t−1} =", c)
        .Text("Give the new cell state c_t and hidden state h_t: four numbers, c_t first (at least 5 significant digits).");

    double[] Update(Func<int, double> cell, Func<int, double, double> hidden)
    {
        double c0 = cell(0), c1 = cell(1);
        return [c0, c1, hidden(0, c0), hidden(1, c1)];
    }

    internal override double[] Reference() => Update(k => f[k] * c[k] + i[k] * g[k], (k, ck) => o[k] * Math.Tanh(ck));

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("swapped the input and forget gates", "The forget gate multiplies the old state, the input gate the candidate: c_t = f ⊙ c_{t−1} + i ⊙ g.",
            Update(k => i[k] * c[k] + f[k] * g[k], (k, ck) => o[k] * Math.Tanh(ck)));
        yield return Wrong("read the state without tanh", "The output is h_t = o ⊙ tanh(c_t): the state is squashed before the output gate reads it.",
            Update(k => f[k] * c[k] + i[k] * g[k], (k, ck) => o[k] * ck));
        yield return Wrong("wrote the candidate without the input gate", "The input gate decides how much of g is written: c_t = f ⊙ c_{t−1} + i ⊙ g.",
            Update(k => f[k] * c[k] + g[k], (k, ck) => o[k] * Math.Tanh(ck)));
        yield return Wrong("applied tanh after the output gate", "h_t = o ⊙ tanh(c_t), not tanh(o ⊙ c_t).",
            Update(k => f[k] * c[k] + i[k] * g[k], (k, ck) => Math.Tanh(o[k] * ck)));
    }

    protected override Prose Solve()
    {
        var r = Reference();
        return new Prose()
            .Text("1. Cell state: forget part of the old state and write the gated candidate, c_t = f ⊙ c_{t−1} + i ⊙ g:")
            .Vector("c_t =", [r[0], r[1]])
            .Text("2. Hidden state: read the squashed state through the output gate, h_t = o ⊙ tanh(c_t):")
            .Vector("h_t =", [r[2], r[3]]);
    }
}
