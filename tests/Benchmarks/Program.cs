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
    // our side only, for a profiler (perf record -g … -- dotnet Benchmarks.dll --profile 20 conv-block)
    foreach (var c in selected)
    {
        var step = c.Ours();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalSeconds < profileSeconds) { step(); calls++; }
        Console.WriteLine($"profile {c.Name}: {calls} calls, {BenchmarkCase.Time(sw.Elapsed.TotalSeconds / calls)} per call");
    }
    return 0;
}
Console.WriteLine($"# {Environment.ProcessorCount} cores, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, " +
    $"references: {OpenBlas.Description}, PyTorch {(TorchReference.MissingReason is { } why ? "none (" + why + ")" : TorchReference.Version)}; ours on {MachinePerception.Backends.CpuParallel.MaxThreads} threads; {(Timing.CpuTime ? "CPU" : "wall-clock")} time" +
    (File.Exists("/proc/loadavg") ? $"; load average {File.ReadAllText("/proc/loadavg").Trim()}" : ""));
foreach (var c in selected) Console.WriteLine(c.Run());
return 0;
