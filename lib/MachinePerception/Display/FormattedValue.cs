namespace MachinePerception.Display;

/// <summary>
/// A value ready to show: its forms by MIME type (text/plain, text/html, image/png as base64), in the order a
/// notebook stores them. Every display in the book is one of these.
/// </summary>
public sealed partial class FormattedValue
{
    public const string Plain = "text/plain";
    public const string Html = "text/html";
    public const string Png = "image/png";

    /// <summary>MIME type → content. image/png is base64 (standard nbformat).</summary>
    public IReadOnlyDictionary<string, string> Data { get; }

    /// <summary>
    /// True when the HTML form draws a chart with plotly.js. Inside the .NET Interactive kernel the first such value of a
    /// session also carries plotly.js itself (<see cref="BookKernelFormatter"/>); the book runner's pages load it once.
    /// </summary>
    public bool UsesPlotlyJs { get; init; }

    public FormattedValue(IReadOnlyDictionary<string, string> data)
    {
        if (data.Count == 0) throw new ArgumentException("FormattedValue: needs at least one MIME type");
        Data = data;
    }

    /// <summary>The text/plain form; for HTML-only values the HTML source (what a terminal can show).</summary>
    public string PlainText => Data.TryGetValue(Plain, out var p) ? p : Data.TryGetValue(Html, out var h) ? h : "<image>";

    /// <summary>
    /// Only the requested MIME types (as <c>display(x, "text/plain")</c> asks). A requested text/html that the
    /// value lacks is made from its plain text, so the request is never silently dropped.
    /// </summary>
    public FormattedValue Only(IReadOnlyCollection<string> mimeTypes)
    {
        if (mimeTypes.Count == 0) return this;
        var kept = new Dictionary<string, string>();
        foreach (var m in mimeTypes)
        {
            if (Data.TryGetValue(m, out var v)) kept[m] = v;
            else if (m == Html) kept[m] = "<pre>" + System.Net.WebUtility.HtmlEncode(PlainText) + "</pre>";
            else throw new ArgumentException($"display: cannot show this value as {m}; it has {string.Join(", ", Data.Keys)}");
        }
        return new FormattedValue(kept) { UsesPlotlyJs = UsesPlotlyJs && kept.ContainsKey(Html) };
    }
}
