using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using MachinePerception.Book.Running;

namespace MachinePerception.Book.Notebooks;

/// <summary>
/// What <c>book check</c> verifies about an executed chapter: the nbformat 4.5 schema, the exact Polyglot metadata,
/// every code cell executed without an error (except cells tagged <c>raises-exception</c>), every check printed
/// PASS, no TODO/FIXME left, every image the text shows present, the library loaded in the first code cell, and
/// the file in the canonical form the runner writes.
/// </summary>
public static class NotebookChecker
{
    /// <summary>The interpreter with Debian's python3-nbformat (the pyenv one on PATH lacks it).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>
    /// The first code cell of every chapter in the book's <c>notebooks/</c> folder, the same in all of them: the library
    /// and MathNet as built by <c>dotnet build -c Release lib/MachinePerception</c>, by paths relative to the notebook
    /// (the folder the .NET Interactive kernel and the book runner both run a chapter in). The chapter's usings follow
    /// in the next cell.
    /// </summary>
    public const string ChapterFirstCell =
        "#r \"../lib/MachinePerception/bin/Release/net10.0/MachinePerception.dll\"\n" +
        "#r \"../lib/MachinePerception/bin/Release/net10.0/MathNet.Numerics.dll\"";

    static readonly Regex Leftover = new(@"\b(TODO|FIXME)\b", RegexOptions.Compiled);
    static readonly Regex HtmlImage = new("<img\\s[^>]*src\\s*=\\s*[\"']([^\"']+)[\"']", RegexOptions.Compiled | RegexOptions.IgnoreCase);

    /// <summary>The problems of one notebook, each a line naming the cell (1-based) where one is concerned.</summary>
    public static List<string> Problems(string path)
    {
        var problems = new List<string>();
        NotebookDocument doc;
        try { doc = NotebookDocument.Load(path); }
        catch (InvalidDataException e) { return [e.Message]; }

        if (!JsonNode.DeepEquals(doc.Root["metadata"], NotebookDocument.PolyglotMetadata()))
            problems.Add("notebook metadata is not the exact Polyglot metadata (kernelspec .net-csharp, language_info polyglot-notebook, kernelInfo csharp)");
        if (doc.Root["nbformat"]?.GetValue<int>() != 4 || doc.Root["nbformat_minor"]?.GetValue<int>() != 5)
            problems.Add($"nbformat is {doc.Root["nbformat"]?.ToJsonString()}.{doc.Root["nbformat_minor"]?.ToJsonString()}, expected 4.5");

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        bool bookChapter = IsBookChapter(path);
        bool firstCode = true;
        for (int i = 0; i < doc.Cells.Count; i++)
        {
            var cell = doc.Cell(i);
            var at = $"cell {i + 1}";
            var source = NotebookDocument.Source(cell);
            var type = NotebookDocument.CellType(cell);
            if (cell["id"] is null) problems.Add($"{at}: has no id");
            if (Leftover.Match(source) is { Success: true } m) problems.Add($"{at}: leftover {m.Value} in the source");
            if (type == "markdown")
            {
                foreach (var image in ImagesOf(source))
                    if (!File.Exists(Path.Combine(folder, Uri.UnescapeDataString(image))))
                        problems.Add($"{at}: image '{image}' not found next to the notebook");
                continue;
            }
            if (type != "code") continue;
            if (firstCode && bookChapter && source.TrimEnd() != ChapterFirstCell)
                problems.Add($"{at}: the first code cell of a chapter must be exactly\n{ChapterFirstCell}\n(the same in every chapter; usings go in the next cell)");
            CheckCodeCell(cell, at, firstCode, problems);
            firstCode = false;
        }

        if (problems.Count == 0 && File.ReadAllText(path) != doc.ToJson())
            problems.Add("the file is not in canonical form (sorted keys, 1-space indent): run `book run` on it");
        return problems;
    }

    static void CheckCodeCell(JsonObject cell, string at, bool first, List<string> problems)
    {
        var expected = NotebookDocument.CodeCellMetadata();
        if (cell["metadata"] is JsonObject metadata && metadata["tags"] is { } tags) expected["tags"] = tags.DeepClone();
        if (!JsonNode.DeepEquals(cell["metadata"], expected))
            problems.Add($"{at}: code cell metadata is not the Polyglot C# metadata (dotnet_interactive, polyglot_notebook, vscode)");
        if (first && !NotebookDocument.Source(cell).Split('\n').Any(l => l.TrimStart().StartsWith("#r ", StringComparison.Ordinal) && l.Contains("MachinePerception.dll", StringComparison.Ordinal)))
            problems.Add($"{at}: the first code cell does not load the library (#r \".../MachinePerception.dll\")");
        if (cell["execution_count"] is null) problems.Add($"{at}: not executed");

        bool mayRaise = NotebookDocument.Tags(cell).Contains(NotebookRunner.RaisesException);
        foreach (var output in (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var kind = output["output_type"]?.GetValue<string>();
            if (kind == "error" && !mayRaise)
                problems.Add($"{at}: error output {output["ename"]?.GetValue<string>()}: {output["evalue"]?.GetValue<string>()}");
            if (kind == "stream")
                foreach (var line in NotebookDocument.Text(output["text"]).Split('\n'))
                    if (line.StartsWith("FAIL", StringComparison.Ordinal) && !mayRaise)
                        problems.Add($"{at}: a check failed: {line.Trim()}");
        }
    }

    // A chapter of the book: a notebook in the notebooks/ folder of the repository.
    static bool IsBookChapter(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Path.GetFileName(folder) == "notebooks" && File.Exists(Path.Combine(folder, "..", "MachinePerception.sln"));
    }

    /// <summary>Relative image paths in markdown (<c>![alt](path)</c>) and HTML (<c>&lt;img src&gt;</c>); URLs and attachments excluded.</summary>
    public static IEnumerable<string> ImagesOf(string markdown)
    {
        var found = new List<string>();
        var document = Markdown.Parse(markdown);
        foreach (var link in document.Descendants<LinkInline>())
            if (link.IsImage && link.Url is { } url) found.Add(url);
        foreach (Match m in HtmlImage.Matches(markdown)) found.Add(m.Groups[1].Value);
        return found.Where(u => !u.Contains("://", StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal)
                                && !u.StartsWith("attachment:", StringComparison.Ordinal) && u.Length > 0).Distinct();
    }

    /// <summary>
    /// Validates notebooks against the nbformat schema with Debian's python3-nbformat, in one Python process.
    /// Returns (path, problem) pairs, or null when the validator is not installed.
    /// </summary>
    public static List<(string Path, string Problem)>? SchemaProblems(IReadOnlyList<string> paths)
    {
        if (!File.Exists(Python)) return null;
        const string script = """
            import sys
            try:
                import nbformat
            except ImportError:
                print("MISSING"); sys.exit(0)
            for p in sys.argv[1:]:
                try:
                    nbformat.validate(nbformat.read(p, as_version=4))
                except Exception as e:
                    print(p + "\t" + str(e).splitlines()[0] if str(e) else p + "\t" + type(e).__name__)
            """;
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var p in paths) start.ArgumentList.Add(p);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (stdout.Result.StartsWith("MISSING", StringComparison.Ordinal)) return null;
        var result = new List<(string, string)>();
        foreach (var line in stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            result.Add(tab < 0 ? ("", line) : (line[..tab], "nbformat schema: " + line[(tab + 1)..]));
        }
        if (process.ExitCode != 0) result.Add(("", $"nbformat validator failed: {stderr.Result.Trim()}"));
        return result;
    }
}
