namespace MachinePerception.Display.Headless;

/// <summary>
/// The names the Polyglot kernel gives every C# cell — <c>display(x)</c> and <c>HTML(s)</c> — for running a chapter
/// without the kernel. The book runner and exported chapters import this class (<c>using static</c>); a notebook
/// never does, so in the real kernel only the kernel's own names exist and the same cell source compiles in both.
/// </summary>
public static class Kernel
{
    // Lower-case on purpose: the kernel's method is called display, and cells must read the same in both places.
    /// <summary>Shows <paramref name="value"/> as an output of the cell (all its forms, or only the given MIME types).</summary>
    public static DisplayHandle display(object? value, params string[] mimeTypes)
    {
        var host = Notebook.Host;
        return host.Show(DisplayFormatter.Format(value).Only(mimeTypes));
    }

    /// <summary>HTML shown as it is.</summary>
    public static HtmlContent HTML(string html) => new(html);
}

/// <summary>The kernel's <c>x.Display()</c> for running without it (see <see cref="Kernel"/>).</summary>
public static class DisplayExtensions
{
    /// <summary>Shows this value as an output of the cell; same as <c>display(value)</c>.</summary>
    public static DisplayHandle Display(this object? value, params string[] mimeTypes) => Kernel.display(value, mimeTypes);
}
