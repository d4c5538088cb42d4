using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace MachinePerception.Benchmarks;

/// <summary>
/// One benchmark: our implementation and a reference doing the same work. <see cref="Run"/> times both,
/// interleaved (so a load spike from other processes hits both sides alike), and formats the result line.
/// </summary>
abstract class BenchmarkCase
{
    public abstract string Name { get; }

    /// <summary>Floating-point operations of one call (for GFLOP/s), or 0 when not meaningful.</summary>
    protected virtual double Flops => 0;

    /// <summary>Why the reference cannot run here, or null when it can.</summary>
    protected virtual string? SkipReason => OpenBlas.MissingReason;

    /// <summary>Builds the inputs; returns our step and the reference step.</summary>
    protected abstract (Action ours, Action reference) Setup();

    /// <summary>Set by <see cref="Setup"/>: evidence that both sides do the same work (e.g. their first losses).</summary>
    protected string SameWork = "";

    /// <summary>Extra facts for the result line (e.g. µs per op), computed after timing.</summary>
    protected virtual string Details(Timing ours, Timing reference) => "";

    public string Run()
    {
        if (SkipReason is { } why) return $"skip {Name}: {why}";
        var (ours, reference) = Setup();
        var (t1, t2) = Timing.Interleaved(ours, reference);
        var line = FormattableString.Invariant($"ratio {Name} {t1.Seconds / t2.Seconds:F3}  ours {Time(t1.Seconds)}");
        if (Flops > 0) line += FormattableString.Invariant($" {Flops / t1.Seconds / 1e9:F1} GFLOP/s");
        line += FormattableString.Invariant($", reference {Time(t2.Seconds)}");
        if (Flops > 0) line += FormattableString.Invariant($" {Flops / t2.Seconds / 1e9:F1} GFLOP/s");
        line += FormattableString.Invariant($"; allocated per call ours {Bytes(t1.AllocatedPerCall)}, reference {Bytes(t2.AllocatedPerCall)}");
        line += FormattableString.Invariant($"; peak working set {Bytes(Process.GetCurrentProcess().PeakWorkingSet64)}");
        if (SameWork.Length > 0) line += "; " + SameWork;
        var extra = Details(t1, t2);
        return extra.Length == 0 ? line : line + "; " + extra;
    }

    public static string Time(double s) => s < 1e-3
        ? (s * 1e6).ToString("F1", CultureInfo.InvariantCulture) + " µs"
        : (s * 1e3).ToString("F2", CultureInfo.InvariantCulture) + " ms";

    static string Bytes(double b) => b switch
    {
        < 1 << 10 => b.ToString("F0", CultureInfo.InvariantCulture) + " B",
        < 1 << 20 => (b / 1024).ToString("F1", CultureInfo.InvariantCulture) + " KB",
        _ => (b / (1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MB",
    };
}

/// <summary>The best per-call time over several rounds (the least disturbed by other load) and bytes allocated per call.</summary>
readonly record struct Timing(double Seconds, double AllocatedPerCall)
{
    /// <summary>
    /// Count the calling thread's CPU time instead of wall-clock time (--cpu-time): on a machine shared with other
    /// jobs a single-threaded run (--threads 1) then measures the work done rather than the share of the cores it
    /// got, and leaves out the JIT compiling in the background.
    /// </summary>
    public static bool CpuTime { get; set; }

    static double Now(Stopwatch wall)
    {
        if (!CpuTime) return wall.Elapsed.TotalSeconds;
        clock_gettime(ThreadCpuClock, out var t);
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc")]
    static extern int clock_gettime(int clock, out TimeSpec time);

    /// <summary>
    /// Warms both up (so the JIT has compiled the optimised code), then alternates rounds of about
    /// <paramref name="roundSeconds"/> of each; keeps each side's fastest round.
    /// </summary>
    public static (Timing a, Timing b) Interleaved(Action a, Action b, int rounds = 7, double roundSeconds = 0.15)
    {
        int na = CallsPerRound(a, roundSeconds), nb = CallsPerRound(b, roundSeconds);
        double ta = double.MaxValue, tb = double.MaxValue;
        long bytesA = 0, bytesB = 0;
        for (int r = 0; r < rounds; r++)
        {
            var (sa, ba) = Round(a, na);
            var (sb, bb) = Round(b, nb);
            ta = Math.Min(ta, sa); tb = Math.Min(tb, sb);
            bytesA += ba; bytesB += bb;
        }
        return (new Timing(ta, (double)bytesA / (rounds * na)), new Timing(tb, (double)bytesB / (rounds * nb)));
    }

    static int CallsPerRound(Action f, double seconds)
    {
        // warm-up: at least 0.3 s and 50 calls, enough for tiered compilation to reach its optimised code
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalSeconds < 0.3 || calls < 50) { f(); calls++; }
        double perCall = sw.Elapsed.TotalSeconds / calls;
        return Math.Max(1, (int)(seconds / perCall));
    }

    static (double secondsPerCall, long bytes) Round(Action f, int calls)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        double start = Now(sw);
        for (int i = 0; i < calls; i++) f();
        double s = (Now(sw) - start) / calls;
        return (s, GC.GetTotalAllocatedBytes(precise: true) - before);
    }
}
