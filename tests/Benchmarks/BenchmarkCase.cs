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

    /// <summary>What the reference is called in the result line.</summary>
    protected virtual string ReferenceName => "reference";

    /// <summary>Builds the inputs; returns our step and the reference step (both in this process).</summary>
    protected virtual (Action ours, Action reference) Setup() => throw new NotImplementedException($"{Name}: override Setup or Sides");

    /// <summary>The two sides to time; by default both run in this process (<see cref="Setup"/>).</summary>
    protected virtual (ITimedSide ours, ITimedSide reference) Sides()
    {
        var (ours, reference) = Setup();
        return (new LocalSide(ours), new LocalSide(reference));
    }

    /// <summary>More sides timed in the same interleaved rounds (e.g. our GEMM, to compare a step's throughput with).</summary>
    protected virtual ITimedSide[] ExtraSides() => [];

    /// <summary>Set by <see cref="Setup"/>: evidence that both sides do the same work (e.g. their first losses).</summary>
    protected string SameWork = "";

    /// <summary>Extra facts for the result line (e.g. µs per op), computed after timing; extra holds the extra sides' timings.</summary>
    protected virtual string Details(Timing ours, Timing reference, Timing[] extra) => "";

    /// <summary>Our side alone, for a profiler (--profile): by default the first of <see cref="Sides"/>.</summary>
    public virtual Action Ours() => Setup().ours;

    public virtual string Run()
    {
        if (SkipReason is { } why) return $"skip {Name}: {why}";
        var (ours, reference) = Sides();
        var timings = Timing.Interleaved([ours, reference, .. ExtraSides()]);
        var (t1, t2) = (timings[0], timings[1]);
        var line = FormattableString.Invariant($"ratio {Name} {t1.Seconds / t2.Seconds:F3}  ours {Time(t1.Seconds)}");
        if (Flops > 0) line += FormattableString.Invariant($" {Flops / t1.Seconds / 1e9:F1} GFLOP/s");
        line += FormattableString.Invariant($", {ReferenceName} {Time(t2.Seconds)}");
        if (Flops > 0) line += FormattableString.Invariant($" {Flops / t2.Seconds / 1e9:F1} GFLOP/s");
        line += $"; allocated per call ours {Bytes(t1.AllocatedPerCall)}";
        if (t2.AllocatedPerCall >= 0) line += $", {ReferenceName} {Bytes(t2.AllocatedPerCall)}";
        line += $"; peak working set {Bytes(Process.GetCurrentProcess().PeakWorkingSet64)}";
        if (SameWork.Length > 0) line += "; " + SameWork;
        var extra = Details(t1, t2, timings[2..]);
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

/// <summary>Something timed in rounds: a step in this process, or one run by another process (PyTorch).</summary>
interface ITimedSide
{
    /// <summary>Runs the step for at least <paramref name="seconds"/> (and a few calls), so every code path is compiled; returns seconds per call.</summary>
    double WarmUp(double seconds);

    /// <summary>Runs <paramref name="calls"/> steps; seconds per call (wall-clock or CPU, <see cref="Timing.CpuTime"/>) and bytes allocated per call (−1: not known).</summary>
    (double Seconds, double Bytes) Round(int calls);
}

/// <summary>A step run in this process.</summary>
sealed class LocalSide(Action step) : ITimedSide
{
    public double WarmUp(double seconds)
    {
        // at least 0.3 s and 50 calls (or 8 for slow steps, 3 for very slow ones): every method compiled, and the
        // buffer pool holding the arrays of a step (it fills over the first few steps)
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalSeconds < seconds || calls < 3 || (calls < 50 && sw.Elapsed.TotalSeconds < 5 * seconds)
               || (calls < 8 && sw.Elapsed.TotalSeconds < 5)) { step(); calls++; }
        return sw.Elapsed.TotalSeconds / calls;
    }

    public (double Seconds, double Bytes) Round(int calls)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        double start = Timing.Now();
        for (int i = 0; i < calls; i++) step();
        double s = (Timing.Now() - start) / calls;
        return (s, (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / calls);
    }
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

    static readonly Stopwatch wall = Stopwatch.StartNew();

    /// <summary>Seconds on the clock <see cref="CpuTime"/> selects.</summary>
    public static double Now()
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
    /// Warms every side up (so the JIT has compiled the optimised code), then alternates rounds of about
    /// <paramref name="roundSeconds"/> of each; keeps each side's fastest round.
    /// </summary>
    public static Timing[] Interleaved(ITimedSide[] sides, int rounds = 7, double roundSeconds = 0.15)
    {
        var calls = sides.Select(s => Math.Max(1, (int)(roundSeconds / s.WarmUp(0.3)))).ToArray();
        var best = sides.Select(_ => double.MaxValue).ToArray();
        var bytes = new double[sides.Length];
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < sides.Length; i++)
            {
                var (s, b) = sides[i].Round(calls[i]);
                best[i] = Math.Min(best[i], s);
                bytes[i] = b < 0 || bytes[i] < 0 ? -1 : bytes[i] + b / rounds;
            }
        return sides.Select((_, i) => new Timing(best[i], bytes[i])).ToArray();
    }
}
