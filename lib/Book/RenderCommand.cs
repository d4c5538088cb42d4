using System.CommandLine;

namespace MachinePerception.Book;

/// <summary>
/// <c>book render [chapter ...] [-o DIR]</c>: writes the offline HTML book (default <c>artifacts/site/</c>) from the
/// chapters' saved outputs (run them first with <c>book run</c>). See <see cref="RenderSite"/>.
/// </summary>
public sealed class RenderCommand : ICommand
{
    public Command Create()
    {
        var chapters = Chapters.Argument("chapter", "chapters to include; default: all");
        var output = new Option<string>("--output", "-o") { Description = "the site's folder (default artifacts/site)", HelpName = "dir" };
        var command = new Command("render", "Write the offline HTML book (math, code, outputs, interactive charts) from the chapters' saved outputs.");
        command.Arguments.Add(chapters);
        command.Options.Add(output);
        command.SetAction(r => Run(r.GetValue(chapters) ?? [], r.GetValue(output)));
        return command;
    }

    static int Run(string[] chapters, string? output)
    {
        try
        {
            var notebooks = Chapters.ResolveAll("render", chapters);
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
