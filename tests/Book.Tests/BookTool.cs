using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MachinePerception.Book.Tests;

/// <summary>Runs the book tool in a child process (one notebook per process) and prepares fixture copies.</summary>
public static class BookTool
{
    public static string Root { get; } = Program.RepositoryRoot();

    public static string Fixtures => Path.Combine(Root, "tests", "Book.Tests", "Fixtures");

    /// <summary>The tool as built next to the tests (the test project references it).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "book.dll");

    public sealed record Result(int Code, string StdOut, string StdErr);

    public static Result Run(params string[] args) => Run(TimeSpan.FromMinutes(3), args);

    public static Result Run(TimeSpan limit, params string[] args) => Process(limit, null, [Dll, .. args]);

    /// <summary>Runs <c>dotnet</c> with these arguments and collects its output.</summary>
    public static Result Process(TimeSpan limit, string? folder, params string[] args) => Process(limit, folder, null, args);

    /// <summary>Runs <c>dotnet</c> with these arguments and extra environment variables, and collects its output.</summary>
    public static Result Process(TimeSpan limit, string? folder, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (folder is not null) start.WorkingDirectory = folder;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"book {string.Join(' ', args)} did not finish within {limit}");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A copy of a fixture notebook in a fresh temporary folder (the fixture itself stays unexecuted).</summary>
    public static string Copy(string fixture)
    {
        var folder = Directory.CreateTempSubdirectory("book-test-").FullName;
        var path = Path.Combine(folder, fixture);
        File.Copy(Path.Combine(Fixtures, fixture), path);
        return path;
    }

    public static JsonObject Load(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    public static JsonObject Cell(JsonObject notebook, int number) => (JsonObject)notebook["cells"]![number - 1]!;

    public static JsonArray Outputs(JsonObject notebook, int number) => (JsonArray)Cell(notebook, number)["outputs"]!;

    public static string Joined(JsonNode? lines) => lines is JsonArray a ? string.Concat(a.Select(x => x!.GetValue<string>())) : lines?.GetValue<string>() ?? "";
}
