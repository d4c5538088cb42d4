using System.Text.Json.Nodes;
using MachinePerception.Book.Notebooks;
using static MachinePerception.Book.Tests.BookTool;

namespace MachinePerception.Book.Tests;

/// <summary>The demo chapter, executed once; `book check` and `book export` are tested on it.</summary>
public sealed class DemoRun
{
    public string Path { get; } = Copy("demo.ipynb");
    public Result Result { get; }

    public DemoRun() => Result = Run("run", Path);
}

[Collection("runner")]
public sealed class CheckAndExportTests(DemoRun demo) : IClassFixture<DemoRun>
{
    [Fact]
    public void The_demo_chapter_runs_shows_a_tensor_and_passes_its_check()
    {
        Assert.True(demo.Result.Code == 0, demo.Result.StdErr);
        var notebook = Load(demo.Path);
        var tensor = Outputs(notebook, 4).Single()!["data"]!;
        Assert.Contains("<caption>tensor, shape [2, 3], float64</caption>", Joined(tensor["text/html"]));
        Assert.StartsWith("tensor([[1, 2, 3],", Joined(tensor["text/plain"]));
        Assert.StartsWith("PASS  sum of the entries = n(n+1)/2: 21 vs 21", Joined(Outputs(notebook, 6).Single()!["text"]));
    }

    [Fact]
    public void Book_check_passes_an_executed_chapter()
    {
        var r = Run("check", demo.Path);
        Assert.True(r.Code == 0, r.StdOut + r.StdErr);
        Assert.Contains("1 notebooks, no problems", r.StdErr);
    }

    // A broken copy of the executed demo: each test breaks one thing and expects exactly that problem.
    string Broken(Action<JsonObject> breakIt, string name = "broken.ipynb")
    {
        var notebook = Load(demo.Path);
        breakIt(notebook);
        var folder = Directory.CreateTempSubdirectory("book-check-").FullName;
        var path = System.IO.Path.Combine(folder, name);
        File.WriteAllText(path, NotebookJson.Write(notebook));
        return path;
    }

    static void AddToMarkdown(JsonObject notebook, string line) =>
        Cell(notebook, 1)["source"]!.AsArray().Add("\n" + line);

    [Fact]
    public void Check_finds_wrong_metadata() =>
        Assert.Contains(NotebookChecker.Problems(Broken(n => n["metadata"]!["kernelspec"]!["name"] = "python3")),
            p => p.StartsWith("notebook metadata is not the exact Polyglot metadata"));

    [Fact]
    public void Check_finds_an_error_output_and_an_unexecuted_cell()
    {
        var path = Broken(n =>
        {
            Outputs(n, 6).Add(NotebookDocument.ErrorOutput("InvalidOperationException", "boom", []));
            Cell(n, 4)["execution_count"] = null;
        });
        var problems = NotebookChecker.Problems(path);
        Assert.Contains("cell 6: error output InvalidOperationException: boom", problems);
        Assert.Contains("cell 4: not executed", problems);
    }

    [Fact]
    public void Check_finds_a_failed_check_line() =>
        Assert.Contains("cell 6: a check failed: FAIL  x: 1 vs 2",
            NotebookChecker.Problems(Broken(n => Outputs(n, 6)[0]!["text"] = NotebookDocument.Lines("FAIL  x: 1 vs 2\n"))));

    [Fact]
    public void Check_finds_leftover_todo_and_missing_images()
    {
        var problems = NotebookChecker.Problems(Broken(n =>
        {
            AddToMarkdown(n, "TODO: explain this");
            AddToMarkdown(n, "![a figure](images/missing.png) <img src=\"also-missing.png\"> ![remote](https://example.org/x.png)");
        }));
        Assert.Contains("cell 1: leftover TODO in the source", problems);
        Assert.Contains("cell 1: image 'images/missing.png' not found next to the notebook", problems);
        Assert.Contains("cell 1: image 'also-missing.png' not found next to the notebook", problems);
        Assert.DoesNotContain(problems, p => p.Contains("example.org"));
    }

    [Fact]
    public void Check_finds_a_first_cell_without_the_library_and_wrong_cell_metadata()
    {
        var problems = NotebookChecker.Problems(Broken(n =>
        {
            Cell(n, 2)["source"] = NotebookDocument.Lines("using System;");
            Cell(n, 4)["metadata"]!["vscode"]!["languageId"] = "csharp";
        }));
        Assert.Contains(problems, p => p.StartsWith("cell 2: the first code cell does not load the library"));
        Assert.Contains(problems, p => p.StartsWith("cell 4: code cell metadata is not the Polyglot C# metadata"));
    }

    [Fact]
    public void Check_command_exits_nonzero_and_lists_problems_including_the_schema()
    {
        var path = Broken(n => Cell(n, 4)["cell_type"] = "codez");
        var r = Run("check", path);
        Assert.Equal(1, r.Code);
        if (File.Exists(NotebookChecker.Python)) Assert.Contains("nbformat schema", r.StdOut);
        else Assert.Contains("schema validation skipped", r.StdErr);
    }

    [Fact]
    public void Export_writes_a_file_based_app_that_runs()
    {
        var folder = Directory.CreateTempSubdirectory("book-export-").FullName;
        var file = System.IO.Path.Combine(folder, "demo.cs");
        var export = Run("export", demo.Path, "-o", file);
        Assert.True(export.Code == 0, export.StdErr);
        var text = File.ReadAllText(file);
        Assert.Contains("#:project ", text);
        Assert.Contains("// # Demo chapter", text);
        Assert.Contains("display(a);", text);

        var app = Process(TimeSpan.FromMinutes(4), folder, "run", file);
        Assert.True(app.Code == 0, app.StdOut + app.StdErr);
        Assert.Contains("tensor([[1, 2, 3],", app.StdOut);
        Assert.Contains("PASS  sum of the entries = n(n+1)/2", app.StdOut);
    }
}

public sealed class ExportRulesTests
{
    static string Notebook(params string[] cells)
    {
        var doc = new JsonObject
        {
            ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code",
                ["metadata"] = new JsonObject(),
                ["outputs"] = new JsonArray(),
                ["source"] = NotebookDocument.Lines(c),
            }).ToArray()),
            ["metadata"] = NotebookDocument.PolyglotMetadata(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(Directory.CreateTempSubdirectory("book-export-rules-").FullName, "ch.ipynb");
        File.WriteAllText(path, NotebookJson.Write(doc));
        return path;
    }

    [Fact]
    public void A_cell_tagged_raises_exception_is_wrapped_so_the_app_goes_on()
    {
        var path = Notebook("var y = 1;", "throw new Exception(\"on purpose\");", "Console.WriteLine(y);");
        var doc = JsonNode.Parse(File.ReadAllText(path))!;
        doc["cells"]![1]!["metadata"] = new JsonObject { ["tags"] = new JsonArray("raises-exception") };
        File.WriteAllText(path, NotebookJson.Write(doc));
        var code = ChapterExporter.Export(path, path + ".cs");
        Assert.Contains("try\n{\n    throw new Exception(\"on purpose\");\n}\ncatch (Exception e)", code);
        Assert.Contains("Console.WriteLine(y);", code);
    }

    [Fact]
    public void A_name_declared_in_two_cells_is_refused_with_both_cell_numbers()
    {
        var path = Notebook("var x = 1;", "Console.WriteLine(x);", "var x = 2;");
        var e = Assert.Throws<InvalidDataException>(() => ChapterExporter.Export(path, path + ".cs"));
        Assert.StartsWith("book export: 'x' is declared in cell 1 and again in cell 3", e.Message);
    }

    [Fact]
    public void A_nested_name_that_a_top_level_variable_also_has_is_renamed_within_its_scope_only()
    {
        var path = Notebook(
            "var positive = 1;",
            "for (int i = 0; i < 2; i++) { bool positive = i > 0; Console.WriteLine(positive); }",
            "Func<int, int> next = positive => positive + 1;\nvar p = new { Value = 1 }.Value;",
            "Console.WriteLine(next(positive) + p);");
        var code = ChapterExporter.Export(path, path + ".cs");
        Assert.Contains("bool positive_ = i > 0; Console.WriteLine(positive_);", code);
        Assert.Contains("next = positive_ => positive_ + 1;", code);
        Assert.Contains("var positive = 1;", code);
        Assert.Contains("Console.WriteLine(next(positive) + p);", code);
    }

    [Fact]
    public void Usings_go_to_the_top_types_to_the_end_and_a_final_value_is_displayed()
    {
        var path = Notebook("#r \"x/MachinePerception.dll\"\nusing System.IO;\nvar p = new P(1);", "record P(int A);\np.A + 1");
        var code = ChapterExporter.Export(path, path + ".cs");
        int usingAt = code.IndexOf("using System.IO;", StringComparison.Ordinal);
        int firstStatement = code.IndexOf("var p = new P(1);", StringComparison.Ordinal);
        int typeAt = code.IndexOf("record P(int A);", StringComparison.Ordinal);
        Assert.True(usingAt >= 0 && usingAt < firstStatement && firstStatement < typeAt, code);
        Assert.Contains("display(p.A + 1);", code);
        Assert.DoesNotContain("\n#r ", code);
    }
}
