namespace MachinePerception.Display;

/// <summary>
/// A value that knows its own display forms (a chart: HTML and PNG). <see cref="DisplayFormatter"/> asks it
/// instead of formatting it generically.
/// </summary>
public interface IDisplayable
{
    /// <summary>The forms to show, by MIME type.</summary>
    FormattedValue ToDisplay();
}
