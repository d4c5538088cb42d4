
namespace MachinePerception.Book;

/// <summary>One subcommand of the book tool (run, check, render, export, quiz, cards, errata, ...).</summary>
public interface ICommand
{
    /// <summary>The word after <c>book</c>.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Summary { get; }

    /// <summary>Runs the command with the remaining arguments; returns the process exit code.</summary>
    int Run(string[] args);
}

/// <summary>The book's command-line tool. Each command is a class implementing <see cref="ICommand"/> in its own file.</summary>
public static class Program
{
    public static IReadOnlyList<ICommand> Commands { get; } = typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(ICommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .Select(t => (ICommand)Activator.CreateInstance(t)!)
        .OrderBy(c => c.Name, StringComparer.Ordinal)
        .ToList();

    public static int Main(string[] args)
    {
        var command = args.Length == 0 ? null : Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            Console.Error.WriteLine(args.Length == 0 ? "book: no command given" : $"book: unknown command '{args[0]}'");
            Console.Error.WriteLine("usage: book <command> [arguments]");
            foreach (var c in Commands) Console.Error.WriteLine($"  {c.Name,-8} {c.Summary}");
            return 2;
        }
        return command.Run(args[1..]);
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
