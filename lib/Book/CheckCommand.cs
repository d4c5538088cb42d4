using System.CommandLine;
using MachinePerception.Book.Notebooks;

namespace MachinePerception.Book;

/// <summary>
/// <c>book check [chapter…]</c>: validates executed chapters (all of them when none is named) and lists every
/// problem; exits non-zero when there is one. What is checked: <see cref="NotebookChecker"/>.
/// </summary>
public sealed class CheckCommand : ICommand
{
    public Command Create()
    {
        var chapters = Chapters.Argument("chapter", "chapters by number (14), name (14-appendix) or path; default: all");
        var command = new Command("check", "Validate executed chapters: nbformat schema, Polyglot metadata, the first cell, error outputs, FAIL lines, TODO, images.");
        command.Arguments.Add(chapters);
        command.SetAction(r => Run(r.GetValue(chapters) ?? []));
        return command;
    }

    static int Run(string[] args)
    {
        IReadOnlyList<string> notebooks;
        try { notebooks = Chapters.ResolveAll("check", args); }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var problems = new List<string>();
        foreach (var notebook in notebooks)
            problems.AddRange(NotebookChecker.Problems(notebook).Select(p => $"{Path.GetFileName(notebook)}: {p}"));

        var schema = NotebookChecker.SchemaProblems(notebooks);
        if (schema is null)
            Console.Error.WriteLine($"book check: notice: {NotebookChecker.Python} with nbformat not found, schema validation skipped");
        else
            problems.AddRange(schema.Select(s => $"{Path.GetFileName(s.Path)}: {s.Problem}"));

        foreach (var p in problems) Console.Out.WriteLine(p);
        Console.Error.WriteLine(problems.Count == 0
            ? $"book check: {notebooks.Count} notebooks, no problems"
            : $"book check: {problems.Count} problems in {notebooks.Count} notebooks");
        return problems.Count == 0 ? 0 : 1;
    }
}
