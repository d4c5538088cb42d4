using System.Reflection;
using System.Text;

namespace MachinePerception.Exercises;

/// <summary>
/// An exercise generated from a seed: the same seed gives the same instance, another seed a variant with new
/// numbers. It shows its statement (<see cref="ToHtml"/> in a notebook, <see cref="ToString"/> in the terminal),
/// checks an answer with feedback that names the likely mistake (<see cref="Check"/>, which never throws on
/// student input), and shows a worked solution on request (<see cref="Solution"/>, which is recorded).
/// The reference answer is not stored: each check recomputes it from the seed, with plain loops independent of
/// the tensor engine. Subclasses carry an <see cref="ExerciseAttribute"/> (chapter, id, title) and a constructor
/// taking the seed; <see cref="ExerciseRegistry"/> finds them.
/// </summary>
public abstract class Exercise : IHtmlDisplayable
{
    readonly List<Feedback> attempts = [];
    Prose? statement;

    protected Exercise(int seed) => Seed = seed;

    public int Seed { get; }

    /// <summary>Chapter, id and title from the class's <see cref="ExerciseAttribute"/>.</summary>
    public ExerciseAttribute Info => GetType().GetCustomAttribute<ExerciseAttribute>()
        ?? throw new InvalidOperationException($"Exercise: {GetType().Name} has no [Exercise(chapter, id, title)] attribute");

    /// <summary>The problem as posed (no answer in it).</summary>
    public Prose Statement => statement ??= Pose();

    /// <summary>True once <see cref="Solution"/> was called; later feedback says so and the quiz scores it zero.</summary>
    public bool SolutionShown { get; private set; }

    /// <summary>Every feedback given so far, in order.</summary>
    public IReadOnlyList<Feedback> Attempts => attempts;

    protected abstract Prose Pose();

    /// <summary>The checking itself; may throw on unexpected input (<see cref="Check"/> turns that into feedback).</summary>
    protected abstract Feedback Assess(object? answer);

    /// <summary>The steps of the worked solution, ending with the answer.</summary>
    protected abstract Prose Solve();

    /// <summary>Checks an answer: a number, an array, a matrix, a Tensor, text in the quiz syntax, a choice or a
    /// function, as the exercise asks. Never throws: unreadable answers get <see cref="Verdict.Unreadable"/>.</summary>
    public Feedback Check(object? answer)
    {
        Feedback feedback;
        try
        {
            feedback = Assess(answer);
        }
        catch (Exception e)
        {
            feedback = Feedback.Unreadable($"the checker could not use this answer ({e.GetType().Name}: {e.Message})",
                "Give the answer in the form the statement asks for.");
        }
        if (SolutionShown) feedback = feedback with { SolutionShown = true };
        attempts.Add(feedback);
        return feedback;
    }

    /// <summary>The worked solution, step by step. Calling it is recorded (<see cref="SolutionShown"/>).</summary>
    public Prose Solution()
    {
        SolutionShown = true;
        return Solve();
    }

    // the chapter, not a running number: exercises are found by reflection and a chapter may pose them in any order
    string Heading => $"Exercise (chapter {Info.Chapter:00}): {Info.Title} (seed {Seed})";

    public override string ToString() => Heading + Environment.NewLine + Statement;

    /// <summary>The statement as markdown with LaTeX matrices, headed like <see cref="ToHtml"/>.</summary>
    public string ToMarkdown() => $"#### {Heading}\n\n{Statement.ToMarkdown()}";

    public string ToHtml() =>
        new StringBuilder("<div class=\"exercise\" style=\"border:1px solid #8c959f;border-radius:6px;padding:0.5em 1em\">")
            .Append("<h4 style=\"margin-top:0.2em\">").Append(Prose.Escape(Heading)).Append("</h4>\n")
            .Append(Statement.ToHtml())
            .Append("<p style=\"color:#57606a\"><em>Answer with <code>exercise.Check(answer)</code>; ")
            .Append("<code>exercise.Solution()</code> shows the worked solution (and is recorded).</em></p></div>")
            .ToString();
}

/// <summary>Registers an exercise class under its chapter, a short stable id (used by the quiz) and a title.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ExerciseAttribute(int chapter, string id, string title) : Attribute
{
    public int Chapter { get; } = chapter;
    public string Id { get; } = id;
    public string Title { get; } = title;
}

/// <summary>A named likely mistake of an exercise and the wrong answer it produces for this seed.</summary>
public sealed record Mistake(string Name, string Why, double[] Values, int[] Shape);
