using System.Net;

namespace MachinePerception.Display;

/// <summary>
/// Tells the Polyglot kernel's formatter how to show a library type, without referencing the kernel: the kernel
/// recognises any attribute with this name and a <c>FormatterSourceType</c> property (its convention-based
/// formatter sources), then asks the source for formatters that have a <c>MimeType</c> and a
/// <c>bool Format(object, TextWriter)</c>. So <c>display(tensor)</c> looks the same in Polyglot as in <c>book run</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;

    public string[] PreferredMimeTypes { get; set; } = [FormattedValue.Html, FormattedValue.Plain];
}

/// <summary>The formatters the kernel gets for the book's types: the book's own formatter, as HTML, PNG and text.</summary>
internal sealed class BookFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() =>
        [new BookKernelFormatter(FormattedValue.Html), new BookKernelFormatter(FormattedValue.Png), new BookKernelFormatter(FormattedValue.Plain)];
}

/// <summary>One MIME type of <see cref="DisplayFormatter"/>, in the shape the kernel's convention expects.</summary>
internal sealed class BookKernelFormatter(string mimeType)
{
    public string MimeType { get; } = mimeType;

    // plotly.js goes out once per kernel process, with the first chart; later charts find window.Plotly.
    static bool plotlyJsSent;

    /// <summary>Writes <paramref name="instance"/> in <see cref="MimeType"/>; false when it has no such form.</summary>
    public bool Format(object instance, TextWriter writer)
    {
        var value = DisplayFormatter.Format(instance);
        if (value.Data.TryGetValue(MimeType, out var text))
        {
            if (MimeType == FormattedValue.Html && value.UsesPlotlyJs && !plotlyJsSent)
            {
                writer.Write(Plots.PlotlyJs.InlineScript());
                plotlyJsSent = true;
            }
            writer.Write(text);
            return true;
        }
        // A picture has no HTML form of its own: inline the PNG.
        if (MimeType == FormattedValue.Html && value.Data.TryGetValue(FormattedValue.Png, out var png))
        {
            writer.Write($"<img src=\"data:image/png;base64,{png}\" alt=\"{WebUtility.HtmlEncode(value.PlainText)}\"/>");
            return true;
        }
        return false;
    }
}

// a picture has a PNG and a text form (the HTML formatter inlines the PNG for hosts that prefer HTML)
[TypeFormatterSource(typeof(BookFormatterSource), PreferredMimeTypes = [FormattedValue.Png, FormattedValue.Plain])]
public sealed partial class PngImage;

[TypeFormatterSource(typeof(BookFormatterSource))]
public sealed partial class FormattedValue;
