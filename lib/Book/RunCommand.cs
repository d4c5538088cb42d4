using System.CommandLine;
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
    /// <summary>The per-cell timeout when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public Command Create()
    {
        var chapters = Chapters.Argument("chapter", "chapters by number (14), name (14-appendix) or path; default: the whole book");
        var smoke = new Option<bool>("--smoke") { Description = "small data and few epochs (BOOK_SMOKE=1); every check still runs" };
        var timeout = new Option<double>("--timeout") { Description = "seconds a cell may run before the run stops", DefaultValueFactory = _ => DefaultTimeout.TotalSeconds, HelpName = "seconds" };
        timeout.Validators.Add(r =>
        {
            foreach (var t in r.Tokens)
                if (!double.TryParse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || !(s > 0))
                    r.AddError($"--timeout must be a positive number of seconds, got '{t.Value}'");
        });
        var output = new Option<string>("--output") { Description = "write the executed notebook here instead of in place (one chapter only)", HelpName = "file" };
        var command = new Command("run", "Run chapters and write their outputs into the notebooks. A failed run leaves the notebook as it was and " +
                                         "writes the run to artifacts/failed/.");
        command.Arguments.Add(chapters);
        command.Options.Add(smoke);
        command.Options.Add(timeout);
        command.Options.Add(output);
        command.SetAction(r => Run(r.GetValue(chapters) ?? [], r.GetValue(smoke), TimeSpan.FromSeconds(r.GetValue(timeout)), r.GetValue(output)));
        return command;
    }

    static int Run(string[] chapters, bool smoke, TimeSpan timeout, string? output)
    {
        IReadOnlyList<string> notebooks;
        try { notebooks = Chapters.ResolveAll("run", chapters); }
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
