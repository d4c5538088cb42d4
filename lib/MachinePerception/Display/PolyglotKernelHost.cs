using System.Reflection;

namespace MachinePerception.Display;

/// <summary>
/// Displays through the Polyglot Notebooks kernel when the chapter runs inside it. The library does not
/// reference the kernel's packages (they are deprecated and not served here): it looks the kernel's public
/// <c>Kernel.display</c> and <c>Kernel.HTML</c> up by name among the loaded assemblies.
/// </summary>
public sealed class PolyglotKernelHost : INotebookHost
{
    readonly MethodInfo display;
    readonly MethodInfo html;
    readonly List<object?> shown = [];

    PolyglotKernelHost(MethodInfo display, MethodInfo html)
    {
        this.display = display;
        this.html = html;
    }

    /// <summary>The host for the kernel loaded in this process, or null when there is none.</summary>
    public static PolyglotKernelHost? TryCreate()
    {
        var kernel = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == "Microsoft.DotNet.Interactive")
            .Select(a => a.GetType("Microsoft.DotNet.Interactive.Kernel"))
            .FirstOrDefault(t => t is not null);
        var display = kernel?.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == "display" && m.GetParameters().Length == 2);
        var html = kernel?.GetMethod("HTML", BindingFlags.Public | BindingFlags.Static, [typeof(string)]);
        return display is null || html is null ? null : new PolyglotKernelHost(display, html);
    }

    public bool UpdatesInPlace => true;

    // HTML is the richest form the kernel shows as given; plain text goes through as text/plain.
    object? KernelValue(FormattedValue value) =>
        value.Data.TryGetValue(FormattedValue.Html, out var h) ? html.Invoke(null, [h]) : value.PlainText;

    public DisplayHandle Show(FormattedValue value)
    {
        string[] mime = value.Data.ContainsKey(FormattedValue.Html) ? [] : [FormattedValue.Plain];
        shown.Add(display.Invoke(null, [KernelValue(value), mime]));
        return new DisplayHandle(this, shown.Count - 1);
    }

    public void Update(DisplayHandle handle, FormattedValue value)
    {
        var displayed = shown[handle.Id];
        displayed?.GetType().GetMethod("Update", [typeof(object)])?.Invoke(displayed, [KernelValue(value)]);
    }

    public void Status(string? line) { }
}
