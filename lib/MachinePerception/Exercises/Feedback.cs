using System.Text;

namespace MachinePerception.Exercises;

/// <summary>What a check concluded about an answer.</summary>
public enum Verdict
{
    Correct,
    Incorrect,
    /// <summary>The answer could not be read (null, NaN, wrong type, ragged, a function that throws).</summary>
    Unreadable,
}

/// <summary>
/// The result of <see cref="Exercise.Check"/>: correct or not, and why — the named mistake it recognised
/// (<see cref="Mistake"/>) or what differs — with the tolerance it used, and whether the worked solution had
/// been shown before this answer.
/// </summary>
public sealed record Feedback(Verdict Verdict, string Headline, IReadOnlyList<string> Details, string? Mistake, Tolerance? Tolerance, bool SolutionShown = false)
    : IHtmlDisplayable
{
    public bool IsCorrect => Verdict == Verdict.Correct;

    public static Feedback Correct(Tolerance tolerance, params string[] details) => new(Verdict.Correct, "Correct.", details, null, tolerance);

    /// <summary>A recognised mistake of this exercise, by its name.</summary>
    public static Feedback Recognised(string mistake, string why, Tolerance tolerance) =>
        new(Verdict.Incorrect, $"Incorrect: {mistake}.", [why], mistake, tolerance);

    public static Feedback Incorrect(string headline, Tolerance? tolerance, params string[] details) =>
        new(Verdict.Incorrect, $"Incorrect: {headline}.", details, null, tolerance);

    public static Feedback Unreadable(string problem, string expected) =>
        new(Verdict.Unreadable, $"Cannot check this answer: {problem}.", [expected], null, null);

    string Mark => Verdict switch { Verdict.Correct => "✔", Verdict.Incorrect => "✘", _ => "⚠" };

    IEnumerable<string> Lines()
    {
        foreach (var d in Details) yield return d;
        if (Tolerance is not null) yield return $"Tolerance: {Tolerance}.";
        if (SolutionShown) yield return "Note: the worked solution was shown before this answer (recorded).";
    }

    public override string ToString()
    {
        var sb = new StringBuilder().Append(Mark).Append(' ').Append(Headline);
        foreach (var line in Lines()) sb.AppendLine().Append("  ").Append(line);
        return sb.ToString();
    }

    public string ToHtml()
    {
        string color = Verdict switch { Verdict.Correct => "#1a7f37", Verdict.Incorrect => "#cf222e", _ => "#9a6700" };
        var sb = new StringBuilder($"<div style=\"border-left:4px solid {color};padding:0.3em 0.8em\">");
        sb.Append($"<strong style=\"color:{color}\">{Mark} {Prose.Escape(Headline)}</strong>");
        foreach (var line in Lines()) sb.Append("<br>").Append(Prose.Escape(line));
        return sb.Append("</div>").ToString();
    }
}
