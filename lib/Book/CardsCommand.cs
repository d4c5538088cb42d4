using System.CommandLine;
using System.Text;
using System.Text.Json;
using MachinePerception.Exercises;

namespace MachinePerception.Book;

/// <summary>Whether a card's numeric check has been seen to pass in the notebook's saved outputs.</summary>
public enum CardStatus
{
    /// <summary>The check cell printed a PASS line and no FAIL line.</summary>
    Verified,
    /// <summary>The check cell printed a FAIL line or an error.</summary>
    Failed,
    /// <summary>The check cell has no outputs: the notebook was not run.</summary>
    NotRun,
    /// <summary>No code cell follows the card, or it printed no PASS line.</summary>
    NoCheck,
}

/// <summary>
/// A revision card: one key result of a chapter (statement and formula), linked to the notebook cell that states it
/// and to the code cell whose PASS line checks it numerically.
/// </summary>
public sealed record RevisionCard(int? Chapter, string Notebook, string CellId, string Title, string Body,
                                  string? CheckCellId, string? CheckLine, CardStatus Status)
{
    public string Link => TaggedCellReader.Link(Notebook, CellId);
    public string? CheckLink => CheckCellId is null ? null : TaggedCellReader.Link(Notebook, CheckCellId);
}

/// <summary>
/// <c>book cards [--chapters 10,11] [--format md|html|json] [--out file] [--notebooks dir] [--strict] [notebook ...]</c>:
/// collects the revision cards of the chapters. A card is a markdown cell tagged <c>card</c> whose first line is the
/// title (leading #s dropped) and whose other lines are the statement and formula; the next code cell is its check,
/// and its first PASS line is shown with the card. With --strict the exit code is 1 unless every card is verified.
/// </summary>
public sealed class CardsCommand : ICommand
{
    public Command Create()
    {
        var command = new Command("cards", "The revision cards of the chapters (cells tagged 'card'), each with the PASS line that checks it.");
        var symbols = new RevisionOptions.Symbols(command);
        command.SetAction(r => Run(symbols.Read(r), Console.Out, Console.Error));
        return command;
    }

    /// <summary>The cards of one notebook, in cell order.</summary>
    internal static IReadOnlyList<RevisionCard> Collect(string notebook)
    {
        var cells = TaggedCellReader.Read(notebook);
        var cards = new List<RevisionCard>();
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (cell.Kind != "markdown" || !cell.HasTag(CellTags.Card)) continue;
            var lines = cell.Source.Replace("\r\n", "\n").Trim().Split('\n');
            string title = lines[0].TrimStart('#').Trim();
            string body = string.Join("\n", lines.Skip(1)).Trim();
            // the check is the next code cell, unless another card starts first
            TaggedCell? check = null;
            for (int j = i + 1; j < cells.Count; j++)
            {
                if (cells[j].Kind == "code") { check = cells[j]; break; }
                if (cells[j].HasTag(CellTags.Card)) break;
            }
            var outputLines = check?.OutputText.Split('\n').Select(l => l.TrimEnd()).ToList() ?? [];
            string? pass = outputLines.FirstOrDefault(l => l.StartsWith("PASS", StringComparison.Ordinal));
            bool fail = outputLines.Any(l => l.StartsWith("FAIL", StringComparison.Ordinal) || l.StartsWith("CheckFailedException", StringComparison.Ordinal));
            var status = check is null ? CardStatus.NoCheck
                : fail ? CardStatus.Failed
                : check.OutputText.Length == 0 ? CardStatus.NotRun
                : pass is null ? CardStatus.NoCheck
                : CardStatus.Verified;
            cards.Add(new RevisionCard(TaggedCellReader.ChapterOf(notebook), notebook, cell.Id, title, body, check?.Id, pass, status));
        }
        return cards;
    }

    internal static string Markdown(IReadOnlyList<RevisionCard> cards)
    {
        var sb = new StringBuilder("# Revision cards\n");
        if (cards.Count == 0) sb.Append("\nNo cards found (a card is a markdown cell tagged `card`).\n");
        foreach (var chapter in cards.GroupBy(c => c.Chapter))
        {
            sb.Append($"\n## Chapter {chapter.Key?.ToString() ?? "?"}\n");
            foreach (var c in chapter)
            {
                sb.Append($"\n### {c.Title}\n\n");
                if (c.Body.Length > 0) sb.Append(c.Body).Append("\n\n");
                sb.Append($"*Stated in* [{c.Link}]({c.Link})");
                sb.Append(c.Status switch
                {
                    CardStatus.Verified => $"; *checked by* [{c.CheckLink}]({c.CheckLink}): `{c.CheckLine}`\n",
                    CardStatus.Failed => $"; **its check FAILS** in [{c.CheckLink}]({c.CheckLink})\n",
                    CardStatus.NotRun => $"; check [{c.CheckLink}]({c.CheckLink}) not run yet\n",
                    _ => "; **no numeric check** (the next code cell prints no PASS line)\n",
                });
            }
        }
        int verified = cards.Count(c => c.Status == CardStatus.Verified);
        sb.Append($"\n{cards.Count} cards, {verified} verified by a PASS line.\n");
        return sb.ToString();
    }

    // TeX is protected from Markdig as on the chapter pages (its \, and \{ are Markdown escapes otherwise)
    internal static string Html(string markdown, string title) =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n" +
        MathProtection.ToHtml(markdown) + "</body></html>\n";

    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var options = RevisionOptions.Parse("cards", args, error);
        return options is null ? 2 : Run(options, output, error);
    }

    static int Run(RevisionOptions options, TextWriter output, TextWriter error)
    {
        var cards = new List<RevisionCard>();
        foreach (var notebook in TaggedCellReader.NotebookPaths(options.Files, options.NotebookFolder()))
        {
            if (options.Chapters.Count > 0 && !(TaggedCellReader.ChapterOf(notebook) is int ch && options.Chapters.Contains(ch))) continue;
            try
            {
                cards.AddRange(Collect(notebook));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                error.WriteLine($"book cards: {e.Message}");
                return 2;
            }
        }
        var markdown = Markdown(cards);
        options.Write(options.Format switch
        {
            "html" => Html(markdown, "Revision cards"),
            "json" => JsonSerializer.Serialize(cards, new JsonSerializerOptions { WriteIndented = true }) + "\n",
            _ => markdown,
        }, output);
        int unverified = cards.Count(c => c.Status != CardStatus.Verified);
        if (unverified > 0) error.WriteLine($"book cards: {unverified} of {cards.Count} cards not verified by a PASS line");
        return options.Strict && unverified > 0 ? 1 : 0;
    }
}
