using System.CommandLine;

namespace MachinePerception.Book;

/// <summary>One subcommand of the book tool (run, check, render, export, train, quiz, cards, errata).</summary>
public interface ICommand
{
    /// <summary>
    /// The command as System.CommandLine defines it: its name (the word after <c>book</c>), description, arguments and
    /// options (so <c>book &lt;command&gt; --help</c> lists them), and the action that runs it and returns the exit code.
    /// </summary>
    Command Create();
}

/// <summary>The book's command-line tool. Each command is a class implementing <see cref="ICommand"/> in its own file.</summary>
public static class Program
{
    public static IReadOnlyList<ICommand> Commands { get; } = typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(ICommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .Select(t => (ICommand)Activator.CreateInstance(t)!)
        .OrderBy(c => c.Create().Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// Parses the command line; a mistake (unknown command or option, a missing or malformed value) is reported with
    /// the way to get help and exit code 2; <c>--help</c> on the tool or any command prints its usage.
    /// </summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("The tool of the book Machine Perception: runs, checks, renders and exports its chapters, " +
                                   "trains its checkpoints, and quizzes you on them.");
        foreach (var c in Commands) root.Subcommands.Add(c.Create());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            var command = parsed.CommandResult.Command;
            foreach (var e in parsed.Errors) Console.Error.WriteLine($"book{(command == root ? "" : " " + command.Name)}: {e.Message}");
            Console.Error.WriteLine($"see: book{(command == root ? "" : " " + command.Name)} --help");
            return 2;
        }
        return parsed.Invoke();
    }

    /// <summary>The repository root: the nearest folder upwards from the current one that holds the solution.</summary>
    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MachinePerception.sln"))) return d.FullName;
        var fromBinary = new DirectoryInfo(AppContext.BaseDirectory);
        for (var d = fromBinary; d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MachinePerception.sln"))) return d.FullName;
        throw new InvalidOperationException("book: cannot find the repository root (MachinePerception.sln) above the current folder");
    }
}
