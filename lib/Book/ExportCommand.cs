using MachinePerception.Book.Notebooks;

namespace MachinePerception.Book;

/// <summary>
/// <c>book export &lt;chapter&gt; [-o FILE]</c>: writes the chapter as a .NET 10 file-based app
/// (default <c>artifacts/export/&lt;chapter&gt;.cs</c>), runnable with <c>dotnet run FILE</c>. See <see cref="ChapterExporter"/>.
/// </summary>
public sealed class ExportCommand : ICommand
{
    public string Name => "export";
    public string Summary => "write a chapter as a file-based app for `dotnet run`: export <chapter> [-o FILE]";

    public int Run(string[] args)
    {
        string? chapter = null, output = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "-o" or "--output" && i + 1 < args.Length) output = args[++i];
            else if (chapter is null && !args[i].StartsWith('-')) chapter = args[i];
            else
            {
                Console.Error.WriteLine($"book export: unexpected argument '{args[i]}'; usage: book export <chapter> [-o FILE]");
                return 2;
            }
        }
        if (chapter is null)
        {
            Console.Error.WriteLine("book export: name a chapter; usage: book export <chapter> [-o FILE]");
            return 2;
        }
        try
        {
            var notebook = Chapters.Resolve(Name, chapter);
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
