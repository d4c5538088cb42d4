using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch07;

/// <summary>§7.3: one TD(0) update V(s) ← V(s) + α [r + γ V(s′) − V(s)] from one observed step s → s′.</summary>
[Exercise(7, "td-update", "One TD(0) update")]
public sealed class TdUpdate : NumericExercise
{
    readonly double[] v = new double[4];
    readonly int from, to;
    readonly double reward, alpha, gamma;

    public TdUpdate(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        for (int i = 0; i < 4; i++) v[i] = rng.NextInt(-8, 9) * 0.5;
        from = rng.NextInt(4);
        do to = rng.NextInt(4); while (to == from || v[to] == v[from] || v[to] == 0);
        reward = rng.NextInt(-3, 4);
        alpha = new[] { 0.1, 0.2, 0.5 }[rng.NextInt(3)];
        gamma = new[] { 0.5, 0.8, 0.9 }[rng.NextInt(3)];
    }

    protected override int[] AnswerShape => [];

    protected override Prose Pose() => new Prose()
        .Text("The current estimates of four states s₁ … s₄ are")
        .Vector("V =", v)
        .Text($"The agent moves from s{Notation.Sub(from + 1)} to s{Notation.Sub(to + 1)} and receives r = {Prose.Number(reward)}. " +
              $"With step size α = {Prose.Number(alpha)} and discount γ = {Prose.Number(gamma)}, give V(s{Notation.Sub(from + 1)}) after one TD(0) update.");

    double Delta(double g, double target) => reward + g * target - v[from];

    internal override double[] Reference() => [v[from] + alpha * Delta(gamma, v[to])];

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("added the whole TD error (no step size)",
            "ΔV = r + γV(s′) − V(s) is the TD error; the update moves only a fraction α of it: V(s) += α ΔV.",
            [v[from] + Delta(gamma, v[to])]);
        yield return Wrong("forgot γ", "The next state's value is discounted: r + γ V(s′).", [v[from] + alpha * Delta(1, v[to])]);
        yield return Wrong("gave the change α·ΔV, not the new value", "The question asks for V(s) after the update: V(s) + α ΔV.",
            [alpha * Delta(gamma, v[to])]);
        yield return Wrong("bootstrapped on V(s) instead of V(s′)", "The target looks one step ahead: r + γ V(s′), with s′ the state reached.",
            [v[from] + alpha * Delta(gamma, v[from])]);
    }

    protected override Prose Solve()
    {
        double target = reward + gamma * v[to], delta = target - v[from];
        return new Prose()
            .Text($"Target r + γ V(s′) = {Prose.Number(reward)} + {Prose.Number(gamma)}·{Notation.Factor(v[to])} = {Prose.Number(target)}.")
            .Text($"TD error δ = target − V(s) = {Prose.Number(target)} − {Notation.Factor(v[from])} = {Prose.Number(delta)}.")
            .Text($"V(s) ← V(s) + α δ = {Prose.Number(v[from])} + {Prose.Number(alpha)}·{Notation.Factor(delta)} = **{Prose.Number(v[from] + alpha * delta)}**.");
    }
}
