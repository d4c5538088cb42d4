using System.CommandLine;

namespace MachinePerception.Book;

/// <summary>Finds the chapter notebooks that a command's arguments name.</summary>
public static class Chapters
{
    /// <summary>The folder of the chapter notebooks.</summary>
    public static string Folder => Path.Combine(Program.RepositoryRoot(), "notebooks");

    /// <summary>Every chapter, in book order (file names start with the chapter number).</summary>
    public static IReadOnlyList<string> All() =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.ipynb").OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// The notebook one argument names: a path to an .ipynb, or a chapter in notebooks/ by its full name
    /// (<c>14-appendix</c>) or its number (<c>14</c>).
    /// </summary>
    public static string Resolve(string command, string argument)
    {
        if (argument.EndsWith(".ipynb", StringComparison.Ordinal) || argument.Contains('/') || argument.Contains('\\'))
        {
            if (!File.Exists(argument)) throw new FileNotFoundException($"book {command}: no notebook at '{argument}'");
            return Path.GetFullPath(argument);
        }
        var matches = All().Where(p =>
        {
            var name = Path.GetFileNameWithoutExtension(p);
            return name == argument || name.StartsWith(argument + "-", StringComparison.Ordinal);
        }).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new FileNotFoundException($"book {command}: no chapter '{argument}' in {Folder}"),
            _ => throw new ArgumentException($"book {command}: '{argument}' names several chapters: {string.Join(", ", matches.Select(Path.GetFileName))}"),
        };
    }

    /// <summary>
    /// The command-line argument that names chapters (or notebooks). A word starting with '-' is an option the command
    /// does not have, never a chapter: it is refused as such.
    /// </summary>
    public static Argument<string[]> Argument(string name, string description) =>
        RefuseOptions(new Argument<string[]>(name) { Description = description, Arity = ArgumentArity.ZeroOrMore });

    /// <summary>The argument that names exactly one chapter (see <see cref="Argument(string, string)"/>).</summary>
    public static Argument<string> One(string name, string description) => RefuseOptions(new Argument<string>(name) { Description = description });

    static T RefuseOptions<T>(T argument) where T : System.CommandLine.Argument
    {
        argument.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
                if (token.Value.StartsWith('-')) r.AddError($"unknown option '{token.Value}'");
        });
        return argument;
    }

    /// <summary>The notebooks of the arguments, or the whole book when there are none.</summary>
    public static IReadOnlyList<string> ResolveAll(string command, IReadOnlyList<string> arguments) =>
        arguments.Count == 0 ? All() : arguments.Select(a => Resolve(command, a)).ToList();
}
