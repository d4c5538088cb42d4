using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using MachinePerception.Book.Notebooks;
using MachinePerception.Display.Plots;

namespace MachinePerception.Book;

/// <summary>A heading of a chapter, for the contents page: level (1–3), text and the anchor id on the chapter's page.</summary>
public sealed record RenderHeading(int Level, string Text, string Id);

/// <summary>A rendered chapter: its page's file name, its title (the first level-1 heading) and its headings.</summary>
public sealed record RenderedChapter(string Chapter, string FileName, string Title, IReadOnlyList<RenderHeading> Headings);

/// <summary>
/// A page of the book that is not a chapter (exercises, revision cards, errata). The site renderer finds every
/// class in the book tool that implements this (as <see cref="Program"/> finds commands) and lists it after the
/// chapters; <see cref="RenderSite.CommandPages"/> also turns the <c>cards</c>, <c>errata</c> and <c>exercises</c>
/// commands into pages when they are part of the tool.
/// </summary>
public interface IBookPage
{
    string Title { get; }

    /// <summary>The page's file name in the site, e.g. <c>errata.html</c>.</summary>
    string FileName { get; }

    /// <summary>The page's body (HTML; <c>$…$</c> math inside <c>.math</c> elements is typeset), or null to leave it out.</summary>
    string? Body(IReadOnlyList<string> notebooks);
}

/// <summary>
/// Writes the offline HTML book (<c>book render</c>): a contents page, one page per chapter (markdown through
/// Markdig, math by KaTeX, C# highlighted, the saved outputs: text, HTML, PNG, errors, interactive Plotly charts)
/// and the extra pages. Everything the pages load lies beside them: KaTeX from <c>lib/Book/Site/katex</c> (vendored,
/// see its README) and plotly.js from Plotly.NET's embedded copy (<see cref="PlotlyJs"/>). Nothing is fetched.
/// </summary>
public static class RenderSite
{
    /// <summary>The KaTeX version vendored in <c>lib/Book/Site/katex</c>.</summary>
    public const string KatexVersion = "0.16.47";

    /// <summary>The site assets folder (<c>lib/Book/Site</c>).</summary>
    public static string AssetsFolder => Path.Combine(Program.RepositoryRoot(), "lib", "Book", "Site");

    /// <summary>Renders the notebooks (in the given order) into <paramref name="output"/>; returns what each chapter became.</summary>
    public static IReadOnlyList<RenderedChapter> Render(IReadOnlyList<string> notebooks, string output, TextWriter log)
    {
        Directory.CreateDirectory(output);
        CopyAssets(output);
        var docs = notebooks.Select(NotebookDocument.Load).ToList();
        var chapters = new List<RenderedChapter>();
        var bodies = new List<string>();
        foreach (var doc in docs)
        {
            var (body, headings) = ChapterBody(doc);
            var title = headings.FirstOrDefault(h => h.Level == 1)?.Text ?? doc.Chapter;
            chapters.Add(new RenderedChapter(doc.Chapter, doc.Chapter + ".html", title, headings));
            bodies.Add(body);
            // Pictures a chapter's markdown refers to (images/…) sit beside the notebook.
            var images = Path.Combine(Path.GetDirectoryName(doc.Path)!, "images");
            if (Directory.Exists(images)) CopyFolder(images, Path.Combine(output, "images"));
        }

        var extra = ExtraPages(notebooks, log);
        for (int i = 0; i < chapters.Count; i++)
        {
            var previous = i > 0 ? chapters[i - 1] : null;
            var next = i + 1 < chapters.Count ? chapters[i + 1] : null;
            var nav = Navigation(previous?.FileName, previous?.Title, next?.FileName, next?.Title);
            Write(output, chapters[i].FileName, Page(chapters[i].Title, nav + bodies[i] + nav, bodies[i].Contains("Plotly.newPlot")));
            log.WriteLine($"book render: {chapters[i].FileName} ({chapters[i].Headings.Count} headings)");
        }
        foreach (var (page, body) in extra)
        {
            Write(output, page.FileName, Page(page.Title, Navigation(null, null, null, null) + body, false));
            log.WriteLine($"book render: {page.FileName}");
        }
        Write(output, "index.html", Page("Machine Perception", Contents(chapters, extra.Select(e => e.Page).ToList()), false));
        log.WriteLine($"book render: index.html, {chapters.Count} chapters, {extra.Count} extra pages → {output}");
        return chapters;
    }

    // ---------- pages ----------

    static void Write(string folder, string name, string html) =>
        File.WriteAllText(Path.Combine(folder, name), html, new UTF8Encoding(false));

    static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>
    /// The frame of every page. plotly.js loads synchronously in the head (only on pages with charts) because each
    /// chart's inline script calls it while the page is parsed; KaTeX loads deferred and typesets once parsing is done.
    /// </summary>
    static string Page(string title, string body, bool charts) =>
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        $"<title>{E(title)}</title>\n" +
        "<link rel=\"stylesheet\" href=\"katex/katex.min.css\">\n<link rel=\"stylesheet\" href=\"book.css\">\n" +
        (charts ? $"<script src=\"{PlotlyJs.FileName}\"></script>\n" : "") +
        "<script defer src=\"katex/katex.min.js\"></script>\n" +
        "<script defer src=\"katex/contrib/auto-render.min.js\"></script>\n" +
        "<script defer src=\"book.js\"></script>\n" +
        "</head>\n<body><main>\n" + body + "\n</main></body></html>\n";

    static string Navigation(string? previousFile, string? previousTitle, string? nextFile, string? nextTitle)
    {
        var sb = new StringBuilder("<nav class=\"book-nav\">");
        sb.Append(previousFile is null ? "<span></span>" : $"<a href=\"{E(previousFile)}\">← {E(previousTitle!)}</a>");
        sb.Append("<a href=\"index.html\">Contents</a>");
        sb.Append(nextFile is null ? "<span></span>" : $"<a href=\"{E(nextFile)}\">{E(nextTitle!)} →</a>");
        return sb.Append("</nav>\n").ToString();
    }

    static string Contents(IReadOnlyList<RenderedChapter> chapters, IReadOnlyList<IBookPage> extra)
    {
        var sb = new StringBuilder("<h1>Machine Perception</h1>\n<p>A C# textbook that runs: every chapter is a notebook whose " +
                                   "derivations are checked numerically.</p>\n<h2>Contents</h2>\n<ol class=\"contents\">\n");
        foreach (var c in chapters)
        {
            sb.Append($"<li><a href=\"{E(c.FileName)}\">{E(c.Title)}</a>");
            var sections = c.Headings.Where(h => h.Level == 2).ToList();
            if (sections.Count > 0)
            {
                sb.Append("<ul>");
                foreach (var h in sections) sb.Append($"<li><a href=\"{E(c.FileName)}#{E(h.Id)}\">{E(h.Text)}</a></li>");
                sb.Append("</ul>");
            }
            sb.Append("</li>\n");
        }
        sb.Append("</ol>\n");
        if (extra.Count > 0)
        {
            sb.Append("<h2>Practice</h2>\n<ul class=\"contents\">\n");
            foreach (var p in extra) sb.Append($"<li><a href=\"{E(p.FileName)}\">{E(p.Title)}</a></li>\n");
            sb.Append("</ul>\n");
        }
        return sb.ToString();
    }

    // ---------- one chapter ----------

    /// <summary>The chapter's body HTML and its headings (ids unique within the page).</summary>
    public static (string Body, IReadOnlyList<RenderHeading> Headings) ChapterBody(NotebookDocument doc)
    {
        var sb = new StringBuilder();
        var headings = new List<RenderHeading>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < doc.Cells.Count; i++)
        {
            var cell = doc.Cell(i);
            var source = NotebookDocument.Source(cell);
            var id = cell["id"]?.GetValue<string>() ?? NotebookDocument.CellId(doc.Chapter, i);
            switch (NotebookDocument.CellType(cell))
            {
                case "markdown":
                    sb.Append($"<section class=\"cell markdown\" id=\"cell-{E(id)}\">\n")
                      .Append(MarkdownHtml(source, headings, ids)).Append("</section>\n");
                    break;
                case "code":
                    sb.Append($"<section class=\"cell code\" id=\"cell-{E(id)}\">\n<pre class=\"source\"><code>")
                      .Append(RenderCSharp.ToHtml(source.TrimEnd('\n'))).Append("</code></pre>\n");
                    if (cell["outputs"] is JsonArray outputs)
                        foreach (var o in outputs.OfType<JsonObject>()) sb.Append(OutputHtml(o));
                    sb.Append("</section>\n");
                    break;
                default:
                    sb.Append($"<pre class=\"raw\">{E(source)}</pre>\n");
                    break;
            }
        }
        return (sb.ToString(), headings);
    }

    static string MarkdownHtml(string source, List<RenderHeading> headings, HashSet<string> ids)
    {
        var math = MathProtection.Protect(source);
        var document = Markdig.Markdown.Parse(math.Source, MathProtection.Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            var attributes = heading.GetAttributes();
            var text = math.RestoreText(HeadingText(heading));
            // Two cells may both have a "Summary" heading: suffix repeats so every anchor on the page is unique.
            var baseId = attributes.Id ?? "section";
            var unique = baseId;
            for (int k = 2; !ids.Add(unique); k++) unique = $"{baseId}-{k}";
            attributes.Id = unique;
            if (heading.Level <= 3) headings.Add(new RenderHeading(heading.Level, text, unique));
        }
        return math.Restore(Markdig.Markdown.ToHtml(document, MathProtection.Pipeline));
    }

    static string HeadingText(HeadingBlock heading)
    {
        if (heading.Inline is null) return "";
        var sb = new StringBuilder();
        foreach (var inline in heading.Inline.Descendants())
            switch (inline)
            {
                case Markdig.Syntax.Inlines.LiteralInline l: sb.Append(l.Content.ToString()); break;
                case Markdig.Syntax.Inlines.CodeInline c: sb.Append(c.Content); break;
                case Markdig.Extensions.Mathematics.MathInline m: sb.Append(m.Content.ToString()); break;
            }
        return sb.ToString().Trim();
    }

    static readonly Regex Ansi = new("\u001b\\[[0-9;]*[A-Za-z]", RegexOptions.Compiled);

    /// <summary>One saved output as HTML: streams and errors as text, displays in their richest form.</summary>
    public static string OutputHtml(JsonObject output)
    {
        switch (output["output_type"]?.GetValue<string>())
        {
            case "stream":
                var name = output["name"]?.GetValue<string>() == "stderr" ? "stderr" : "stdout";
                return $"<pre class=\"output {name}\">{E(NotebookDocument.Text(output["text"]))}</pre>\n";
            case "error":
                var trace = output["traceback"] is JsonArray t ? string.Join("\n", t.Select(x => x?.GetValue<string>() ?? "")) : "";
                var head = $"{output["ename"]?.GetValue<string>()}: {output["evalue"]?.GetValue<string>()}";
                return $"<pre class=\"output error\">{E(Ansi.Replace(trace.Length > 0 ? trace : head, ""))}</pre>\n";
            case "display_data" or "execute_result":
                if (output["data"] is not JsonObject data) return "";
                if (data["text/html"] is { } html) return $"<div class=\"output html\">{NotebookDocument.Text(html)}</div>\n";
                if (data["image/png"] is { } png)
                    return $"<div class=\"output image\"><img alt=\"output\" src=\"data:image/png;base64,{E(NotebookDocument.Text(png).Trim())}\"></div>\n";
                if (data["text/markdown"] is { } md) return $"<div class=\"output markdown\">{MathProtection.ToHtml(NotebookDocument.Text(md))}</div>\n";
                if (data["text/plain"] is { } plain) return $"<pre class=\"output plain\">{E(NotebookDocument.Text(plain))}</pre>\n";
                return "";
            default:
                return "";
        }
    }

    // ---------- extra pages ----------

    /// <summary>
    /// Pages made by other commands of the tool, when the tool has them: the command is run as
    /// <c>book NAME --format html --out FILE NOTEBOOK...</c> and the body of the HTML it writes becomes the page.
    /// </summary>
    public static readonly (string Command, string Title, string FileName)[] CommandPages =
    [
        ("exercises", "Exercises", "exercises.html"),
        ("cards", "Revision cards", "cards.html"),
        ("errata", "Errata", "errata.html"),
    ];

    static List<(IBookPage Page, string Body)> ExtraPages(IReadOnlyList<string> notebooks, TextWriter log)
    {
        var pages = typeof(RenderSite).Assembly.GetTypes()
            .Where(t => typeof(IBookPage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t != typeof(RenderCommandPage))
            .Select(t => (IBookPage)Activator.CreateInstance(t)!)
            .ToList();
        foreach (var (command, title, file) in CommandPages)
        {
            var found = Program.Commands.FirstOrDefault(c => c.Create().Name == command);
            if (found is null) log.WriteLine($"book render: no '{command}' command in this tool: no {title} page");
            else pages.Add(new RenderCommandPage(found, title, file));
        }
        var result = new List<(IBookPage, string)>();
        foreach (var page in pages)
        {
            var body = page.Body(notebooks);
            if (body is not null) result.Add((page, body));
        }
        return result;
    }

    // ---------- assets ----------

    static void CopyAssets(string output)
    {
        var assets = AssetsFolder;
        if (!File.Exists(Path.Combine(assets, "katex", "katex.min.js")))
            throw new FileNotFoundException($"book render: KaTeX is missing from {assets}/katex (see its README)");
        CopyFolder(Path.Combine(assets, "katex"), Path.Combine(output, "katex"));
        foreach (var file in new[] { "book.css", "book.js" }) File.Copy(Path.Combine(assets, file), Path.Combine(output, file), overwrite: true);
        PlotlyJs.WriteTo(output);
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        foreach (var folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}

/// <summary>A page whose body another command of the tool writes (<c>book NAME --format html --out FILE</c>).</summary>
internal sealed class RenderCommandPage(ICommand command, string title, string fileName) : IBookPage
{
    public string Title => title;
    public string FileName => fileName;

    public string? Body(IReadOnlyList<string> notebooks)
    {
        var file = Path.GetTempFileName();
        try
        {
            string[] args = ["--format", "html", "--out", file, .. notebooks.Select(Path.GetFullPath)];
            if (command.Create().Parse(args).Invoke() != 0 || !File.Exists(file)) return null;
            var html = File.ReadAllText(file);
            var body = Regex.Match(html, "<body[^>]*>(.*)</body>", RegexOptions.Singleline);
            return body.Success ? body.Groups[1].Value : html;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
