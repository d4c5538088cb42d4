using System.CommandLine;
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
    public int? Count { get; private init; }
    public int? Seed { get; private init; }
    public string? Answers { get; private init; }
    public string Format { get; private init; } = "md";
    public string? Out { get; private init; }
    public string? Notebooks { get; private init; }
    public bool Strict { get; private init; }
    public bool List { get; private init; }
    public List<string> Files { get; } = [];

    /// <summary>The options and the notebook arguments as System.CommandLine symbols, added to one command.</summary>
    internal sealed class Symbols
    {
        public readonly Option<string> Chapters = new("--chapters") { Description = "only these chapters, e.g. 10,11", HelpName = "list" };
        public readonly Option<int?> Count = new("--n") { Description = "number of questions (quiz)" };
        public readonly Option<int?> Seed = new("--seed") { Description = "seed of the drawn questions and their variants (quiz)" };
        public readonly Option<string> Answers = new("--answers") { Description = "answers one per line, instead of the keyboard (quiz)", HelpName = "file" };
        public readonly Option<string> Format = new("--format") { Description = "output format (cards, errata)", DefaultValueFactory = _ => "md" };
        public readonly Option<string> Out = new("--out") { Description = "write the report to this file (cards, errata)", HelpName = "file" };
        public readonly Option<string> Notebooks = new("--notebooks") { Description = "read the notebooks of this folder instead of notebooks/", HelpName = "dir" };
        public readonly Option<bool> Strict = new("--strict") { Description = "exit 1 unless every item is verified (cards, errata)" };
        public readonly Option<bool> List = new("--list") { Description = "list the registered exercises and the cells tagged 'exercise' (quiz)" };
        public readonly Argument<string[]> Files = Book.Chapters.Argument("notebook", "notebooks to read (default: all chapters)");

        public Symbols(Command command)
        {
            Format.AcceptOnlyFromAmong("md", "html", "json");
            Count.Validators.Add(r =>
            {
                foreach (var t in r.Tokens)
                    if (!int.TryParse(t.Value, out int n) || n < 1) r.AddError($"--n expects a positive number, got '{t.Value}'");
            });
            Chapters.Validators.Add(r =>
            {
                foreach (var part in (r.GetValueOrDefault<string>() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    if (!int.TryParse(part, out int c) || c < 1) r.AddError($"--chapters expects numbers like 10,11, got '{part}'");
            });
            foreach (var option in new Option[] { Chapters, Count, Seed, Answers, Format, Out, Notebooks, Strict, List }) command.Options.Add(option);
            command.Arguments.Add(Files);
        }

        public RevisionOptions Read(ParseResult r)
        {
            var o = new RevisionOptions
            {
                Count = r.GetValue(Count), Seed = r.GetValue(Seed), Answers = r.GetValue(Answers), Format = r.GetValue(Format) ?? "md",
                Out = r.GetValue(Out), Notebooks = r.GetValue(Notebooks), Strict = r.GetValue(Strict), List = r.GetValue(List),
            };
            foreach (var part in (r.GetValue(Chapters) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                o.Chapters.Add(int.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
            o.Files.AddRange(r.GetValue(Files) ?? []);
            return o;
        }
    }

    /// <summary>Parses the arguments of one of the revision commands; on a bad one returns null and writes why to <paramref name="error"/>.</summary>
    public static RevisionOptions? Parse(string command, string[] args, TextWriter error)
    {
        var definition = new Command(command);
        var symbols = new Symbols(definition);
        var result = definition.Parse(args);
        foreach (var e in result.Errors) error.WriteLine($"book {command}: {e.Message}");
        return result.Errors.Count > 0 ? null : symbols.Read(result);
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
