namespace MachinePerception.Backends;

/// <summary>
/// Parallel loops with a fixed partitioning: the range is cut into the same chunks on every run, and each
/// output element is computed by exactly one chunk, so results never depend on thread timing.
/// Small ranges run inline: spawning work costs more than it saves below a few tens of thousands of flops.
/// </summary>
public static class CpuParallel
{
    /// <summary>Cores the CPU backend uses (default: all). Set to 1 for strictly serial runs.</summary>
    public static int MaxThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>Runs body(start, end) over [0, n) in chunks; parallel when n·costPerItem exceeds the threshold.</summary>
    public static void For(int n, long costPerItem, Action<int, int> body, long threshold = 1 << 16)
    {
        int threads = Math.Min(MaxThreads, n);
        if (threads <= 1 || n * costPerItem < threshold)
        {
            if (n > 0) body(0, n);
            return;
        }
        int chunks = threads;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            int start = (int)((long)n * c / chunks), end = (int)((long)n * (c + 1) / chunks);
            if (end > start) body(start, end);
        });
    }
}
