using System.Text;
using System.Text.Json;

namespace MachinePerception.Book;

/// <summary>
/// One notebook cell as the revision commands (cards, errata) read it: id, kind, source, tags (cell
/// <c>metadata.tags</c>) and the text of its outputs (streams, the <c>text/plain</c> of displayed values, errors).
/// </summary>
internal sealed record TaggedCell(int Index, string Id, string Kind, string Source, IReadOnlyList<string> Tags, string OutputText)
{
    public bool HasTag(string tag) => Tags.Contains(tag, StringComparer.Ordinal);
}

/// <summary>A small read-only .ipynb reader (nbformat 4) for the revision commands; it executes nothing.</summary>
internal static class TaggedCellReader
{
    /// <summary>The cells of a notebook. Throws <see cref="InvalidDataException"/> naming the file when it is not a notebook.</summary>
    public static IReadOnlyList<TaggedCell> Read(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"notebook {path}: not valid JSON ({e.Message})");
        }
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"notebook {path}: no \"cells\" array");
            var result = new List<TaggedCell>();
            int index = 0;
            foreach (var cell in cells.EnumerateArray())
            {
                string id = cell.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : $"cell-{index}";
                string kind = cell.TryGetProperty("cell_type", out var k) ? k.GetString() ?? "" : "";
                string source = cell.TryGetProperty("source", out var s) ? Text(s) : "";
                var tags = new List<string>();
                if (cell.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array)
                    tags.AddRange(t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
                var output = new StringBuilder();
                if (cell.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Array)
                    foreach (var o in outputs.EnumerateArray()) AppendOutput(output, o);
                result.Add(new TaggedCell(index++, id, kind, source, tags, output.ToString()));
            }
            return result;
        }
    }

    // nbformat stores multi-line text either as one string or as an array of lines
    static string Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Array => string.Concat(e.EnumerateArray().Select(x => x.GetString())),
        _ => "",
    };

    static void AppendOutput(StringBuilder sb, JsonElement o)
    {
        string type = o.TryGetProperty("output_type", out var t) ? t.GetString() ?? "" : "";
        string text = type switch
        {
            "stream" => o.TryGetProperty("text", out var s) ? Text(s) : "",
            "display_data" or "execute_result" => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/plain", out var p) ? Text(p) : "",
            "error" => $"{(o.TryGetProperty("ename", out var n) ? n.GetString() : "")}: {(o.TryGetProperty("evalue", out var v) ? v.GetString() : "")}",
            _ => "",
        };
        sb.Append(text);
        if (text.Length > 0 && !text.EndsWith('\n')) sb.Append('\n');
    }

    /// <summary>The notebooks to read: the given files, else every *.ipynb in <paramref name="folder"/>, sorted by name.</summary>
    public static IReadOnlyList<string> NotebookPaths(IReadOnlyList<string> files, string folder) =>
        files.Count > 0 ? files : Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.ipynb").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The chapter number from a file name such as <c>10-ml-basics.ipynb</c>, or null.</summary>
    public static int? ChapterOf(string path)
    {
        var name = Path.GetFileName(path);
        int digits = name.TakeWhile(char.IsDigit).Count();
        return digits > 0 && int.TryParse(name[..digits], out int chapter) ? chapter : null;
    }

    /// <summary>A link to a cell: the notebook's file name with the cell id as fragment (e.g. <c>11-cnn.ipynb#c42</c>).</summary>
    public static string Link(string notebook, string cellId) => Path.GetFileName(notebook) + "#" + cellId;
}

/// <summary>The options shared by <c>book quiz</c>, <c>book cards</c> and <c>book errata</c>.</summary>
internal sealed class RevisionOptions
{
    public HashSet<int> Chapters { get; } = [];
    public int? Count { get; private set; }
    public int? Seed { get; private set; }
    public string? Answers { get; private set; }
    public string Format { get; private set; } = "md";
    public string? Out { get; private set; }
    public string? Notebooks { get; private set; }
    public bool Strict { get; private set; }
    public bool List { get; private set; }
    public List<string> Files { get; } = [];

    /// <summary>Parses the arguments; on a bad one returns null and writes why to <paramref name="error"/>.</summary>
    public static RevisionOptions? Parse(string command, string[] args, TextWriter error)
    {
        var o = new RevisionOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string? Value()
            {
                if (i + 1 < args.Length) return args[++i];
                error.WriteLine($"book {command}: {a} needs a value");
                return null;
            }
            switch (a)
            {
                case "--chapters":
                    var list = Value();
                    if (list is null) return null;
                    foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!int.TryParse(part, out int c) || c < 1) { error.WriteLine($"book {command}: --chapters expects numbers like 10,11, got '{part}'"); return null; }
                        o.Chapters.Add(c);
                    }
                    break;
                case "--n":
                    var n = Value();
                    if (n is null) return null;
                    if (!int.TryParse(n, out int count) || count < 1) { error.WriteLine($"book {command}: --n expects a positive number, got '{n}'"); return null; }
                    o.Count = count;
                    break;
                case "--seed":
                    var s = Value();
                    if (s is null) return null;
                    if (!int.TryParse(s, out int seed)) { error.WriteLine($"book {command}: --seed expects a whole number, got '{s}'"); return null; }
                    o.Seed = seed;
                    break;
                case "--answers": if ((o.Answers = Value()) is null) return null; break;
                case "--out": if ((o.Out = Value()) is null) return null; break;
                case "--notebooks": if ((o.Notebooks = Value()) is null) return null; break;
                case "--format":
                    var f = Value();
                    if (f is null) return null;
                    if (f is not ("md" or "html" or "json")) { error.WriteLine($"book {command}: --format is md, html or json, got '{f}'"); return null; }
                    o.Format = f;
                    break;
                case "--strict": o.Strict = true; break;
                case "--list": o.List = true; break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal)) { error.WriteLine($"book {command}: unknown option {a}"); return null; }
                    o.Files.Add(a);
                    break;
            }
        }
        return o;
    }

    /// <summary>The notebooks folder: --notebooks, else notebooks/ under the repository root.</summary>
    public string NotebookFolder() => Notebooks ?? Path.Combine(Program.RepositoryRoot(), "notebooks");

    /// <summary>Writes the report to --out or to <paramref name="output"/>.</summary>
    public void Write(string text, TextWriter output)
    {
        if (Out is null) output.Write(text);
        else File.WriteAllText(Out, text);
    }
}
