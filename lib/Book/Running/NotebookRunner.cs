using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MachinePerception.Book.Notebooks;
using MachinePerception.Checks;
using MachinePerception.Display;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace MachinePerception.Book.Running;

/// <summary>How to run a notebook.</summary>
/// <param name="Smoke">Sets <c>BOOK_SMOKE=1</c> for the chapter (<see cref="Notebook.Smoke"/>).</param>
/// <param name="CellTimeout">A cell running longer becomes an error and the run stops.</param>
/// <param name="Progress">Where progress lines go (the terminal's standard error).</param>
/// <param name="OutputPath">Where to write the executed notebook; null writes it back in place.</param>
public sealed record RunOptions(bool Smoke, TimeSpan CellTimeout, TextWriter Progress, string? OutputPath = null);

/// <summary>A cell that failed: its 1-based number among all cells, and the error.</summary>
public sealed record CellFailure(int Cell, string Error, string Message);

/// <summary>What a run did.</summary>
/// <param name="TimedOut">A cell hung: its thread is still running, so the process must end after saving.</param>
/// <param name="WrittenTo">Where the executed notebook was written: the notebook itself, the requested output, or, for
/// a failed in-place run, <c>artifacts/failed/&lt;chapter&gt;.ipynb</c> (the committed notebook stays as it was).</param>
public sealed record RunResult(string Path, int CellsRun, IReadOnlyList<CellFailure> Failures, bool TimedOut, TimeSpan Elapsed, string WrittenTo)
{
    public bool Succeeded => Failures.Count == 0;
}

/// <summary>
/// Executes a chapter's C# cells in order in one shared Roslyn script state, with the current directory set to
/// the notebook's folder (as the Polyglot kernel does), and writes the outputs back into the .ipynb: console
/// text as stream outputs, displays and a cell's final value as display_data, failures as error outputs. The
/// written file depends only on the notebook and the library: cell ids come from the chapter name and cell
/// index, timings go only to the progress lines, random GUIDs and absolute paths in outputs are replaced.
/// One notebook per process at a time: the console, current directory and loaded assemblies are process-wide.
/// </summary>
public static class NotebookRunner
{
    /// <summary>The tag of a cell that is meant to fail (nbconvert's convention); its error does not stop the run.</summary>
    public const string RaisesException = "raises-exception";

    /// <summary>
    /// The namespaces every cell sees without a <c>using</c>: those the Polyglot C# kernel imports, so a chapter that
    /// compiles here compiles there.
    /// </summary>
    public static readonly string[] Imports =
    [
        "System", "System.Collections", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks",
    ];

    /// <summary>
    /// Runs before the first cell: brings in <c>display</c>, <c>HTML</c> and <c>x.Display()</c>, which in Polyglot come
    /// from the kernel itself. Usings of one submission carry over to the next ones.
    /// </summary>
    public const string Preamble = "using MachinePerception.Display.Headless;\nusing static MachinePerception.Display.Headless.Kernel;";

    static readonly Lock OneAtATime = new();

    public static RunResult Run(string notebookPath, RunOptions options)
    {
        lock (OneAtATime) return RunLocked(Path.GetFullPath(notebookPath), options);
    }

    static RunResult RunLocked(string path, RunOptions options)
    {
        var clock = Stopwatch.StartNew();
        var doc = NotebookDocument.Load(path);
        doc.Canonicalize();
        var folder = Path.GetDirectoryName(path)!;

        var savedDirectory = Directory.GetCurrentDirectory();
        var (savedOut, savedError) = (Console.Out, Console.Error);
        var savedHost = Notebook.Host;
        var savedCheckOut = Check.Out;
        var savedSmoke = Environment.GetEnvironmentVariable(Notebook.SmokeVariable);
        var savedChapter = Notebook.Chapter;

        var sink = new CellOutputSink(savedError);
        var failures = new List<CellFailure>();
        int executed = 0;
        bool timedOut = false;
        try
        {
            Directory.SetCurrentDirectory(folder);
            Console.SetOut(sink.Writer("stdout"));
            Console.SetError(sink.Writer("stderr"));
            Check.Out = Console.Out;
            Notebook.Host = sink;
            ElementIds.Reset();
            Notebook.Chapter = doc.Chapter;
            // --smoke switches smoke mode on; BOOK_SMOKE=1 already set in the environment keeps it on.
            Environment.SetEnvironmentVariable(Notebook.SmokeVariable, options.Smoke || savedSmoke == "1" ? "1" : null);

            var scriptOptions = ScriptOptionsFor(folder);
            ScriptState<object>? state = CSharpScript.Create(Preamble, scriptOptions).RunAsync().GetAwaiter().GetResult();
            int codeCells = Enumerable.Range(0, doc.Cells.Count).Count(i => NotebookDocument.CellType(doc.Cell(i)) == "code");
            bool stopped = false;
            for (int i = 0; i < doc.Cells.Count; i++)
            {
                var cell = doc.Cell(i);
                if (NotebookDocument.CellType(cell) != "code") continue;
                var outputs = new JsonArray();
                cell["outputs"] = outputs;
                if (stopped)
                {
                    cell["execution_count"] = null;
                    continue;
                }
                cell["execution_count"] = ++executed;
                sink.BeginCell(outputs);
                var cellClock = Stopwatch.StartNew();
                sink.Status($"[{doc.Chapter}] cell {i + 1}/{doc.Cells.Count} running");
                var outcome = Execute(NotebookDocument.Source(cell), state, scriptOptions, options.CellTimeout,
                    elapsed => Heartbeat(sink, options.Progress, doc.Chapter, i + 1, doc.Cells.Count, elapsed));
                sink.Status(null);
                options.Progress.WriteLine($"[{doc.Chapter}] cell {i + 1}/{doc.Cells.Count} (code {executed}/{codeCells}) " +
                                           $"{cellClock.Elapsed.TotalSeconds:F2} s" + (outcome.Error is null ? "" : $"  {outcome.Error.Ename}"));
                if (outcome.State is not null) state = outcome.State;
                if (outcome.Value is { } value)
                {
                    // Formatting runs the value's own code (ToString, property getters): a throw there is the cell's error.
                    try { sink.Show(DisplayFormatter.Format(value)); }
                    catch (Exception e) { outcome = outcome with { Error = CellError.From(e) }; }
                }
                sink.EndCell();
                if (outcome.Error is { } error)
                {
                    outputs.Add(NotebookDocument.ErrorOutput(error.Ename, error.Evalue, error.Traceback(i + 1)));
                    bool expected = NotebookDocument.Tags(cell).Contains(RaisesException);
                    if (!expected)
                    {
                        failures.Add(new CellFailure(i + 1, error.Ename, error.Evalue));
                        stopped = true;
                    }
                    if (outcome.TimedOut) { timedOut = true; stopped = true; }
                }
            }
        }
        finally
        {
            sink.Close();
            Console.SetOut(savedOut);
            Console.SetError(savedError);
            Check.Out = savedCheckOut;
            Notebook.Host = savedHost;
            Directory.SetCurrentDirectory(savedDirectory);
            Environment.SetEnvironmentVariable(Notebook.SmokeVariable, savedSmoke);
            Notebook.Chapter = savedChapter;
        }
        MakeOutputsPortable(doc, folder);
        // A failed run must lose nothing: the committed notebook keeps its outputs, the failed run goes beside it.
        var target = options.OutputPath is not null ? Path.GetFullPath(options.OutputPath, savedDirectory)
            : failures.Count == 0 ? path
            : FailedRunPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        doc.Save(target);
        return new RunResult(path, executed, failures, timedOut, clock.Elapsed, target);
    }

    /// <summary>
    /// Where a failed in-place run of a notebook is written: <c>artifacts/failed/&lt;name&gt;.ipynb</c> for a notebook in
    /// the repository (artifacts/ is ignored by git), <c>failed/&lt;name&gt;.ipynb</c> beside any other notebook.
    /// </summary>
    public static string FailedRunPath(string notebook)
    {
        var full = Path.GetFullPath(notebook);
        string? root;
        try { root = Program.RepositoryRoot(); }
        catch (InvalidOperationException) { root = null; }
        return root is not null && full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? Path.Combine(root, "artifacts", "failed", Path.GetFileName(full))
            : Path.Combine(Path.GetDirectoryName(full)!, "failed", Path.GetFileName(full));
    }

    // ---------- compiling and running one cell ----------

    internal static ScriptOptions ScriptOptionsFor(string folder)
    {
        // Compile against the whole shared framework, as the kernel does, plus the library.
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = Directory.GetFiles(framework, "*.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal) && IsManaged(f))
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .Append(MetadataReference.CreateFromFile(typeof(Notebook).Assembly.Location));
        return ScriptOptions.Default
            .WithReferences(references)
            .WithImports(Imports)
            .WithMetadataResolver(new ScriptReferences(folder))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(folder))
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true);
    }

    static bool IsManaged(string file)
    {
        try { AssemblyName.GetAssemblyName(file); return true; }
        catch (BadImageFormatException) { return false; }
    }

    sealed record Outcome(ScriptState<object>? State, object? Value, CellError? Error, bool TimedOut);

    // A long cell shows that it is alive: on a terminal the status line counts the seconds; in a log (standard error
    // redirected) one line every 30 s.
    static void Heartbeat(CellOutputSink sink, TextWriter progress, string chapter, int cell, int cells, TimeSpan elapsed)
    {
        if (!Console.IsErrorRedirected) sink.Status($"[{chapter}] cell {cell}/{cells} running, {elapsed.TotalSeconds:F0} s");
        else if ((int)elapsed.TotalSeconds % 30 == 0) progress.WriteLine($"[{chapter}] cell {cell}/{cells} still running after {elapsed.TotalSeconds:F0} s");
    }

    static Outcome Execute(string code, ScriptState<object>? state, ScriptOptions options, TimeSpan timeout, Action<TimeSpan> heartbeat)
    {
        Outcome? outcome = null;
        // A cell runs on its own thread so that a hanging cell can be abandoned after the timeout (a running
        // script cannot be stopped from outside; the process ends after the notebook is saved).
        var thread = new Thread(() => outcome = ExecuteOnThisThread(code, state, options), 256 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "notebook cell",
        };
        var clock = Stopwatch.StartNew();
        thread.Start();
        while (clock.Elapsed < timeout)
        {
            var wait = TimeSpan.FromSeconds(Math.Min(1, (timeout - clock.Elapsed).TotalSeconds));
            if (thread.Join(wait)) return outcome!;
            heartbeat(TimeSpan.FromSeconds(Math.Round(clock.Elapsed.TotalSeconds)));
        }
        if (thread.Join(TimeSpan.Zero)) return outcome!;
        var seconds = timeout.TotalSeconds.ToString("G", CultureInfo.InvariantCulture);
        return new Outcome(null, null, new CellError("CellTimeout", $"the cell did not finish within {seconds} s", []), TimedOut: true);
    }

    static Outcome ExecuteOnThisThread(string code, ScriptState<object>? state, ScriptOptions options)
    {
        try
        {
            // catchException keeps the variables a throwing cell defined before it threw, like the kernel.
            var next = state is null
                ? CSharpScript.Create(code, options).RunAsync(null, _ => true).GetAwaiter().GetResult()
                : state.ContinueWithAsync(code, options, catchException: _ => true).GetAwaiter().GetResult();
            if (next.Exception is { } e) return new Outcome(next, null, CellError.From(e), false);
            return new Outcome(next, next.ReturnValue, null, false);
        }
        catch (CompilationErrorException e)
        {
            var diagnostics = e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
            if (diagnostics.Count == 0) diagnostics.Add(e.Message);
            if (diagnostics.Any(d => d.Contains("'nuget:", StringComparison.OrdinalIgnoreCase)))
                diagnostics.Add("the book runner does not fetch NuGet packages: reference the library, which brings its dependencies");
            return new Outcome(null, null, new CellError("CompilationError", diagnostics[0], diagnostics), false);
        }
        catch (Exception e)
        {
            return new Outcome(null, null, CellError.From(e), false);
        }
    }

    sealed record CellError(string Ename, string Evalue, IReadOnlyList<string> Frames)
    {
        public static CellError From(Exception e)
        {
            while (e is TargetInvocationException or AggregateException { InnerExceptions.Count: 1 } && e.InnerException is not null)
                e = e.InnerException;
            return new CellError(e.GetType().Name, e.Message, TrimmedTrace(e));
        }

        /// <summary>The traceback lines: which cell failed, the error, and the frames down to the cell.</summary>
        public IEnumerable<string> Traceback(int cell)
        {
            yield return $"Cell {cell}: {Ename}: {Evalue}";
            foreach (var f in Frames) yield return f;
        }
    }

    // Keeps the frames from the throw down to the last frame of the cell itself; the script engine's own frames
    // below it say nothing to the reader and change with the Roslyn version.
    static List<string> TrimmedTrace(Exception e)
    {
        var frames = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x != e) frames.Add($" ---> {x.GetType().Name}: {x.Message}");
            // A cell's frames carry its line number with an empty file name (" in :line 3").
            var lines = (x.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => CellLine.Replace(l.TrimEnd('\r'), " (cell line $1)"))
                .Where(l => !l.Contains("--- End of stack trace", StringComparison.Ordinal))
                .ToList();
            int last = lines.FindLastIndex(l => l.Contains("Submission#", StringComparison.Ordinal));
            frames.AddRange(last < 0 ? lines : lines.Take(last + 1));
        }
        return frames.Take(40).ToList();
    }

    // ---------- making outputs the same on every machine and run ----------

    static readonly Regex CellLine = new(@" in :line (\d+)$", RegexOptions.Compiled);
    static readonly Regex Guid = new("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.Compiled);
    static readonly Regex SourceLocation = new(@" in (/[^\s:]+|[A-Za-z]:\\[^:]+):line (\d+)", RegexOptions.Compiled);

    /// <summary>
    /// Rewrites output text so that it does not depend on the machine or the run: GUIDs (random element ids in
    /// HTML) become numbered ones, the same GUID the same number throughout the notebook; absolute paths under the
    /// repository become relative to it.
    /// </summary>
    static void MakeOutputsPortable(NotebookDocument doc, string folder)
    {
        var guids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string root;
        try { root = Program.RepositoryRoot(); }
        catch (InvalidOperationException) { root = folder; }
        string Fix(string s)
        {
            s = Guid.Replace(s, m =>
            {
                if (!guids.TryGetValue(m.Value, out var id))
                    guids[m.Value] = id = $"00000000-0000-4000-8000-{guids.Count + 1:D12}";
                return id;
            });
            s = SourceLocation.Replace(s, m => $" in {Relative(m.Groups[1].Value, root)}:line {m.Groups[2].Value}");
            return s.Replace(folder + Path.DirectorySeparatorChar, "").Replace(root + Path.DirectorySeparatorChar, "");
        }
        foreach (var cell in doc.Cells.OfType<JsonObject>())
            if (cell["outputs"] is JsonArray outputs)
                foreach (var output in outputs.OfType<JsonObject>())
                    FixStrings(output, Fix);
    }

    static string Relative(string file, string root) =>
        file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(root, file) : Path.GetFileName(file);

    static void FixStrings(JsonNode node, Func<string, string> fix)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (key == FormattedValue.Png) continue;
                    if (o[key] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String) o[key] = fix(v.GetValue<string>());
                    else if (o[key] is { } child) FixStrings(child, fix);
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String) a[i] = fix(v.GetValue<string>());
                    else if (a[i] is { } child) FixStrings(child, fix);
                }
                break;
        }
    }
}
