using System.Diagnostics;
using System.Text.Json.Nodes;
using MachinePerception.Book.Notebooks;

namespace MachinePerception.Book.Tests;

public sealed class NotebookJsonTests
{
    [Theory]
    [InlineData("state.ipynb")]
    [InlineData("demo.ipynb")]
    [InlineData("errors.ipynb")]
    public void Writing_a_fixture_back_gives_the_bytes_python_json_wrote(string fixture)
    {
        // The fixtures were written by Python's json.dump(indent=1, sort_keys=True, ensure_ascii=False): an independent writer.
        var path = Path.Combine(BookTool.Fixtures, fixture);
        Assert.Equal(File.ReadAllText(path), NotebookJson.Write(JsonNode.Parse(File.ReadAllText(path))));
    }

    [Fact]
    public void Escapes_and_key_order_match_python()
    {
        var node = new JsonObject { ["b"] = "tab\there \"q\" \\ é ∑ \u0001", ["a"] = new JsonArray(), ["c"] = new JsonObject(), ["d"] = 3 };
        var ours = NotebookJson.Write(node);
        Assert.Equal("{\n \"a\": [],\n \"b\": \"tab\\there \\\"q\\\" \\\\ é ∑ \\u0001\",\n \"c\": {},\n \"d\": 3\n}\n", ours);
        if (!File.Exists(NotebookChecker.Python)) return;
        var start = new ProcessStartInfo(NotebookChecker.Python) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read()), indent=1, sort_keys=True, ensure_ascii=False) + '\\n')");
        start.StandardOutputEncoding = System.Text.Encoding.UTF8;
        start.StandardInputEncoding = new System.Text.UTF8Encoding(false);
        using var p = Process.Start(start)!;
        p.StandardInput.Write(ours);
        p.StandardInput.Close();
        Assert.Equal(ours, p.StandardOutput.ReadToEnd());
        p.WaitForExit();
    }

    [Fact]
    public void Lines_keep_their_newlines_like_nbformat()
    {
        Assert.Equal(["a\n", "\n", "b"], NotebookDocument.Lines("a\n\nb").Select(x => x!.GetValue<string>()));
        Assert.Empty(NotebookDocument.Lines(""));
        Assert.Equal(["x\n"], NotebookDocument.Lines("x\n").Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public void Cell_ids_are_stable_distinct_and_valid()
    {
        Assert.Equal(NotebookDocument.CellId("14-appendix", 3), NotebookDocument.CellId("14-appendix", 3));
        var ids = Enumerable.Range(0, 500).Select(i => NotebookDocument.CellId("14-appendix", i)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}$", id));
    }

    [Fact]
    public void Save_replaces_the_file_and_leaves_no_temporary_file()
    {
        var path = BookTool.Copy("demo.ipynb");
        var doc = NotebookDocument.Load(path);
        doc.Canonicalize();
        doc.Save();
        Assert.Equal(doc.ToJson(), File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_the_original_file_intact()
    {
        var path = BookTool.Copy("demo.ipynb");
        var before = File.ReadAllBytes(path);
        var doc = NotebookDocument.Load(path);
        doc.Canonicalize();
        // Block the temporary file with a folder of the same name: writing it fails, as a full disk or a crash would.
        Directory.CreateDirectory(path + ".tmp-" + Environment.ProcessId);
        Assert.ThrowsAny<SystemException>(() => doc.Save());   // UnauthorizedAccessException on Linux (EISDIR)
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Loading_a_broken_file_names_it()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("book-json-").FullName, "bad.ipynb");
        File.WriteAllText(path, "{ \"cells\": [");
        var e = Assert.Throws<InvalidDataException>(() => NotebookDocument.Load(path));
        Assert.StartsWith($"notebook {path}: not valid JSON", e.Message);
    }
}
