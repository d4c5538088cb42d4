using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch07;

/// <summary>
/// §7.4: one SARSA update and one Q-learning update from the same transition (S, A, R, S′) and the action A′ that
/// the ε-greedy behaviour policy picked next (an exploring, non-greedy one): SARSA bootstraps on Q(S′, A′),
/// Q-learning on max_a Q(S′, a).
/// </summary>
[Exercise(7, "sarsa-q-update", "A SARSA and a Q-learning update by hand")]
public sealed class SarsaAndQLearningUpdate : NumericExercise
{
    readonly double[,] q = new double[2, 3]; // rows: S, S′; columns: actions a₁ … a₃
    readonly int action, nextAction;
    readonly double reward, alpha, gamma;

    public SarsaAndQLearningUpdate(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        do
        {
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) q[i, j] = rng.NextInt(-5, 6);
        }
        while (!UniqueMaximum() || q[0, 0] == 0 || q[0, 1] == 0 || q[0, 2] == 0);
        action = rng.NextInt(3);
        do nextAction = rng.NextInt(3); while (nextAction == Greedy()); // the behaviour policy explored
        reward = rng.NextInt(-3, 4);
        alpha = new[] { 0.1, 0.2, 0.5 }[rng.NextInt(3)];
        gamma = new[] { 0.5, 0.8, 0.9 }[rng.NextInt(3)];
    }

    int Greedy() => Enumerable.Range(0, 3).MaxBy(a => q[1, a]);

    bool UniqueMaximum() => Enumerable.Range(0, 3).Count(a => q[1, a] == Enumerable.Range(0, 3).Max(b => q[1, b])) == 1;

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text("A Q-table with three actions a₁, a₂, a₃; the first row is state S, the second state S′:")
        .Matrix("Q =", q)
        .Text($"The agent took a{Notation.Sub(action + 1)} in S, received R = {Prose.Number(reward)} and landed in S′. Its ε-greedy behaviour policy " +
              $"then chose to explore: the next action is A′ = a{Notation.Sub(nextAction + 1)}. The step size is α = {Prose.Number(alpha)}, the discount γ = {Prose.Number(gamma)}.")
        .Text($"Give the new value Q(S, a{Notation.Sub(action + 1)}) (1) after a SARSA update and (2) after a Q-learning update, each starting from the table above.");

    // Q(S, A) + α [R + γ·bootstrap − Q(S, A)], with variations for the mistakes
    double Update(double bootstrap, double a, double g, bool subtract = true) =>
        q[0, action] + a * (reward + g * bootstrap - (subtract ? q[0, action] : 0));

    double Sarsa => q[1, nextAction];
    double Max => q[1, Greedy()];

    internal override double[] Reference() => [Update(Sarsa, alpha, gamma), Update(Max, alpha, gamma)];

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("used the behaviour action A′ in Q-learning",
            "Q-learning is off-policy: its target uses max_a Q(S′, a) whatever action the behaviour policy picks next.",
            [Update(Sarsa, alpha, gamma), Update(Sarsa, alpha, gamma)]);
        yield return Wrong("took the maximum in SARSA",
            "SARSA is on-policy: its target uses Q(S′, A′) for the action A′ that will actually be taken, exploration included.",
            [Update(Max, alpha, gamma), Update(Max, alpha, gamma)]);
        yield return Wrong("swapped the two rules", "SARSA bootstraps on Q(S′, A′), Q-learning on max_a Q(S′, a).",
            [Update(Max, alpha, gamma), Update(Sarsa, alpha, gamma)]);
        yield return Wrong("forgot the step size α", "Q(S, A) moves only a fraction α of the error: Q(S, A) += α ΔQ(S, A).",
            [Update(Sarsa, 1, gamma), Update(Max, 1, gamma)]);
        yield return Wrong("forgot γ", "The bootstrapped value is discounted: R + γ Q(S′, ·).",
            [Update(Sarsa, alpha, 1), Update(Max, alpha, 1)]);
        yield return Wrong("left −Q(S, A) out of the error", "ΔQ(S, A) = target − Q(S, A): the error, not the target, is scaled by α.",
            [Update(Sarsa, alpha, gamma, subtract: false), Update(Max, alpha, gamma, subtract: false)]);
    }

    protected override Prose Solve()
    {
        var r = Reference();
        string old = Prose.Number(q[0, action]);
        double sarsaTarget = reward + gamma * Sarsa, maxTarget = reward + gamma * Max;
        return new Prose()
            .Text($"SARSA: target R + γ Q(S′, A′) = {Prose.Number(reward)} + {Prose.Number(gamma)}·{Notation.Factor(Sarsa)} = {Prose.Number(sarsaTarget)}; " +
                  $"ΔQ = {Prose.Number(sarsaTarget)} − {Notation.Factor(q[0, action])} = {Prose.Number(sarsaTarget - q[0, action])}; " +
                  $"Q(S, A) = {old} + {Prose.Number(alpha)}·{Notation.Factor(sarsaTarget - q[0, action])} = **{Prose.Number(r[0])}**.")
            .Text($"Q-learning: target R + γ max_a Q(S′, a) = {Prose.Number(reward)} + {Prose.Number(gamma)}·{Notation.Factor(Max)} = {Prose.Number(maxTarget)}; " +
                  $"ΔQ = {Prose.Number(maxTarget)} − {Notation.Factor(q[0, action])} = {Prose.Number(maxTarget - q[0, action])}; " +
                  $"Q(S, A) = {old} + {Prose.Number(alpha)}·{Notation.Factor(maxTarget - q[0, action])} = **{Prose.Number(r[1])}**.")
            .Text("They differ because A′ explored: SARSA learns the value of the policy it follows, Q-learning that of the greedy policy.");
    }
}
