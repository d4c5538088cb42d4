using MachinePerception.Benchmarks;

// Benchmarks of the library against a reference on the same machine, in one run (not part of `dotnet test`).
//   dotnet run -c Release --project tests/Benchmarks [-- case …]     (no case: all; a case name or its prefix)
// Each case prints `ratio <case> <our time / reference time>` followed by throughput and memory.
//   --threads N   cores for both sides (default: all);  --cpu-time   time in process CPU seconds, not wall-clock
//   --profile S   run only our side of the selected cases for S seconds each (to attach a profiler)
var names = new List<string>();
double profileSeconds = 0;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--threads") { int t = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); MachinePerception.Backends.CpuParallel.MaxThreads = t; OpenBlas.SetThreads(t); }
    else if (args[i] == "--cpu-time") Timing.CpuTime = true;
    else if (args[i] == "--profile") profileSeconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
    else names.Add(args[i]);
}
args = [.. names];
var selected = Cases.All.Where(c => args.Length == 0 || args.Any(a => c.Name.StartsWith(a, StringComparison.Ordinal))).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"no case matches {string.Join(" ", args)}; cases: {string.Join(" ", Cases.All.Select(c => c.Name))}");
    return 1;
}
if (profileSeconds > 0)
{
    if (Environment.GetEnvironmentVariable("MP_POOL_MB") is { } mb) MachinePerception.Backends.CpuBufferPool.CollectAfterBytes = long.Parse(mb) << 20;
    // our side only, for a profiler (perf record -g … -- dotnet Benchmarks.dll --profile 20 conv-block)
    foreach (var c in selected)
    {
        var step = c.Ours();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int calls = 0, late = 0;
        long bytes = 0;
        while (sw.Elapsed.TotalSeconds < profileSeconds)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            step();
            calls++;
            if (sw.Elapsed.TotalSeconds < profileSeconds / 2) continue;
            bytes += GC.GetTotalAllocatedBytes(precise: true) - before; // after a warm-up half
            late++;
        }
        var pool = MachinePerception.Backends.CpuBufferPool.Counts;
        Console.WriteLine($"profile {c.Name}: {calls} calls, {BenchmarkCase.Time(sw.Elapsed.TotalSeconds / calls)} per call, {bytes / Math.Max(1.0, late) / 1e6:F2} MB allocated per call in the second half; " +
            $"buffer pool: {pool.Lent} arrays lent, {pool.Free} free, {pool.Collections} collections; GCs gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms");
    }
    return 0;
}
Console.WriteLine($"# {Environment.ProcessorCount} cores, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, " +
    $"references: {OpenBlas.Description}, PyTorch {(TorchReference.MissingReason is { } why ? "none (" + why + ")" : TorchReference.Version)}; ours on {MachinePerception.Backends.CpuParallel.MaxThreads} threads; {(Timing.CpuTime ? "CPU" : "wall-clock")} time" +
    (File.Exists("/proc/loadavg") ? $"; load average {File.ReadAllText("/proc/loadavg").Trim()}" : ""));
foreach (var c in selected) Console.WriteLine(c.Run());
return 0;
