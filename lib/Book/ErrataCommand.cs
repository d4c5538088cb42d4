using System.CommandLine;
using System.Text;
using System.Text.Json;
using MachinePerception.Exercises;

namespace MachinePerception.Book;

/// <summary>One erratum found in a notebook: the printed block (null when a cell tagged <c>errata</c> has not been run) and where.</summary>
public sealed record ErratumEntry(int? Chapter, string Notebook, string CellId, bool Tagged, Erratum? Erratum)
{
    public string Link => TaggedCellReader.Link(Notebook, CellId);
    public bool Verified => Erratum?.Verified == true;
}

/// <summary>
/// <c>book errata [--chapters 10,11] [--format md|html|json] [--out file] [--notebooks dir] [--strict] [notebook ...]</c>:
/// collects the slips of the course summary that the chapters show with <see cref="Errata.Show(string, string, string, string, double, double, double, double)"/>:
/// every printed erratum block in the saved outputs, and every cell tagged <c>errata</c>, with a link to the cell.
/// With --strict the exit code is 1 unless every erratum is verified (both checks PASS).
/// </summary>
public sealed class ErrataCommand : ICommand
{
    public Command Create()
    {
        var command = new Command("errata", "The slips of the course summary that the chapters found, each shown numerically (cells tagged 'errata').");
        var symbols = new RevisionOptions.Symbols(command);
        command.SetAction(r => Run(symbols.Read(r), Console.Out, Console.Error));
        return command;
    }

    internal static IReadOnlyList<ErratumEntry> Collect(string notebook)
    {
        var entries = new List<ErratumEntry>();
        int? chapter = TaggedCellReader.ChapterOf(notebook);
        foreach (var cell in TaggedCellReader.Read(notebook))
        {
            bool tagged = cell.HasTag(CellTags.Errata);
            var printed = Errata.Parse(cell.OutputText);
            foreach (var e in printed) entries.Add(new ErratumEntry(chapter, notebook, cell.Id, tagged, e));
            if (printed.Count == 0 && tagged) entries.Add(new ErratumEntry(chapter, notebook, cell.Id, true, null));
        }
        return entries;
    }

    static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    internal static string Markdown(IReadOnlyList<ErratumEntry> entries)
    {
        var sb = new StringBuilder("# Errata of the course summary\n\n");
        if (entries.Count == 0) return sb.Append("None found (a chapter shows a slip with `Errata.Show(...)` in a cell tagged `errata`).\n").ToString();
        sb.Append("| Chapter | Where | Written | Corrected | Status | Cell |\n|---|---|---|---|---|---|\n");
        foreach (var e in entries)
        {
            string status = e.Erratum is null ? "not run" : e.Verified ? "verified" : "**NOT verified**";
            if (!e.Tagged) status += " (cell not tagged `errata`)";
            sb.Append($"| {e.Chapter?.ToString() ?? "?"} | {Cell(e.Erratum?.Where ?? "")} | {Cell(e.Erratum?.Written ?? "")} | " +
                      $"{Cell(e.Erratum?.Corrected ?? "")} | {status} | [{e.Link}]({e.Link}) |\n");
        }
        sb.Append($"\n{entries.Count} errata, {entries.Count(e => e.Verified)} verified numerically.\n");
        return sb.ToString();
    }

    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var options = RevisionOptions.Parse("errata", args, error);
        return options is null ? 2 : Run(options, output, error);
    }

    static int Run(RevisionOptions options, TextWriter output, TextWriter error)
    {
        var entries = new List<ErratumEntry>();
        foreach (var notebook in TaggedCellReader.NotebookPaths(options.Files, options.NotebookFolder()))
        {
            if (options.Chapters.Count > 0 && !(TaggedCellReader.ChapterOf(notebook) is int ch && options.Chapters.Contains(ch))) continue;
            try
            {
                entries.AddRange(Collect(notebook));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                error.WriteLine($"book errata: {e.Message}");
                return 2;
            }
        }
        var markdown = Markdown(entries);
        options.Write(options.Format switch
        {
            "html" => CardsCommand.Html(markdown, "Errata"),
            "json" => JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true }) + "\n",
            _ => markdown,
        }, output);
        int unverified = entries.Count(e => !e.Verified);
        if (unverified > 0) error.WriteLine($"book errata: {unverified} of {entries.Count} errata not verified");
        return options.Strict && unverified > 0 ? 1 : 0;
    }
}
