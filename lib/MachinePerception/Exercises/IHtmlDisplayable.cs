namespace MachinePerception.Exercises;

/// <summary>
/// Something a notebook shows as HTML (an exercise, its feedback, a worked solution, an erratum box).
/// The display layer picks up any object with <c>string ToHtml()</c>; <c>ToString()</c> is the same content
/// as plain text for the terminal (<c>book quiz</c>) and for logs.
/// </summary>
public interface IHtmlDisplayable
{
    /// <summary>A self-contained HTML fragment (no scripts, no external resources).</summary>
    string ToHtml();
}
