using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MachinePerception.Book.Notebooks;
using static MachinePerception.Book.Tests.BookTool;

namespace MachinePerception.Book.Tests;

/// <summary>
/// Every chapter in notebooks/ runs in smoke mode the three ways a reader can run it, into temporary copies (the
/// committed notebook is not touched): with the book runner, in the real .NET Interactive kernel through Jupyter's own
/// client, and as the .NET file-based app that <c>book export</c> writes. Each must finish without an error output or
/// a FAIL line, and the kernel and the exported app must print exactly the PASS lines that the book runner prints.
/// Each run adds a line to artifacts/chapter-tests.tsv (chapter, way, code cells, error outputs, PASS lines, seconds).
/// </summary>
[Collection("runner")]
public sealed class ChapterTests
{
    const string NoChapters = "(no chapters yet)";

    public static TheoryData<string> ChapterNames()
    {
        var data = new TheoryData<string>();
        foreach (var path in Chapters.All()) data.Add(Path.GetFileNameWithoutExtension(path));
        // A theory without rows is an error in xunit: while the book has no chapters, one row says so.
        if (data.Count == 0) data.Add(NoChapters);
        return data;
    }

    static readonly Dictionary<string, string> Smoke = new() { ["BOOK_SMOKE"] = "1" };

    // The book runner's smoke run of a chapter, made once and shared by the three tests of that chapter.
    static readonly ConcurrentDictionary<string, Lazy<string>> BookRuns = new();

    static string BookRun(string chapter) => BookRuns.GetOrAdd(chapter, c => new Lazy<string>(() =>
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("book-smoke-").FullName, c + ".ipynb");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = Run(TimeSpan.FromMinutes(10), "run", c, "--smoke", "--output", output);
        Record(c, "book run", File.Exists(output) ? CodeCells(output) : 0, run.Code == 0 ? 0 : 1, File.Exists(output) ? PassLines(output).Count : 0, clock.Elapsed);
        Assert.True(run.Code == 0, $"book run {c} --smoke failed:\n{run.StdErr}");
        return output;
    })).Value;

    [Theory]
    [MemberData(nameof(ChapterNames))]
    public void Runs_with_the_book_runner_without_errors(string chapter)
    {
        if (chapter == NoChapters)
        {
            Assert.Empty(Chapters.All());
            return;
        }
        var problems = NotebookChecker.Problems(BookRun(chapter));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.NotEmpty(PassLines(BookRun(chapter)));
    }

    static readonly Lazy<bool> LibraryBuilt = new(() =>
    {
        // The chapters' first cell loads the Release build of the library, as a reader's kernel does.
        var build = Process(TimeSpan.FromMinutes(5), Root, "build", "-c", "Release", "lib/MachinePerception", "-nologo", "-v", "q");
        Assert.True(build.Code == 0, build.StdOut + build.StdErr);
        return true;
    });

    [KernelTheory]
    [MemberData(nameof(ChapterNames))]
    public void Runs_in_the_dotnet_interactive_kernel_with_no_error_and_the_same_checks(string chapter)
    {
        if (chapter == NoChapters) return;
        Assert.True(JupyterKernel.MissingReason is null, $"the .NET Interactive kernel is required here (BOOK_REQUIRE_KERNEL=1) but: {JupyterKernel.MissingReason}");
        Assert.True(LibraryBuilt.Value);
        var folder = Directory.CreateTempSubdirectory("book-kernel-").FullName;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var executed = JupyterKernel.Execute(Chapters.Resolve("test", chapter), folder, Smoke, TimeSpan.FromMinutes(15));
        var notebook = (JsonObject)JsonNode.Parse(File.ReadAllText(executed))!;
        var problems = new List<string>();
        var cells = notebook["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i]!.AsObject();
            if (NotebookDocument.Tags(cell).Contains(Running.NotebookRunner.RaisesException)) continue;
            foreach (var output in (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (output["output_type"]?.GetValue<string>() == "error")
                    problems.Add($"cell {i + 1}: {output["ename"]}: {output["evalue"]}");
                if (output["output_type"]?.GetValue<string>() == "stream")
                    problems.AddRange(Joined(output["text"]).Split('\n').Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).Select(l => $"cell {i + 1}: {l}"));
            }
        }
        Record(chapter, "kernel", CodeCells(executed), problems.Count, PassLines(executed).Count, clock.Elapsed);
        Assert.True(problems.Count == 0, $"{chapter} in the kernel ({executed}):\n" + string.Join("\n", problems));
        AssertSameChecks(PassLines(BookRun(chapter)), PassLines(executed), "the kernel");
    }

    [Theory]
    [MemberData(nameof(ChapterNames))]
    public void Runs_as_an_exported_program_with_the_same_checks(string chapter)
    {
        if (chapter == NoChapters) return;
        var folder = Directory.CreateTempSubdirectory("book-export-").FullName;
        var file = Path.Combine(folder, chapter.Replace('-', '_') + ".cs");
        var export = Run("export", chapter, "-o", file);
        Assert.True(export.Code == 0, export.StdErr);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var app = Process(TimeSpan.FromMinutes(15), folder, Smoke, "run", file);
        var lines = app.StdOut.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Record(chapter, "export", 0, app.Code == 0 ? 0 : 1, lines.Count(l => l.StartsWith("PASS", StringComparison.Ordinal)), clock.Elapsed);
        Assert.True(app.Code == 0, $"dotnet run {file} failed:\n{app.StdOut}\n{app.StdErr}");
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        AssertSameChecks(PassLines(BookRun(chapter)), lines.Where(l => l.StartsWith("PASS", StringComparison.Ordinal)).ToList(), "the exported program");
    }

    static readonly object RecordLock = new();

    /// <summary>One line of artifacts/chapter-tests.tsv: how a chapter ran one way (0 code cells where the way has none).</summary>
    static void Record(string chapter, string way, int codeCells, int errors, int passLines, TimeSpan time)
    {
        var file = Path.Combine(Root, "artifacts", "chapter-tests.tsv");
        lock (RecordLock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            if (!File.Exists(file)) File.WriteAllText(file, "chapter\tway\tcode cells\terrors\tPASS lines\tseconds\n");
            File.AppendAllText(file, FormattableString.Invariant($"{chapter}\t{way}\t{codeCells}\t{errors}\t{passLines}\t{time.TotalSeconds:F0}\n"));
        }
    }

    static int CodeCells(string notebook) =>
        ((JsonObject)JsonNode.Parse(File.ReadAllText(notebook))!)["cells"]!.AsArray().Count(c => c!["cell_type"]?.GetValue<string>() == "code");

    /// <summary>The PASS lines a notebook's cells printed, in order.</summary>
    static List<string> PassLines(string notebook)
    {
        var lines = new List<string>();
        foreach (var cell in ((JsonObject)JsonNode.Parse(File.ReadAllText(notebook))!)["cells"]!.AsArray())
            foreach (var output in (cell!["outputs"] as JsonArray ?? []).OfType<JsonObject>())
                if (output["output_type"]?.GetValue<string>() == "stream")
                    lines.AddRange(Joined(output["text"]).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("PASS", StringComparison.Ordinal)));
        return lines;
    }

    static void AssertSameChecks(List<string> expected, List<string> actual, string where)
    {
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            Assert.True(expected[i] == actual[i], $"PASS line {i + 1} differs in {where}:\n  book run: {expected[i]}\n  {where}: {actual[i]}");
        Assert.True(expected.Count == actual.Count, $"{where} printed {actual.Count} PASS lines, the book runner {expected.Count}");
    }
}
