namespace MachinePerception.Display;

/// <summary>
/// Ids for HTML elements (a chart's div, a progress bar) that are the same on every run: a prefix and a
/// counter, so re-running an unchanged chapter gives a byte-identical notebook. The book runner resets the
/// counter at the start of each notebook; inside one kernel session the ids stay unique.
/// </summary>
public static class ElementIds
{
    static int next;

    /// <summary>The next id, e.g. <c>plot-3</c>.</summary>
    public static string Next(string prefix) => $"{prefix}-{Interlocked.Increment(ref next)}";

    /// <summary>Starts counting again (the runner calls this once per notebook).</summary>
    public static void Reset() => Interlocked.Exchange(ref next, 0);
}
