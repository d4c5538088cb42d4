using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace MachinePerception.Display.Plots;

/// <summary>
/// A chart or picture made by <see cref="Plot"/>. Displayed in a notebook it becomes one output with
/// <list type="bullet">
/// <item>text/html: the interactive Plotly chart (a div with a deterministic id and a script that draws it when
/// the page has loaded plotly.js; no CDN), with the PNG as a fallback picture that the script replaces;</item>
/// <item>image/png: the same chart as a picture, also saved as <c>images/&lt;chapter&gt;-&lt;name&gt;.png</c> beside the
/// notebook, so the figure shows on viewers that run no scripts (GitHub);</item>
/// <item>text/plain: a one-line description.</item>
/// </list>
/// Charts are turned into PNG by headless Chromium (when it is installed); image grids by the library's own
/// rasterizer. Both are byte-identical on a re-run: a Chromium PNG records a hash of the chart it shows and is
/// reused while the chart is unchanged.
/// In Polyglot Notebooks the kernel formats a figure the same way (<see cref="TypeFormatterSourceAttribute"/>).
/// A chart is held as plotly.js figure JSON, which works in every host including the .NET Interactive kernel;
/// <see cref="ToPlotlyNet"/> gives the same chart as a Plotly.NET object where that library loads.
/// </summary>
// a chart is shown as the interactive HTML, a PNG for viewers that run no scripts, and a line of text
[TypeFormatterSource(typeof(BookFormatterSource), PreferredMimeTypes = [FormattedValue.Html, FormattedValue.Png, FormattedValue.Plain])]
public sealed class Figure : IDisplayable
{
    /// <summary>The name in the PNG file's name (lower-case letters, digits and dashes).</summary>
    public string Name { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>The plotly.js figure (<c>{"data": [...], "layout": {...}}</c>), or null for a figure that is a picture (an image grid).</summary>
    public JsonObject? Chart { get; }

    readonly PngImage? picture;
    readonly string description;

    /// <summary>
    /// Where PNG files go, relative to the current folder (the notebook's when the book runs it). Unless set: a chapter
    /// that <c>book run</c> executes (<see cref="Notebook.Chapter"/> set) in full mode writes into the repository's
    /// <c>images/</c> (or <c>images/</c> beside a notebook outside the book); smoke runs, the .NET Interactive kernel and
    /// exported chapters into a temporary folder, so they never overwrite the committed figures.
    /// </summary>
    public static string ImagesFolder
    {
        get => imagesFolder ?? (Notebook.Smoke || Notebook.Chapter is null ? ScratchImages
            : IsBookChapterFolder(Directory.GetCurrentDirectory()) ? Path.Combine("..", "images") : "images");
        set => imagesFolder = value;
    }

    static string? imagesFolder;

    static readonly string ScratchImages = Path.Combine(Path.GetTempPath(), "book-scratch-images");

    static bool IsBookChapterFolder(string folder) =>
        Path.GetFileName(folder) == "notebooks" && File.Exists(Path.Combine(folder, "..", "MachinePerception.sln"));

    /// <summary>Set false to emit HTML only (e.g. in unit tests that must not start a browser).</summary>
    public static bool UseChromium { get; set; } = true;

    static bool toldNoChromium;

    internal Figure(string name, JsonObject chart, int width, int height, string description)
    {
        Name = name;
        Chart = chart;
        Width = width;
        Height = height;
        this.description = description;
    }

    internal Figure(string name, PngImage picture, string description)
    {
        Name = name;
        this.picture = picture;
        Width = picture.Width;
        Height = picture.Height;
        this.description = description;
    }

    public override string ToString() => description;

    /// <summary>The chart as plotly.js figure JSON text (<c>{"data": [...], "layout": {...}}</c>).</summary>
    public string FigureJson => Chart is null
        ? throw new InvalidOperationException($"Figure '{Name}': a picture has no Plotly figure")
        : Chart.ToJsonString();

    /// <summary>
    /// The chart as a Plotly.NET <see cref="GenericChart"/>, to restyle or combine with Plotly.NET's API in the book runner
    /// or an exported chapter. Not inside the .NET Interactive kernel: its FSharp.Core is older than Plotly.NET needs.
    /// </summary>
    public GenericChart ToPlotlyNet()
    {
        if (Chart is null) throw new InvalidOperationException($"Figure '{Name}': a picture has no Plotly figure");
        var traces = Chart["data"]!.AsArray().Select(node =>
        {
            var json = node!.AsObject();
            var type = json["type"]!.GetValue<string>();
            Trace trace = type is "mesh3d" or "scatter3d" ? new Trace3D(type) : new Trace2D(type);
            foreach (var (key, value) in json) if (key != "type") trace.SetProperty(key, Plain(value));
            return trace;
        }).ToList();
        var layout = new Layout();
        foreach (var (key, value) in Chart["layout"]!.AsObject()) layout.SetProperty(key, Plain(value));
        return GenericChart.setLayout(layout, GenericChart.ofTraceObjects(false, traces));
    }

    // JSON as plain .NET values (dictionaries, arrays, numbers, strings), which Plotly.NET's serializer writes back unchanged.
    static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToArray(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => decimal.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d % 1 == 0 && Math.Abs(d) < int.MaxValue
                ? (object)(int)d : double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
        },
        _ => throw new InvalidOperationException($"Figure.ToPlotlyNet: unexpected JSON node {node}"),
    };

    /// <summary>The PNG file this figure is saved as: <c>images/&lt;chapter&gt;-&lt;name&gt;.png</c>.</summary>
    public string PngPath => Path.Combine(ImagesFolder, $"{Notebook.Chapter ?? "book"}-{Name}.png");

    /// <summary>
    /// The HTML fragment of the chart with the given element id: the div, a script that draws it when plotly.js is
    /// on the page, and (when given) the PNG shown until then. Works with any number of charts on one page.
    /// </summary>
    public string Html(string id, PngImage? fallback = null) => Html(id, fallback, forScreenshot: false);

    // forScreenshot: for the PNG, without plotly's toolbar (it would show in every saved figure).
    string Html(string id, PngImage? fallback, bool forScreenshot)
    {
        if (Chart is null)
            return $"<img id=\"{id}\" alt=\"{WebUtility.HtmlEncode(Name)}\" src=\"data:image/png;base64,{Convert.ToBase64String(picture!.Bytes)}\">";
        // "</" inside a script would end it early (a title could contain "</script>").
        var json = FigureJson.Replace("</", "<\\/", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append($"<div class=\"mp-figure\" style=\"max-width:100%\">");
        if (fallback is not null)
            sb.Append($"<img id=\"{id}-png\" alt=\"{WebUtility.HtmlEncode(Name)}\" style=\"max-width:100%\" ")
              .Append($"src=\"data:image/png;base64,{Convert.ToBase64String(fallback.Bytes)}\">");
        sb.Append($"<div id=\"{id}\" style=\"width:{Width}px;height:{Height}px;max-width:100%{(fallback is null ? "" : ";display:none")}\"></div>");
        sb.Append("<script>(function(){")
          .Append("if(typeof Plotly==='undefined')return;")
          .Append($"var d=document.getElementById('{id}'),p=document.getElementById('{id}-png'),f={json};")
          .Append("if(p)p.remove();d.style.display='';")
          .Append(forScreenshot ? "Plotly.newPlot(d,f.data,f.layout,{displayModeBar:false});"
                          : "Plotly.newPlot(d,f.data,f.layout,{displaylogo:false,responsive:true});")
          .Append("})();</script></div>");
        return sb.ToString();
    }

    /// <summary>The figure as a PNG: the picture itself, or a Chromium screenshot of the chart (null without Chromium).</summary>
    public PngImage? ToPng()
    {
        if (picture is not null) return picture;
        if (!UseChromium) return null;
        if (!Chromium.Available)
        {
            if (!toldNoChromium) Console.Error.WriteLine($"Figure: no Chromium at {Chromium.ExecutablePath}; charts are shown as HTML only (no PNG).");
            toldNoChromium = true;
            return null;
        }
        return Screenshot();
    }

    /// <summary>What <c>display(figure)</c> shows; saves the PNG file as a side effect.</summary>
    public FormattedValue ToDisplay()
    {
        var png = ToPng();
        if (png is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(PngPath))!);
            if (!File.Exists(PngPath) || !File.ReadAllBytes(PngPath).AsSpan().SequenceEqual(png.Bytes)) png.Save(PngPath);
        }
        var data = new Dictionary<string, string>();
        if (Chart is not null) data[FormattedValue.Html] = Html(ElementIds.Next("plot"), png);
        if (png is not null) data[FormattedValue.Png] = Convert.ToBase64String(png.Bytes);
        data[FormattedValue.Plain] = description;
        return new FormattedValue(data) { UsesPlotlyJs = Chart is not null };
    }

    // ---------- the Chromium screenshot, reused while the chart is unchanged ----------

    const string HashKey = "mp-figure";

    string ChartHash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"{PlotlyJs.Version}|nomodebar|{Width}x{Height}|{FigureJson}")));

    PngImage Screenshot()
    {
        var hash = ChartHash();
        // A browser's antialiasing may differ from run to run by a pixel: keeping the old file while the chart's
        // JSON is unchanged makes re-running a chapter byte-identical.
        if (File.Exists(PngPath) && ReadText(File.ReadAllBytes(PngPath), HashKey) == hash)
            return PngImage.FromBytes(File.ReadAllBytes(PngPath));

        var folder = Directory.CreateTempSubdirectory("mp-figure-");
        try
        {
            var script = PlotlyJs.WriteTo(folder.FullName);
            var page = Path.Combine(folder.FullName, "figure.html");
            File.WriteAllText(page,
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" +
                $"<script src=\"{Path.GetFileName(script)}\"></script>" +
                "<style>body{margin:0;background:#fff}</style></head><body>" +
                Html("figure", null, forScreenshot: true) + "</body></html>");
            var shot = Path.Combine(folder.FullName, "figure.png");
            Chromium.Screenshot(page, shot, Width, Height);
            return PngImage.FromBytes(WithText(File.ReadAllBytes(shot), HashKey, hash));
        }
        finally
        {
            try { folder.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Adds a tEXt chunk (keyword, text) right after IHDR (PNG spec §11.3.4.3).</summary>
    internal static byte[] WithText(byte[] png, string keyword, string text)
    {
        const int afterHeader = 8 + 4 + 4 + 13 + 4;
        var body = Encoding.Latin1.GetBytes(keyword + "\0" + text);
        var chunk = new byte[12 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, body.Length);
        Encoding.ASCII.GetBytes("tEXt").CopyTo(chunk, 4);
        body.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + body.Length), PngImage.Crc32(chunk.AsSpan(4, 4 + body.Length)));
        return [.. png.AsSpan(0, afterHeader), .. chunk, .. png.AsSpan(afterHeader)];
    }

    /// <summary>The text of the first tEXt chunk with this keyword, or null.</summary>
    internal static string? ReadText(byte[] png, string keyword)
    {
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (length < 0 || at + 12 + length > png.Length) return null;
            if (Encoding.ASCII.GetString(png, at + 4, 4) == "tEXt")
            {
                var body = Encoding.Latin1.GetString(png, at + 8, length);
                int zero = body.IndexOf('\0');
                if (zero > 0 && body[..zero] == keyword) return body[(zero + 1)..];
            }
            at += 12 + length;
        }
        return null;
    }
}
