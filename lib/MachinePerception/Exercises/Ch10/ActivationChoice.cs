using MachinePerception.Basics;
using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch10;

/// <summary>
/// §10.1: which activation (sigmoid, tanh, ReLU, or the identity as a distractor) has a given range, derivative,
/// or value f(x₀); the property and the option order are drawn from the seed.
/// </summary>
[Exercise(10, "activation-choice", "Which activation function?")]
public sealed class ActivationChoice : ChoiceExercise
{
    static readonly string[] Names = ["sigmoid", "tanh", "ReLU", "identity"];
    readonly int property, answer;
    readonly int[] order;
    readonly double x0;

    static double F(int which, double x) => which switch
    {
        0 => ActivationTable.Sigmoid.F(x),
        1 => Math.Tanh(x),
        2 => Math.Max(0, x),
        _ => x,
    };

    // the properties of the table in §10.1; the identity is linear, so it has none of them
    static readonly (string Question, int Answer)[] Properties =
    [
        ("has the range (0, 1)", 0),
        ("has the range (−1, 1)", 1),
        ("has the range [0, ∞)", 2),
        ("has the derivative f(x)(1 − f(x))", 0),
        ("has the derivative 1 − f(x)²", 1),
        ("has the derivative [x ≥ 0]", 2),
    ];

    static readonly string[] Facts =
    [
        "sigmoid σ(x) = 1/(1 + e⁻ˣ): range (0, 1), derivative σ(x)(1 − σ(x))",
        "tanh: range (−1, 1), derivative 1 − tanh(x)², linear around 0",
        "ReLU max(0, x): range [0, ∞), derivative [x ≥ 0]",
        "identity f(x) = x: range (−∞, ∞), derivative 1 — linear, so a network of such layers stays linear",
    ];

    public ActivationChoice(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        property = rng.NextInt(Properties.Length + 2); // the last two draws ask for a value f(x₀)
        x0 = Math.Round((rng.NextDouble() * 2 - 1) * 2.5, 1);
        if (x0 == 0) x0 = 0.7;
        if (property < Properties.Length) answer = Properties[property].Answer;
        else answer = x0 > 0 ? rng.NextInt(2) : rng.NextInt(3); // for x₀ > 0 ReLU and identity coincide: ask sigmoid or tanh
        order = rng.Permutation(4);
    }

    string Question => property < Properties.Length
        ? $"Which activation function {Properties[property].Question}?"
        : $"Which activation function has f({Prose.Number(x0)}) = {F(answer, x0).ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}?";

    protected override IReadOnlyList<(string Option, string? WhyWrong)> Options =>
        order.Select(k => (Names[k], k == answer ? null : (string?)$"{Facts[k]}.")).ToList();

    protected override Prose Pose() => new Prose().Text($"{Question} (§10.1)").Text(OptionLines);

    protected override Prose Solve()
    {
        var prose = new Prose().Text("The table of §10.1:");
        foreach (var fact in Facts) prose.Text("• " + fact);
        if (property >= Properties.Length)
            prose.Text($"At x₀ = {Prose.Number(x0)}: " + string.Join(", ", Enumerable.Range(0, 4).Select(k =>
                $"{Names[k]} {F(k, x0).ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}")));
        int letter = Array.IndexOf(order, answer);
        return prose.Text($"Answer: **{(char)('a' + letter)}) {Names[answer]}**.");
    }
}
