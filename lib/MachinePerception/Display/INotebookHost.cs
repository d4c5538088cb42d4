namespace MachinePerception.Display;

/// <summary>
/// The seam between the library's displays and whatever shows them: the book runner (outputs written into the
/// .ipynb), the Polyglot kernel, or a terminal. A host receives already formatted values (MIME type → data).
/// </summary>
public interface INotebookHost
{
    /// <summary>Shows one value as a new output of the running cell and returns a handle that can replace it later.</summary>
    DisplayHandle Show(FormattedValue value);

    /// <summary>Replaces the output shown under <paramref name="handle"/> (a display update, e.g. training progress).</summary>
    void Update(DisplayHandle handle, FormattedValue value);

    /// <summary>True when <see cref="Update"/> replaces an output in place; false on a terminal, which can only append.</summary>
    bool UpdatesInPlace { get; }

    /// <summary>
    /// A one-line status for a person watching a terminal (progress bar, ETA). It never becomes part of a
    /// notebook's outputs, so timings cannot make a re-run differ. <c>null</c> ends the status line.
    /// </summary>
    void Status(string? line);
}

/// <summary>One displayed output that can be updated in place: what <c>display(x)</c> returns (the kernel's DisplayedValue).</summary>
public sealed class DisplayHandle(INotebookHost host, int id)
{
    /// <summary>Numbered from 0 in the order of display within one run: deterministic.</summary>
    public int Id { get; } = id;

    /// <summary>Shows <paramref name="value"/> in place of what this handle shows now.</summary>
    public void Update(object? value) => host.Update(this, DisplayFormatter.Format(value));
}

/// <summary>A display on a terminal: the text/plain form goes to standard output (an exported chapter, a plain console app).</summary>
public sealed class ConsoleHost : INotebookHost
{
    int next;
    bool statusOpen;

    public bool UpdatesInPlace => false;

    public DisplayHandle Show(FormattedValue value)
    {
        EndStatus();
        Console.Out.WriteLine(value.PlainText);
        return new DisplayHandle(this, next++);
    }

    public void Update(DisplayHandle handle, FormattedValue value) => Show(value);

    public void Status(string? line)
    {
        if (line is null) { EndStatus(); return; }
        Console.Error.Write("\r" + line);
        statusOpen = true;
    }

    void EndStatus()
    {
        if (statusOpen) Console.Error.WriteLine();
        statusOpen = false;
    }
}
