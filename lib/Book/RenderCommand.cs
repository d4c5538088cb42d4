namespace MachinePerception.Book;

/// <summary>
/// <c>book render [chapter ...] [-o DIR]</c>: writes the offline HTML book (default <c>artifacts/site/</c>) from the
/// chapters' saved outputs (run them first with <c>book run</c>). See <see cref="RenderSite"/>.
/// </summary>
public sealed class RenderCommand : ICommand
{
    public string Name => "render";
    public string Summary => "write the offline HTML book (math, code, outputs, charts): render [chapter ...] [-o DIR]";

    public int Run(string[] args)
    {
        string? output = null;
        var chapters = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "-o" or "--output" && i + 1 < args.Length) output = args[++i];
            else if (!args[i].StartsWith('-')) chapters.Add(args[i]);
            else
            {
                Console.Error.WriteLine($"book render: unexpected argument '{args[i]}'; usage: book render [chapter ...] [-o DIR]");
                return 2;
            }
        }
        try
        {
            var notebooks = Chapters.ResolveAll(Name, chapters);
            if (notebooks.Count == 0)
            {
                Console.Error.WriteLine($"book render: no chapters in {Chapters.Folder}");
                return 2;
            }
            output ??= Path.Combine(Program.RepositoryRoot(), "artifacts", "site");
            RenderSite.Render(notebooks, Path.GetFullPath(output), Console.Error);
            Console.Error.WriteLine($"book render: open {Path.Combine(Path.GetFullPath(output), "index.html")}");
            return 0;
        }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException or InvalidDataException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
