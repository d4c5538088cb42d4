using MachinePerception.Display;

namespace MachinePerception.Exercises;

/// <summary>
/// Something a notebook shows as HTML (an exercise, its feedback, a worked solution, an erratum box): the
/// <see cref="IDisplayable"/> whose forms are its <c>ToHtml()</c> and, as plain text for the terminal
/// (<c>book quiz</c>) and for logs, its <c>ToString()</c>.
/// </summary>
public interface IHtmlDisplayable : IDisplayable
{
    /// <summary>A self-contained HTML fragment (no scripts, no external resources).</summary>
    string ToHtml();

    FormattedValue IDisplayable.ToDisplay() => new(new Dictionary<string, string>
    {
        [FormattedValue.Plain] = ToString() ?? "",
        [FormattedValue.Html] = ToHtml(),
    });
}
