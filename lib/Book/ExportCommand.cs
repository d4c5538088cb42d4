using System.CommandLine;
using MachinePerception.Book.Notebooks;

namespace MachinePerception.Book;

/// <summary>
/// <c>book export &lt;chapter&gt; [-o FILE]</c>: writes the chapter as a .NET 10 file-based app
/// (default <c>artifacts/export/&lt;chapter&gt;.cs</c>), runnable with <c>dotnet run FILE</c>. See <see cref="ChapterExporter"/>.
/// </summary>
public sealed class ExportCommand : ICommand
{
    public Command Create()
    {
        var chapter = Chapters.One("chapter", "the chapter: number (14), name (14-appendix) or path");
        var output = new Option<string>("--output", "-o") { Description = "where to write the program (default artifacts/export/<chapter>.cs)", HelpName = "file" };
        var command = new Command("export", "Write a chapter as a .NET 10 file-based app that runs with `dotnet run FILE` (BOOK_SMOKE=1 for a quick run).");
        command.Arguments.Add(chapter);
        command.Options.Add(output);
        command.SetAction(r => Run(r.GetValue(chapter)!, r.GetValue(output)));
        return command;
    }

    static int Run(string chapter, string? output)
    {
        try
        {
            var notebook = Chapters.Resolve("export", chapter);
            output ??= Path.Combine(Program.RepositoryRoot(), "artifacts", "export", Path.GetFileNameWithoutExtension(notebook) + ".cs");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, ChapterExporter.Export(notebook, output));
            Console.Error.WriteLine($"book export: wrote {output}; run it with: dotnet run {output}");
            return 0;
        }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException or InvalidDataException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
