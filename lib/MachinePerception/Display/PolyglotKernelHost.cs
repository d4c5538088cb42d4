using System.Reflection;

namespace MachinePerception.Display;

/// <summary>
/// Displays through the Polyglot Notebooks kernel when the chapter runs inside it. The library does not
/// reference the kernel's packages (they are deprecated and not served here): it looks the kernel's public
/// <c>Kernel.display</c> up by name among the loaded assemblies.
/// </summary>
public sealed class PolyglotKernelHost : INotebookHost
{
    readonly MethodInfo display;
    readonly List<object?> shown = [];

    PolyglotKernelHost(MethodInfo display) => this.display = display;

    /// <summary>The host for the kernel loaded in this process, or null when there is none.</summary>
    public static PolyglotKernelHost? TryCreate()
    {
        var kernel = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == "Microsoft.DotNet.Interactive")
            .Select(a => a.GetType("Microsoft.DotNet.Interactive.Kernel"))
            .FirstOrDefault(t => t is not null);
        var display = kernel?.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == "display" && m.GetParameters().Length == 2);
        return display is null ? null : new PolyglotKernelHost(display);
    }

    public bool UpdatesInPlace => true;

    // The kernel formats a FormattedValue with the book's formatters (PolyglotFormatters): every MIME type it has
    // (HTML, PNG, text) becomes one form of a single output, as in the notebooks the book runner writes.
    public DisplayHandle Show(FormattedValue value)
    {
        shown.Add(display.Invoke(null, [value, value.Data.Keys.ToArray()]));
        return new DisplayHandle(this, shown.Count - 1);
    }

    public void Update(DisplayHandle handle, FormattedValue value)
    {
        var displayed = shown[handle.Id];
        displayed?.GetType().GetMethod("Update", [typeof(object)])?.Invoke(displayed, [value]);
    }

    public void Status(string? line) { }
}
