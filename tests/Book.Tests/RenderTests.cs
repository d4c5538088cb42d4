using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MachinePerception.Book.Notebooks;
using MachinePerception.Display;
using MachinePerception.Display.Plots;
using Xunit.Abstractions;
using Tensor = MachinePerception.Tensors.Tensor;

namespace MachinePerception.Book.Tests;

/// <summary>Executed notebooks made in the test (outputs included), as <c>book run</c> would leave them.</summary>
static class RenderFixtures
{
    static JsonObject Markdown(string source) => new()
    {
        ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = NotebookDocument.Lines(source),
    };

    static JsonObject Code(string source, params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = 1, ["metadata"] = NotebookDocument.CodeCellMetadata(),
        ["source"] = NotebookDocument.Lines(source), ["outputs"] = new JsonArray(outputs),
    };

    static FormattedValue Shown(Figure f)
    {
        bool saved = Figure.UseChromium;
        Figure.UseChromium = false; // the chart's own PNG is tested with the plot helpers; here the page draws it
        try { return f.ToDisplay(); }
        finally { Figure.UseChromium = saved; }
    }

    /// <summary>Writes two chapters into <paramref name="folder"/> and returns their paths in book order.</summary>
    public static string[] Write(string folder)
    {
        var savedImages = Figure.ImagesFolder;
        Figure.ImagesFolder = Path.Combine(folder, "images");
        ElementIds.Reset();
        try
        {
            var grid = Tensor.FromArray(Enumerable.Range(0, 4 * 16).Select(i => (i % 16) / 15.0).ToArray(), 4, 1, 4, 4);
            var first = Notebook(folder, "91-basics",
                Markdown("# Basics of the book\n\nThe mean is $\\mathbb{E}[x] = \\mu$ and the gradient of the log-likelihood is\n\n" +
                         "$$\n\\nabla_\\theta \\log p_\\theta(x) = \\frac{1}{n}\\sum_{i=1}^{n} x_i^2 .\n$$\n\n## Loss curves"),
                Code("var x = 1; // a comment\nConsole.WriteLine($\"x = {x}\");",
                     NotebookDocument.StreamOutput("stdout", "x = 1\n")),
                Code("display(Plot.Loss(\"loss\", (\"train\", train)));",
                     NotebookDocument.DisplayData(Shown(Plot.Loss("loss", ("train", [1.0, 0.5, 0.25, 0.125]), ("test", [1.2, 0.7, 0.4, 0.3]))))),
                Markdown("## Samples and errors\n\nA grid of samples, then a cell that fails on purpose (< and & are escaped)."),
                Code("display(Plot.ImageGrid(\"samples\", x));", NotebookDocument.DisplayData(Shown(Plot.ImageGrid("samples", grid, columns: 2, scale: 4)))),
                Code("throw new InvalidOperationException(\"boom\");",
                     NotebookDocument.ErrorOutput("InvalidOperationException", "boom <&>", ["InvalidOperationException: boom <&>", "   at cell 6, line 1"])),
                Markdown("## Summary\n\nA second *Summary* below must get its own anchor."),
                Markdown("## Summary\n\nDone: $a^2 + b^2 = c^2$."));
            var second = Notebook(folder, "92-geometry",
                Markdown("# Points and fields\n\nA rotation $R \\in SO(3)$ keeps lengths: $\\lVert R x \\rVert = \\lVert x \\rVert$.\n\n## Classes"),
                Code("Plot.Scatter(\"classes\", points, labels)",
                     NotebookDocument.DisplayData(Shown(Plot.Scatter("classes", Tensor.FromArray([0.0, 0, 1, 1, 2, 0, 0, 2], 4, 2), [0, 1, 0, 1])))),
                Code("Plot.Density(\"bowl\", ...)",
                     NotebookDocument.DisplayData(Shown(Plot.Density("bowl", (x, y) => x * x + 2 * y * y, (-1, 1), (-1, 1), 20,
                         [("gradient descent", [(0.9, 0.8), (0.5, 0.2), (0.2, 0.05), (0.0, 0.0)])])))));
            first.Save();
            second.Save();
            return [first.Path, second.Path];
        }
        finally
        {
            Figure.ImagesFolder = savedImages;
        }
    }

    static NotebookDocument Notebook(string folder, string chapter, params JsonObject[] cells)
    {
        var path = Path.Combine(folder, chapter + ".ipynb");
        File.WriteAllText(path, new JsonObject { ["cells"] = new JsonArray(cells) }.ToJsonString());
        var doc = NotebookDocument.Load(path);
        doc.Canonicalize();
        return doc;
    }
}

// The fixtures use process-wide state (figure counter, images folder): the render tests run one at a time.
[Collection("render")]
public sealed class RenderTests : IDisposable
{
    readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("render-tests-");

    public void Dispose() => folder.Delete(recursive: true);

    (string[] Notebooks, string Site) RenderFixture()
    {
        var notebooks = RenderFixtures.Write(folder.FullName);
        var site = Path.Combine(folder.FullName, "site");
        RenderSite.Render(notebooks, site, TextWriter.Null);
        return (notebooks, site);
    }

    [Fact]
    public void Contents_lists_chapters_in_order_with_their_headings()
    {
        var (_, site) = RenderFixture();
        var index = File.ReadAllText(Path.Combine(site, "index.html"));
        int first = index.IndexOf("<a href=\"91-basics.html\">Basics of the book</a>", StringComparison.Ordinal);
        int second = index.IndexOf("<a href=\"92-geometry.html\">Points and fields</a>", StringComparison.Ordinal);
        Assert.True(first > 0 && second > first, index);
        Assert.Contains("<a href=\"91-basics.html#loss-curves\">Loss curves</a>", index);
        Assert.Contains("<a href=\"91-basics.html#summary\">Summary</a>", index);
        Assert.Contains("<a href=\"91-basics.html#summary-2\">Summary</a>", index);
    }

    [Fact]
    public void Chapter_page_has_math_code_outputs_and_charts_and_nothing_online()
    {
        var (_, site) = RenderFixture();
        var page = File.ReadAllText(Path.Combine(site, "91-basics.html"));
        Assert.Contains("<span class=\"math\">\\(\\mathbb{E}[x] = \\mu\\)</span>", page);
        Assert.Matches("<div class=\"math\">\\s*\\\\\\[\\s*\\\\nabla", page);
        Assert.Contains("<span class=\"kw\">var</span> x = <span class=\"num\">1</span>; <span class=\"com\">// a comment</span>", page);
        Assert.Contains("<span class=\"str\">$&quot;x = {x}&quot;</span>", page);
        Assert.Contains("<pre class=\"output stdout\">x = 1\n</pre>", page);
        Assert.Contains("<pre class=\"output error\">InvalidOperationException: boom &lt;&amp;&gt;", page);
        Assert.Contains("<img alt=\"output\" src=\"data:image/png;base64,iVBOR", page);
        Assert.Contains("Plotly.newPlot", page);
        Assert.Contains($"<script src=\"{PlotlyJs.FileName}\"></script>", page);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", page);
        foreach (var asset in new[] { PlotlyJs.FileName, "book.css", "book.js", "katex/katex.min.js", "katex/katex.min.css",
                                      "katex/contrib/auto-render.min.js", "katex/fonts/KaTeX_Main-Regular.woff2" })
            Assert.True(File.Exists(Path.Combine(site, asset)), asset);
        // A page without charts does not load plotly.js.
        Assert.DoesNotContain(PlotlyJs.FileName, File.ReadAllText(Path.Combine(site, "index.html")));
    }

    [Fact]
    public void Rendering_twice_gives_the_same_files()
    {
        var (notebooks, site) = RenderFixture();
        var again = Path.Combine(folder.FullName, "again");
        RenderSite.Render(notebooks, again, TextWriter.Null);
        foreach (var name in new[] { "index.html", "91-basics.html", "92-geometry.html" })
            Assert.Equal(File.ReadAllText(Path.Combine(site, name)), File.ReadAllText(Path.Combine(again, name)));
    }

    [Fact]
    public void Book_render_command_writes_the_site()
    {
        var notebooks = RenderFixtures.Write(folder.FullName);
        var site = Path.Combine(folder.FullName, "cli-site");
        var result = BookTool.Run(["render", .. notebooks, "-o", site]);
        Assert.True(result.Code == 0, result.StdErr);
        Assert.True(File.Exists(Path.Combine(site, "index.html")));
        Assert.True(File.Exists(Path.Combine(site, "92-geometry.html")));
        Assert.Contains("index.html", result.StdErr);
        var bad = BookTool.Run("render", "--nonsense");
        Assert.Equal(2, bad.Code);
        Assert.StartsWith("book render: unknown option '--nonsense'", bad.StdErr);
    }

    sealed class FakeCards : ICommand
    {
        public string[] Seen = [];

        public System.CommandLine.Command Create()
        {
            var args = new System.CommandLine.Argument<string[]>("args") { Arity = System.CommandLine.ArgumentArity.ZeroOrMore };
            var command = new System.CommandLine.Command("cards") { TreatUnmatchedTokensAsErrors = false };
            command.Arguments.Add(args);
            command.SetAction(r =>
            {
                Seen = [.. r.Tokens.Select(t => t.Value)];
                File.WriteAllText(Seen[3], "<!DOCTYPE html><html><head><title>x</title></head><body>\n<h1>Cards</h1><p><span class=\"math\">\\(x\\)</span></p></body></html>");
                return 0;
            });
            return command;
        }
    }

    [Fact]
    public void A_command_page_takes_the_body_of_the_html_the_command_writes()
    {
        var cards = new FakeCards();
        var page = new RenderCommandPage(cards, "Revision cards", "cards.html");
        var body = page.Body(["a/01-x.ipynb"]);
        Assert.Equal("\n<h1>Cards</h1><p><span class=\"math\">\\(x\\)</span></p>", body);
        Assert.Equal(["--format", "html", "--out"], cards.Seen[..3]);
        Assert.Equal(Path.GetFullPath("a/01-x.ipynb"), cards.Seen[4]);
        Assert.False(File.Exists(cards.Seen[3])); // the temporary file is removed
    }

    [Theory]
    [InlineData("var s = @\"a\"\"b\"; char c = '\\'';", "<span class=\"str\">@&quot;a&quot;&quot;b&quot;</span>")]
    [InlineData("#r \"nuget: X\"\nint n = 0x1F;", "<span class=\"pre\">#r &quot;nuget: X&quot;</span>\n<span class=\"kw\">int</span> n = <span class=\"num\">0x1F</span>;")]
    [InlineData("/* a \"b\" */ return 1.5e-3;", "<span class=\"com\">/* a &quot;b&quot; */</span> <span class=\"kw\">return</span> <span class=\"num\">1.5e-3</span>;")]
    [InlineData("x.Item1 // done", "x.Item1 <span class=\"com\">// done</span>")]
    public void Highlighter_colours_csharp(string code, string expected) =>
        Assert.Contains(expected, RenderCSharp.ToHtml(code));

    [Fact]
    public void Highlighter_keeps_every_character()
    {
        const string code = "var t = $\"{a} \\\" b\"; // ü < > &\n#r \"x.dll\"\nif (a && b) return 'c';";
        var text = System.Net.WebUtility.HtmlDecode(Regex.Replace(RenderCSharp.ToHtml(code), "<[^>]+>", ""));
        Assert.Equal(code, text);
    }
}

/// <summary>Opens the rendered pages in headless Chromium: no console errors, math typeset, charts drawn.</summary>
[Collection("render")]
public sealed class RenderBrowserTests(ITestOutputHelper output) : IDisposable
{
    readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("render-browser-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void Pages_load_without_errors_with_math_typeset_and_charts_drawn()
    {
        if (!Chromium.Available)
        {
            output.WriteLine($"SKIPPED: no Chromium at {Chromium.ExecutablePath}; the browser checks of the HTML book need it.");
            return;
        }
        CheckInBrowser(RenderFixtures.Write(folder.FullName));
    }

    [Fact]
    public void The_real_chapters_load_without_errors_with_math_typeset_and_charts_drawn()
    {
        // As `book run` left them (their saved outputs); a second or so per page.
        if (!Chromium.Available || Chapters.All().Count == 0)
        {
            output.WriteLine($"SKIPPED: {(Chromium.Available ? $"no chapters in {Chapters.Folder}" : $"no Chromium at {Chromium.ExecutablePath}")}.");
            return;
        }
        CheckInBrowser(Chapters.All());
    }

    void CheckInBrowser(IReadOnlyList<string> notebooks)
    {
        var site = Path.Combine(folder.FullName, "site-" + Path.GetFileNameWithoutExtension(notebooks[0]));
        var chapters = RenderSite.Render(notebooks, site, TextWriter.Null);
        var screenshots = Path.Combine(BookTool.Root, "artifacts", "render-tests");
        Directory.CreateDirectory(screenshots);

        // Every page: the chapters, the contents and the extra pages (exercises, cards, errata) when the tool makes them.
        foreach (var page in Directory.GetFiles(site, "*.html").Select(Path.GetFileName).Order(StringComparer.Ordinal).Cast<string>())
        {
            var path = Path.Combine(site, page);
            var problems = Problems(path);
            Assert.True(problems.Count == 0, $"{page}:\n{string.Join('\n', problems)}");
            if (chapters.Any(c => c.FileName == page))
                Chromium.Screenshot(path, Path.Combine(screenshots, Path.ChangeExtension(page, ".png")), 1000, 800);
        }
        output.WriteLine($"checked the pages of {chapters.Count} chapters; screenshots in {screenshots}");
    }

    // Headless Chromium logs its own performance notices about software WebGL (3-D charts) and canvas read-backs
    // through the same console channel; they come from the browser, not from the page's scripts.
    static readonly string[] BrowserNotices =
    [
        "GL Driver Message", "Automatic fallback to software WebGL", "willReadFrequently",
    ];

    static bool IsBrowserNotice(string line) => BrowserNotices.Any(n => line.Contains(n, StringComparison.Ordinal));

    /// <summary>What is wrong with a page once Chromium has run its scripts; empty when nothing is.</summary>
    static List<string> Problems(string path)
    {
        var result = Chromium.DumpDom(path);
        var problems = result.StandardError.Split('\n')
            .Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal) && !IsBrowserNotice(l)).Select(l => "console: " + l).ToList();
        var dom = result.StandardOutput;
        if (!dom.Contains("</html>", StringComparison.Ordinal)) problems.Add("no DOM came back");
        var html = File.ReadAllText(path);
        int formulas = Regex.Matches(html, "class=\"math\"").Count, typeset = Regex.Matches(dom, "class=\"katex\"").Count;
        if (typeset < formulas) problems.Add($"KaTeX typeset {typeset} of {formulas} formulas");
        if (dom.Contains("katex-error", StringComparison.Ordinal)) problems.Add("KaTeX shows an error");
        // No formula left as source: outside code, outputs and scripts, no \( or $ remains.
        var prose = Regex.Replace(dom, "<(pre|script|style|annotation)[^>]*>.*?</\\1>", "", RegexOptions.Singleline);
        prose = Regex.Replace(prose, "<[^>]+>", "");
        if (prose.Contains("\\(", StringComparison.Ordinal) || prose.Contains('$')) problems.Add("raw math left in the text");
        int charts = Regex.Matches(html, "Plotly\\.newPlot").Count, drawn = Regex.Matches(dom, "class=\"main-svg\"").Count;
        if (drawn < charts) problems.Add($"Plotly drew {drawn} of {charts} charts");
        return problems;
    }

    [Theory]
    [InlineData("Bad: $\\\\notacommand{x}$ here.", "console: ")]   // KaTeX reports a parse error
    [InlineData("Bad: $\\\\frac{1}{$ here.", "raw math")]            // auto-render finds no end and leaves the source
    public void A_broken_formula_is_reported(string markdown, string expected)
    {
        // The checks above are only worth something if a broken page fails them.
        if (!Chromium.Available)
        {
            output.WriteLine($"SKIPPED: no Chromium at {Chromium.ExecutablePath}.");
            return;
        }
        var path = Path.Combine(folder.FullName, "09-broken.ipynb");
        File.WriteAllText(path, "{\"cells\": [{\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"# Broken\\n\", \"\\n\", \"" + markdown + "\"]}]}");
        RenderSite.Render([path], Path.Combine(folder.FullName, "site"), TextWriter.Null);
        var problems = Problems(Path.Combine(folder.FullName, "site", "09-broken.html"));
        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }
}
