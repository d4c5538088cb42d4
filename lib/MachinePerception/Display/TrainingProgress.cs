using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace MachinePerception.Display;

/// <summary>
/// Training progress (epoch, loss, ETA) for a chapter's training loop: in a notebook one output updated in place,
/// on a terminal a progress bar. The notebook keeps only the final state, which holds no timings, so re-running
/// an unchanged chapter gives the same file; elapsed time and ETA appear only while training and on the terminal.
/// <code>using var progress = new TrainingProgress(epochs, "VAE");
/// for (int e = 1; e &lt;= epochs; e++) { ...; progress.Report(e, loss); }</code>
/// </summary>
public sealed class TrainingProgress : IDisposable
{
    readonly int epochs;
    readonly string what;
    readonly INotebookHost host;
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly DisplayHandle? handle;
    TimeSpan? lastShown, lastStatus;
    int epoch;
    double loss = double.NaN;
    bool finished;

    /// <summary>Least time between two in-place updates and between two terminal redraws.</summary>
    public static TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public TrainingProgress(int epochs, string what = "training")
    {
        if (epochs < 1) throw new ArgumentException($"TrainingProgress: epochs must be ≥ 1, got {epochs}");
        this.epochs = epochs;
        this.what = what;
        host = Notebook.Host;
        if (host.UpdatesInPlace) handle = host.Show(Render(withTiming: false));
    }

    /// <summary>Records that <paramref name="epoch"/> (1-based) finished with this loss.</summary>
    public void Report(int epoch, double loss)
    {
        if (epoch < 1 || epoch > epochs) throw new ArgumentException($"TrainingProgress.Report: epoch {epoch} outside 1..{epochs}");
        this.epoch = epoch;
        this.loss = loss;
        var now = clock.Elapsed;
        if (lastStatus is null || now - lastStatus >= UpdateInterval || epoch == epochs)
        {
            host.Status(StatusLine());
            lastStatus = now;
        }
        if (handle is not null && (lastShown is null || now - lastShown >= UpdateInterval) && epoch < epochs)
        {
            handle.Update(Render(withTiming: true));
            lastShown = now;
        }
        if (epoch == epochs) Finish();
    }

    /// <summary>Shows the final state (also called by <see cref="Dispose"/>, e.g. when training stops early).</summary>
    public void Finish()
    {
        if (finished) return;
        finished = true;
        host.Status(null);
        if (handle is not null) handle.Update(Render(withTiming: false));
        else host.Show(Render(withTiming: false));
    }

    public void Dispose() => Finish();

    static string N(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    TimeSpan Eta() => epoch == 0 ? TimeSpan.Zero : clock.Elapsed / epoch * (epochs - epoch);

    string Summary() => $"{what}: epoch {epoch}/{epochs}, loss {N(loss)}";

    string StatusLine()
    {
        const int width = 24;
        int filled = width * epoch / epochs;
        return $"[{new string('#', filled)}{new string('.', width - filled)}] {Summary()}, " +
               $"{clock.Elapsed.TotalSeconds:F1} s, ETA {Eta().TotalSeconds:F1} s";
    }

    FormattedValue Render(bool withTiming)
    {
        var text = Summary() + (withTiming ? $", ETA {Eta().TotalSeconds:F0} s" : "");
        var html = $"<div><progress value=\"{epoch}\" max=\"{epochs}\"></progress> {WebUtility.HtmlEncode(text)}</div>";
        return new FormattedValue(new Dictionary<string, string> { [FormattedValue.Plain] = text, [FormattedValue.Html] = html });
    }
}
