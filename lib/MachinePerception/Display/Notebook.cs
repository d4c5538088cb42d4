namespace MachinePerception.Display;

/// <summary>
/// How the chapter is being run, as the chapters see it. <see cref="Smoke"/> is set by <c>book run --smoke</c>
/// (environment variable <c>BOOK_SMOKE=1</c>, so it works the same in Polyglot Notebooks): a chapter then
/// shrinks epochs and data so the whole book runs in minutes, while every numeric check still runs.
/// <see cref="Host"/> is where displays go: the book runner, the Polyglot kernel, or the console.
/// </summary>
public static class Notebook
{
    /// <summary>The environment variable that switches smoke mode on (value <c>1</c>).</summary>
    public const string SmokeVariable = "BOOK_SMOKE";

    /// <summary>True when the book is run in smoke mode (<c>BOOK_SMOKE=1</c>): small epochs and data, same checks.</summary>
    public static bool Smoke => Environment.GetEnvironmentVariable(SmokeVariable) == "1";

    /// <summary>The environment variable that makes chapters train their checkpointed models from scratch (value <c>1</c>).</summary>
    public const string FullTrainingVariable = "BOOK_FULL";

    /// <summary>
    /// True with <c>BOOK_FULL=1</c>: a chapter trains the models it would otherwise load from <c>data/checkpoints/</c> from
    /// scratch, for as many steps as the shipped checkpoint (minutes to an hour on a laptop CPU). Off by default.
    /// </summary>
    public static bool FullTraining => Environment.GetEnvironmentVariable(FullTrainingVariable) == "1";

    /// <summary>The full-run value, or the smoke value in smoke mode: <c>int epochs = Notebook.Choose(full: 50, smoke: 2);</c></summary>
    public static T Choose<T>(T full, T smoke) => Smoke ? smoke : full;

    /// <summary>
    /// The running chapter's name (e.g. <c>03-vae</c>), set by the book runner; figures name their PNG files after
    /// it. Null when unknown (e.g. in the Polyglot kernel; figures are then saved as <c>images/book-NAME.png</c>).
    /// </summary>
    public static string? Chapter { get; set; }

    /// <summary>
    /// Shows a value as an output of the running cell, from library code (a chart, a table of results): the same as
    /// a cell's <c>display(value)</c>, without needing the kernel's names.
    /// </summary>
    public static DisplayHandle Show(object? value) => Host.Show(DisplayFormatter.Format(value));

    static INotebookHost? host;

    /// <summary>
    /// Where <c>display</c>, <c>HTML</c> and progress go. The book runner installs its own host; otherwise the
    /// Polyglot kernel is used when it is loaded in this process, else the console (an exported chapter).
    /// </summary>
    public static INotebookHost Host
    {
        get => host ??= (INotebookHost?)PolyglotKernelHost.TryCreate() ?? new ConsoleHost();
        set => host = value;
    }
}
