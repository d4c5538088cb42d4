using System.Diagnostics;
using System.Globalization;
using MachinePerception.Book.Running;

namespace MachinePerception.Book;

/// <summary>
/// <c>book run [chapter…] [--smoke] [--timeout SECONDS] [--output FILE]</c>: executes chapters and writes their
/// outputs into the notebooks. No chapter runs the whole book. One chapter runs in this process; several run
/// one after another, each in a child process of its own (the console and loaded assemblies are process-wide).
/// </summary>
public sealed class RunCommand : ICommand
{
    public string Name => "run";
    public string Summary => "run chapters and write their outputs: run [chapter…] [--smoke] [--timeout S] [--output FILE]";

    /// <summary>The per-cell timeout when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public int Run(string[] args)
    {
        bool smoke = false;
        var timeout = DefaultTimeout;
        string? output = null;
        var chapters = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke": smoke = true; break;
                case "--timeout" when i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0:
                    timeout = TimeSpan.FromSeconds(s);
                    i++;
                    break;
                case "--output" when i + 1 < args.Length: output = args[++i]; break;
                case var a when a.StartsWith("--", StringComparison.Ordinal):
                    Console.Error.WriteLine($"book run: unknown or incomplete option '{a}'");
                    return 2;
                default: chapters.Add(args[i]); break;
            }
        }

        IReadOnlyList<string> notebooks;
        try { notebooks = Chapters.ResolveAll(Name, chapters); }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        if (notebooks.Count == 0)
        {
            Console.Error.WriteLine("book run: no notebooks to run");
            return 0;
        }
        if (output is not null && notebooks.Count != 1)
        {
            Console.Error.WriteLine("book run: --output needs exactly one chapter");
            return 2;
        }
        if (notebooks.Count == 1) return RunHere(notebooks[0], new RunOptions(smoke, timeout, Console.Error, output));

        var clock = Stopwatch.StartNew();
        var failed = new List<string>();
        var times = new List<(string Chapter, double Seconds, int Code)>();
        foreach (var notebook in notebooks)
        {
            var extra = new List<string> { "run", notebook, "--timeout", timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) };
            if (smoke) extra.Add("--smoke");
            var chapterClock = Stopwatch.StartNew();
            int code = RunChild(extra);
            var name = Path.GetFileNameWithoutExtension(notebook);
            times.Add((name, chapterClock.Elapsed.TotalSeconds, code));
            if (code != 0) failed.Add(name);
        }
        // The time budget is per chapter and for the whole book: a table makes both visible.
        Console.Error.WriteLine();
        foreach (var (chapter, seconds, code) in times)
            Console.Error.WriteLine($"  {chapter,-32} {seconds,7:F1} s  {(code == 0 ? "ok" : "FAILED")}");
        Console.Error.WriteLine($"book run: {notebooks.Count} chapters in {clock.Elapsed.TotalSeconds:F1} s" + (smoke ? " (smoke)" : "") + ", " +
                                (failed.Count == 0 ? "all ran without errors" : "failed: " + string.Join(", ", failed)));
        return failed.Count == 0 ? 0 : 1;
    }

    static int RunHere(string notebook, RunOptions options)
    {
        RunResult result;
        try { result = NotebookRunner.Run(notebook, options); }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"book run: {e.Message}");
            return 2;
        }
        var name = Path.GetFileNameWithoutExtension(notebook);
        Console.Error.WriteLine($"[{name}] {result.CellsRun} code cells in {result.Elapsed.TotalSeconds:F1} s" +
                                (options.Smoke ? " (smoke)" : "") + (result.Succeeded ? ": ok" : ""));
        foreach (var f in result.Failures)
            Console.Error.WriteLine($"[{name}] FAILED at cell {f.Cell}: {f.Error}: {f.Message}");
        if (!result.Succeeded && result.WrittenTo != result.Path)
            Console.Error.WriteLine($"[{name}] {Path.GetFileName(result.Path)} is unchanged; this run's outputs are in {result.WrittenTo}");
        // After a timeout the hanging cell's thread is abandoned; it is a background thread, so returning ends the process.
        return result.Succeeded ? 0 : 1;
    }

    /// <summary>Runs this tool again in a child process with the given arguments; returns its exit code.</summary>
    internal static int RunChild(IEnumerable<string> arguments)
    {
        var start = SelfStartInfo();
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("book run: could not start a child process");
        child.WaitForExit();
        return child.ExitCode;
    }

    // The same tool: its apphost, or `dotnet book.dll` when it was started that way.
    static ProcessStartInfo SelfStartInfo()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(RunCommand).Assembly.Location);
        return start;
    }
}
