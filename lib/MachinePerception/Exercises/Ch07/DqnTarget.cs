using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch07;

/// <summary>
/// §7.5: the deep Q-learning target and TD error for one stored transition (s, a, r, s′). The target uses the target
/// network θ⁻ and the best action in s′: y = r + γ max_a′ Q_θ⁻(s′, a′), or y = r when s′ ended the task; the TD error
/// is δ = y − Q_θ(s, a), and the loss (y − Q_θ(s, a))² has gradient −2δ with respect to Q_θ(s, a) only.
/// </summary>
[Exercise(7, "dqn-target", "The DQN target and TD error of one transition")]
public sealed class DqnTarget : NumericExercise
{
    const int Actions = 3;
    readonly double[] qS = new double[Actions], qNextOnline = new double[Actions], qNextTarget = new double[Actions];
    readonly int action;
    readonly double reward, gamma;
    readonly bool terminal;

    public DqnTarget(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        double Value() => rng.NextInt(2, 21) * 0.5; // 1, 1.5, …, 10
        for (int i = 0; i < Actions; i++)
        {
            qS[i] = Value();
            qNextOnline[i] = Value();
            qNextTarget[i] = Value();
        }
        action = rng.NextInt(Actions);
        reward = rng.NextInt(-2, 4);
        gamma = new[] { 0.9, 0.8, 0.5 }[rng.NextInt(3)];
        // one seed in four ends the episode (seeds 0, 4, 8, …); the others bootstrap, and there the online and the target
        // network must disagree on the best value in s′, so that using the wrong one shows in the answer
        terminal = seed % 4 == 0;
        while (!terminal && qNextTarget.Max() == qNextOnline.Max())
            for (int i = 0; i < Actions; i++) qNextTarget[i] = Value();
    }

    protected override int[] AnswerShape => [2];

    protected override Prose Pose() => new Prose()
        .Text($"A DQN agent with {Actions} actions (0, 1, 2) samples the transition (s, a = {action}, r = {Prose.Number(reward)}, s′) from its replay buffer; " +
              (terminal ? "s′ is a terminal state (the pole fell)." : "s′ is not terminal.") +
              $" The discount is γ = {Prose.Number(gamma)}. The online network θ and the target network θ⁻ give")
        .Vector("Q_θ(s, ·) =", qS)
        .Vector("Q_θ(s′, ·) =", qNextOnline)
        .Vector("Q_θ⁻(s′, ·) =", qNextTarget)
        .Text("Give the regression target y and the TD error δ = y − Q_θ(s, a) (two numbers, y first).");

    double[] Answer(double y) => [y, y - qS[action]];

    double Bootstrap(double[] q) => terminal ? 0 : gamma * q.Max();

    internal override double[] Reference() => Answer(reward + Bootstrap(qNextTarget));

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("bootstrapped from the online network", "The target uses the slowly updated target network θ⁻ (that is what keeps the regression target still while θ moves): max over Q_θ⁻(s′, ·).", Answer(reward + Bootstrap(qNextOnline)));
        yield return Wrong("bootstrapped past the end of the episode", "After a terminal state no reward follows, so V(s′) = 0 and y = r.", Answer(reward + gamma * qNextTarget.Max()));
        yield return Wrong("forgot γ", "The future value is discounted: y = r + γ max_a′ Q_θ⁻(s′, a′).", Answer(reward + (terminal ? 0 : qNextTarget.Max())));
        yield return Wrong("used the taken action in s′ instead of the best one", "Q-learning is off-policy: the target takes the maximum over a′ in s′, not the value of action a (that would be a SARSA-like target with A′ = a).", Answer(reward + (terminal ? 0 : gamma * qNextTarget[action])));
        yield return Wrong("took the maximum over the current state's values", "The bootstrap looks one step ahead: the maximum is over Q(s′, ·), the values of the next state.", Answer(reward + (terminal ? 0 : gamma * qS.Max())));
        yield return Wrong("flipped the sign of the TD error", "δ = y − Q_θ(s, a): positive when the outcome was better than predicted.", [Reference()[0], qS[action] - Reference()[0]]);
    }

    protected override Prose Solve()
    {
        var r = Reference();
        var p = new Prose();
        p = terminal
            ? p.Text($"s′ is terminal, so nothing is bootstrapped: y = r = {Prose.Number(r[0])}.")
            : p.Text($"Bootstrap from the target network's best value in s′: max Q_θ⁻(s′, ·) = {Prose.Number(qNextTarget.Max())}, so " +
                     $"y = {Prose.Number(reward)} + {Prose.Number(gamma)} × {Prose.Number(qNextTarget.Max())} = {Prose.Number(r[0])}.");
        return p.Text($"The prediction for the taken action is Q_θ(s, {action}) = {Prose.Number(qS[action])}, so δ = y − Q_θ(s, a) = {Prose.Number(r[1])}. " +
                      $"The loss (y − Q_θ(s, a))² then moves only Q_θ(s, {action}), with gradient −2δ = {Prose.Number(-2 * r[1])}.");
    }
}
