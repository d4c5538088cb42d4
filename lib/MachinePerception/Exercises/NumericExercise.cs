namespace MachinePerception.Exercises;

/// <summary>
/// An exercise whose answer is a number, a vector or a matrix. A check (1) reads the answer, (2) compares it with
/// the reference within <see cref="Tolerance"/>, (3) compares it with each named <see cref="Mistake"/>'s wrong
/// answer for this seed, and (4) otherwise describes the difference: wrong shape, wrong sign, off by a simple
/// factor (2, ½, 10, ...), transposed, rotated by 180°, off by one, or which entries differ (never their correct values).
/// </summary>
public abstract class NumericExercise(int seed) : Exercise(seed)
{
    /// <summary>[] for a number, [n] for a vector, [rows, cols] for a matrix.</summary>
    protected abstract int[] AnswerShape { get; }

    protected virtual Tolerance Tolerance => Tolerance.Numeric;

    internal int[] ExpectedShape => AnswerShape;
    internal Tolerance UsedTolerance => Tolerance;

    /// <summary>The reference answer (row-major), recomputed from the seed with plain loops at every call.</summary>
    internal abstract double[] Reference();

    /// <summary>The likely mistakes, each with the wrong answer it gives for this seed.</summary>
    internal abstract IEnumerable<Mistake> Mistakes();

    /// <summary>A mistake whose wrong answer has the same shape as the correct one.</summary>
    protected Mistake Wrong(string name, string why, double[] values) => new(name, why, values, AnswerShape);

    /// <summary>Whether an answer of the right shape counts as correct: by default, within the tolerance of the reference.</summary>
    internal virtual bool IsEquivalent(double[] values, double[] reference) => Tolerance.Close(values, reference);

    /// <summary>The feedback for an accepted answer (an exercise may add a remark, e.g. "a multiple of n is the same plane").</summary>
    protected virtual Feedback Accepted(double[] values, double[] reference) => Feedback.Correct(Tolerance);

    protected string Expected => $"Expected {NumericAnswer.Describe(AnswerShape)}"
        + (AnswerShape.Length == 2 ? " (a double[,], a double[][], a Tensor, or text such as \"1 2 3; 4 5 6\")."
           : AnswerShape.Length == 1 ? " (a double[], a Tensor, or text such as \"1, 2, 3\")." : ".");

    protected override Feedback Assess(object? answer)
    {
        var a = AnswerReader.ReadNumeric(answer, out var problem);
        return a is null ? Feedback.Unreadable(problem!, Expected) : Diagnose(a);
    }

    /// <summary>Steps (2)–(4) of the check for an answer already read.</summary>
    protected Feedback Diagnose(NumericAnswer a)
    {
        var shape = AnswerShape;
        var reference = Reference();
        var tol = Tolerance;
        if (a.HasShape(shape) && IsEquivalent(a.Values, reference)) return Accepted(a.Values, reference);

        foreach (var m in Mistakes())
        {
            if (m.Values.Any(v => !double.IsFinite(v))) continue;
            bool sameShape = m.Shape.SequenceEqual(shape);
            if (sameShape && IsEquivalent(m.Values, reference)) continue; // indistinguishable from the right answer for this seed
            if (a.HasShape(m.Shape) && tol.Close(a.Values, m.Values)) return Feedback.Recognised(m.Name, m.Why, tol);
        }

        if (!a.HasShape(shape))
        {
            var details = new List<string> { $"{Expected.TrimEnd('.')}, got {NumericAnswer.Describe(a.Shape)}." };
            if (a.Values.Length == reference.Length && tol.Close(a.Values, reference))
                details.Add("The numbers are right, in row-major order; only the shape is wrong.");
            else if (shape.Length == 2 && a.Rank == 2 && a.Shape[0] == shape[1] && a.Shape[1] == shape[0]
                     && tol.Close(Transpose(a.Values, a.Shape[0], a.Shape[1]), reference))
                details.Add("Your matrix is the transpose of the answer.");
            return Feedback.Incorrect("wrong shape", tol, [.. details]);
        }

        var x = a.Values;
        if (reference.Any(r => !tol.Close(0, r)) && tol.Close(x.Select(v => -v).ToArray(), reference))
            return Feedback.Incorrect("wrong sign", tol, "Every entry has the opposite sign of the answer: look for a minus sign dropped or added.");
        if (shape.Length == 2 && shape[0] == shape[1])
        {
            if (tol.Close(Transpose(x, shape[0], shape[1]), reference))
                return Feedback.Incorrect("transposed", tol, "Your matrix is the transpose of the answer: rows and columns are swapped.");
            if (tol.Close(x.Reverse().ToArray(), reference))
                return Feedback.Incorrect("rotated by 180°", tol, "Your matrix is the answer rotated by 180° (flipped up–down and left–right).");
        }
        // Only simple factors (½, 2, 3, ¼, 10, ...) are named: they are the usual slips (a lost ½, a sum for a mean),
        // and naming an arbitrary ratio would hand out the answer.
        foreach (var (factor, name) in SimpleFactors)
            if (tol.Close(x, reference.Select(r => factor * r).ToArray()) && reference.Any(r => !tol.Close(0, r)))
                return Feedback.Incorrect($"off by a factor of {name}", tol,
                    $"Your answer is {name} times the right one: look for a missing or extra factor (a ½, a 2, a mean instead of a sum, ...).");
        if (shape.Length == 0 && Math.Abs(Math.Abs(x[0] - reference[0]) - 1) < 1e-9)
            return Feedback.Incorrect("off by one", tol, x[0] > reference[0] ? "Your answer is one too large." : "Your answer is one too small.");
        if (x.Length > 1)
        {
            var wrong = Enumerable.Range(0, x.Length).Where(i => !tol.Close(x[i], reference[i])).ToList();
            if (wrong.Count < x.Length)
                return Feedback.Incorrect(wrong.Count == 1 ? "one entry differs" : $"{wrong.Count} of {x.Length} entries differ", tol,
                    $"Entries that differ: {string.Join(", ", wrong.Select(i => Position(i, shape)))}; the others are right.");
        }
        return Feedback.Incorrect("not the expected value", tol,
            "None of the known mistakes of this exercise explains this answer; redo the steps of the statement one by one.");
    }

    static readonly (double Factor, string Name)[] SimpleFactors =
    [
        (2, "2"), (3, "3"), (4, "4"), (0.5, "½"), (1.0 / 3, "⅓"), (0.25, "¼"), (1.5, "3/2"), (2.0 / 3, "2/3"),
        (10, "10"), (0.1, "1/10"), (100, "100"), (0.01, "1/100"),
        (-2, "−2"), (-0.5, "−½"), (-3, "−3"), (-1.0 / 3, "−⅓"),
    ];

    static string Position(int flat, int[] shape) =>
        shape.Length == 2 ? $"({flat / shape[1]}, {flat % shape[1]})" : $"({flat})";

    internal static double[] Transpose(double[] v, int rows, int cols)
    {
        var t = new double[v.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) t[j * rows + i] = v[i * cols + j];
        return t;
    }
}

/// <summary>
/// A multiple-choice exercise. Options are shown as a), b), ...; an answer is a letter or an option's text
/// (case and spaces ignored). Each wrong option carries the reason it is wrong.
/// </summary>
public abstract class ChoiceExercise(int seed) : Exercise(seed)
{
    /// <summary>The options in the order shown, each with why it is wrong (null for the correct one).</summary>
    protected abstract IReadOnlyList<(string Option, string? WhyWrong)> Options { get; }

    /// <summary>The correct option's text (for tests).</summary>
    internal string CorrectOption => Options.First(o => o.WhyWrong is null).Option;

    static string Letter(int i) => ((char)('a' + i)).ToString();

    /// <summary>The options as lines "a) ...", for the statement.</summary>
    protected string OptionLines => string.Join("\n", Options.Select((o, i) => $"{Letter(i)}) {o.Option}"));

    static string Normalize(string s) => new(s.Trim().Trim('(', ')', '.').ToLowerInvariant().Where(c => !char.IsWhiteSpace(c)).ToArray());

    protected override Feedback Assess(object? answer)
    {
        var options = Options;
        string expected = $"Answer with one of the letters {string.Join(", ", options.Select((_, i) => Letter(i)))} or the option's text.";
        var choice = AnswerReader.ReadChoice(answer, out var problem);
        if (choice is null) return Feedback.Unreadable(problem!, expected);
        string c = Normalize(choice);
        int index = -1;
        for (int i = 0; i < options.Count && index < 0; i++)
            if (c == Letter(i) || c == Normalize(options[i].Option)) index = i;
        if (index < 0) return Feedback.Unreadable($"\"{choice}\" is not one of the options", expected);
        var why = options[index].WhyWrong;
        return why is null
            ? Feedback.Correct(Tolerance.Exact) with { Tolerance = null }
            : Feedback.Recognised($"chose {Letter(index)}) {options[index].Option}", why, Tolerance.Exact) with { Tolerance = null };
    }
}
