using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MachinePerception.Display;

namespace MachinePerception.Book.Notebooks;

/// <summary>
/// One chapter's .ipynb as a JSON tree, with the conventions of the book: the exact Polyglot metadata, code
/// cells marked as C#, ids derived from the chapter name and cell index, and a save that never leaves a
/// half-written file (write a temporary file beside it, then replace).
/// </summary>
public sealed class NotebookDocument
{
    public string Path { get; }
    public JsonObject Root { get; }

    NotebookDocument(string path, JsonObject root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>The chapter's name: the file name without .ipynb (e.g. <c>14-appendix</c>).</summary>
    public string Chapter => System.IO.Path.GetFileNameWithoutExtension(Path);

    public JsonArray Cells => Root["cells"] as JsonArray
        ?? throw new InvalidDataException($"notebook {Path}: has no \"cells\" array");

    public static NotebookDocument Load(string path)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"notebook {path}: not valid JSON: {e.Message}", e); }
        if (node is not JsonObject root) throw new InvalidDataException($"notebook {path}: the top level is not a JSON object");
        var doc = new NotebookDocument(path, root);
        _ = doc.Cells;
        return doc;
    }

    /// <summary>The metadata every chapter carries, exactly as the Polyglot extension writes it (NOTEBOOKS.md).</summary>
    public static JsonObject PolyglotMetadata() => new()
    {
        ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
        ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook", ["pygments_lexer"] = "csharp" },
        ["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        },
    };

    /// <summary>The metadata of a C# code cell in a Polyglot notebook.</summary>
    public static JsonObject CodeCellMetadata() => new()
    {
        ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
        ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        ["vscode"] = new JsonObject { ["languageId"] = "polyglot-notebook" },
    };

    /// <summary>A cell id that depends only on the chapter and the cell's position (8 hex digits, like the extension's).</summary>
    public static string CellId(string chapter, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{chapter}/{index}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 4));
    }

    /// <summary>Sets the Polyglot metadata, nbformat 4.5, ids, and the C# metadata of code cells (keeping their tags).</summary>
    public void Canonicalize()
    {
        Root["metadata"] = PolyglotMetadata();
        Root["nbformat"] = 4;
        Root["nbformat_minor"] = 5;
        for (int i = 0; i < Cells.Count; i++)
        {
            var cell = Cell(i);
            cell["id"] = CellId(Chapter, i);
            cell["source"] = Lines(Source(cell));
            if (CellType(cell) != "code")
            {
                cell["metadata"] ??= new JsonObject();
                continue;
            }
            var tags = Tags(cell);
            var metadata = CodeCellMetadata();
            if (tags.Count > 0) metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
            cell["metadata"] = metadata;
            cell["outputs"] ??= new JsonArray();
            if (!cell.ContainsKey("execution_count")) cell["execution_count"] = null;
        }
    }

    public JsonObject Cell(int index) => Cells[index] as JsonObject
        ?? throw new InvalidDataException($"notebook {Path}: cell {index + 1} is not a JSON object");

    public static string CellType(JsonObject cell) => cell["cell_type"]?.GetValue<string>() ?? "";

    /// <summary>A cell's source as one string (nbformat allows a string or a list of lines).</summary>
    public static string Source(JsonObject cell) => Text(cell["source"]);

    /// <summary>A multi-line nbformat string (a string or a list of strings) as one string.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonArray a => string.Concat(a.Select(x => x?.GetValue<string>() ?? "")),
        JsonValue v => v.GetValue<string>(),
        _ => throw new InvalidDataException("notebook: expected a string or a list of strings"),
    };

    /// <summary>The cell's tags (e.g. <c>raises-exception</c>).</summary>
    public static List<string> Tags(JsonObject cell) =>
        (cell["metadata"]?["tags"] as JsonArray)?.Select(t => t?.GetValue<string>() ?? "").ToList() ?? [];

    /// <summary>Splits text into lines that keep their "\n", as nbformat stores multi-line strings.</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    // ---------- outputs ----------

    public static JsonObject StreamOutput(string name, string text) => new()
    {
        ["name"] = name,
        ["output_type"] = "stream",
        ["text"] = Lines(text),
    };

    public static JsonObject DisplayData(FormattedValue value) => new()
    {
        ["data"] = DisplayDataBody(value),
        ["metadata"] = new JsonObject(),
        ["output_type"] = "display_data",
    };

    public static JsonObject DisplayDataBody(FormattedValue value)
    {
        var data = new JsonObject();
        // Text is stored as lines; a PNG is one base64 string (what Jupyter writes).
        foreach (var (mime, content) in value.Data)
            data[mime] = mime.StartsWith("text/", StringComparison.Ordinal) ? Lines(content) : content;
        return data;
    }

    public static JsonObject ErrorOutput(string ename, string evalue, IEnumerable<string> traceback) => new()
    {
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(traceback.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
    };

    // ---------- saving ----------

    /// <summary>The file's bytes as the extension writes them.</summary>
    public string ToJson() => NotebookJson.Write(Root);

    /// <summary>
    /// Writes the notebook: first to a temporary file in the same folder, then renamed over the original, so a
    /// crash or a kill leaves either the old file or the new one, never a half-written one.
    /// </summary>
    public void Save(string? path = null)
    {
        path ??= Path;
        var temporary = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temporary, ToJson(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
    }
}
