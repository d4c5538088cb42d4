using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch13;

/// <summary>
/// §13 "Bellman operator converges" (and §7.1): one application of the Bellman optimality operator
/// (T*V)(s) = max_a [r(s, a) + γ Σ_{s′} p(s′ | s, a) V(s′)] to a given V on a 3-state, 2-action MDP.
/// </summary>
[Exercise(13, "bellman-backup", "One Bellman optimality backup")]
public sealed class BellmanBackup : NumericExercise
{
    const int S = 3, A = 2;
    static readonly double[] Gammas = [0.5, 0.8, 0.9];
    readonly double[,,] p = new double[S, A, S];
    readonly double[,] r = new double[S, A];
    readonly double[] v = new double[S];
    readonly double gamma;

    public BellmanBackup(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        for (int s = 0; s < S; s++)
            for (int a = 0; a < A; a++)
            {
                // probabilities in tenths: split 10 tenths at two random cut points
                int c1 = rng.NextInt(11), c2 = rng.NextInt(11);
                var (lo, hi) = (Math.Min(c1, c2), Math.Max(c1, c2));
                p[s, a, 0] = lo / 10.0;
                p[s, a, 1] = (hi - lo) / 10.0;
                p[s, a, 2] = (10 - hi) / 10.0;
                r[s, a] = rng.NextInt(5) - 2;
            }
        for (int s = 0; s < S; s++) v[s] = rng.NextInt(9) - 4;
        gamma = Gammas[rng.NextInt(Gammas.Length)];
    }

    internal (double[,,] P, double[,] R, double[] V, double Gamma) Model => ((double[,,])p.Clone(), (double[,])r.Clone(), (double[])v.Clone(), gamma);

    protected override int[] AnswerShape => [S];

    double[,] TransitionsOf(int a)
    {
        var m = new double[S, S];
        for (int s = 0; s < S; s++)
            for (int k = 0; k < S; k++) m[s, k] = p[s, a, k];
        return m;
    }

    protected override Prose Pose() => new Prose()
        .Text($"A finite MDP has states s = 1, 2, 3, actions a = 1, 2 and discount γ = {Prose.Number(gamma)}. Row s of P_a holds p(s′ | s, a) for s′ = 1, 2, 3:")
        .Matrix("P₁ =", TransitionsOf(0))
        .Matrix("P₂ =", TransitionsOf(1))
        .Matrix("r(s, a) (row s, column a) =", r)
        .Vector("V =", v)
        .Text("Apply the Bellman optimality operator once: give (T*V)(s) for s = 1, 2, 3 (three numbers).");

    // r(s, a) + γ' Σ p(s′|s, a) V(s′), and a rule that combines the actions' values
    double[] Backup(Func<double[], double> overActions, double discount = double.NaN, bool maxOverNext = false, bool discountReward = false)
    {
        double g = double.IsNaN(discount) ? gamma : discount;
        var result = new double[S];
        for (int s = 0; s < S; s++)
        {
            var q = new double[A];
            for (int a = 0; a < A; a++)
            {
                double next = 0;
                if (maxOverNext) next = Enumerable.Range(0, S).Where(k => p[s, a, k] > 0).Max(k => v[k]);
                else for (int k = 0; k < S; k++) next += p[s, a, k] * v[k];
                q[a] = discountReward ? g * (r[s, a] + next) : r[s, a] + g * next;
            }
            result[s] = overActions(q);
        }
        return result;
    }

    internal override double[] Reference() => Backup(q => q.Max());

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("averaged over the actions", "That is the Bellman expectation backup of the uniform random policy; the optimality operator takes the maximum over a.", Backup(q => q.Average()));
        yield return Wrong("forgot the discount γ", "The next state's value is discounted: r(s, a) + γ Σ p(s′|s, a) V(s′).", Backup(q => q.Max(), discount: 1));
        yield return Wrong("took the best next state instead of the expectation", "The environment, not the agent, picks s′: average V(s′) with the weights p(s′|s, a).", Backup(q => q.Max(), maxOverNext: true));
        yield return Wrong("discounted the immediate reward too", "r(s, a) is received now and is not discounted; only V(s′) is multiplied by γ.", Backup(q => q.Max(), discountReward: true));
        yield return Wrong("took the minimum over the actions", "T* maximises over actions (the best action's value).", Backup(q => q.Min()));
    }

    protected override Prose Solve()
    {
        var prose = new Prose().Text("For each state compute q(s, a) = r(s, a) + γ Σ_{s′} p(s′|s, a) V(s′), then take the larger of the two:");
        var answer = Reference();
        for (int s = 0; s < S; s++)
        {
            var q = Enumerable.Range(0, A).Select(a => r[s, a] + gamma * Enumerable.Range(0, S).Sum(k => p[s, a, k] * v[k])).ToArray();
            prose.Text($"s = {s + 1}: q(s, 1) = {Prose.Number(q[0])}, q(s, 2) = {Prose.Number(q[1])} → (T*V)({s + 1}) = **{Prose.Number(answer[s])}**");
        }
        return prose;
    }
}
