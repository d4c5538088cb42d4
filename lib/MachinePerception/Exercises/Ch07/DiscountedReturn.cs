using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch07;

/// <summary>§7: the discounted return G_t = Σ_k γ^k R_{t+k+1} of an episode's rewards, for t = 0 and t = 1 (G_0 = R_1 + γ G_1).</summary>
[Exercise(7, "discounted-return", "The discounted return of a reward sequence")]
public sealed class DiscountedReturn : NumericExercise
{
    readonly double[] rewards;
    readonly double gamma;

    public DiscountedReturn(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        rewards = new double[rng.NextInt(4, 7)];
        do
            for (int i = 0; i < rewards.Length; i++) rewards[i] = rng.NextInt(-3, 6);
        while (rewards[0] == 0 || rewards.Skip(1).All(r => r == 0));
        gamma = new[] { 0.5, 0.8, 0.9 }[rng.NextInt(3)];
    }

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text($"An episode ends after {rewards.Length} steps with the rewards R₁, R₂, …, R{Notation.Sub(rewards.Length)} (in the order received):")
        .Vector("R =", rewards)
        .Text($"With discount γ = {Prose.Number(gamma)}, give the returns G₀ and G₁, where G_t = Σ_k γ^k R_(t+k+1) (two numbers, G₀ first).");

    // Σ_k w(k, n) R_{t+k+1} over the n rewards after t, for a weight function w.
    double Sum(int t, Func<int, int, double> weight)
    {
        int n = rewards.Length - t;
        double g = 0;
        for (int k = 0; k < n; k++) g += weight(k, n) * rewards[t + k];
        return g;
    }

    double[] Both(Func<int, int, double> weight) => [Sum(0, weight), Sum(1, weight)];

    internal override double[] Reference() => Both((k, _) => Math.Pow(gamma, k));

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("forgot γ", "Each later reward is discounted once more: G_t = R_(t+1) + γ R_(t+2) + γ² R_(t+3) + ….", Both((_, _) => 1));
        yield return Wrong("discounted the first reward too", "The first reward counts fully: its weight is γ⁰ = 1.", Both((k, _) => Math.Pow(gamma, k + 1)));
        yield return Wrong("discounted from the end of the episode", "The discount grows with the delay from t: the reward right after t gets weight 1, the last one the smallest.",
            Both((k, n) => Math.Pow(gamma, n - 1 - k)));
        var g = Reference();
        yield return Wrong("took G₁ = G₀ − R₁", "From G₀ = R₁ + γ G₁ follows G₁ = (G₀ − R₁)/γ: the rest of the return was discounted once.",
            [g[0], g[0] - rewards[0]]);
    }

    protected override Prose Solve()
    {
        var g = new double[rewards.Length + 1];
        for (int t = rewards.Length - 1; t >= 0; t--) g[t] = rewards[t] + gamma * g[t + 1];
        var steps = Enumerable.Range(0, rewards.Length).Reverse()
            .Select(t => $"G{Notation.Sub(t)} = {Prose.Number(rewards[t])} + {Prose.Number(gamma)}·{Notation.Factor(g[t + 1])} = {Prose.Number(g[t])}");
        return new Prose()
            .Text("Work backwards with G_t = R_(t+1) + γ G_(t+1), starting from the return after the last step, which is 0:")
            .Text(string.Join("; ", steps) + ".")
            .Text($"So G₀ = **{Prose.Number(g[0])}** and G₁ = **{Prose.Number(g[1])}**.");
    }
}
