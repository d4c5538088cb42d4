using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// Debian's PyTorch (python3-torch, run by /usr/bin/python3) as the reference of the training-step cases:
/// <c>torch_reference.py</c>, started once, runs the same step on the same initial tensors and times its rounds
/// when asked, so its rounds interleave with ours in one run. It gets the same thread count as our side
/// (torch.set_num_threads) and the same OPENBLAS_CORETYPE (see <see cref="OpenBlas"/>).
/// </summary>
static class TorchReference
{
    const string Python = "/usr/bin/python3";
    static readonly string Script = Path.Combine(AppContext.BaseDirectory, "torch_reference.py");
    static Process? process;
    static string? version, missing;
    static bool started;

    /// <summary>Why PyTorch cannot be the reference here (no python3, no torch), or null.</summary>
    public static string? MissingReason
    {
        get
        {
            Start();
            return missing;
        }
    }

    public static string Version => version ?? "?";

    static void Start()
    {
        if (started) return;
        started = true;
        if (!File.Exists(Python)) { missing = $"{Python} not found (install python3-torch)"; return; }
        if (!File.Exists(Script)) { missing = $"{Script} not found"; return; }
        _ = OpenBlas.MissingReason; // sets OPENBLAS_CORETYPE in our environment, which the child inherits
        var info = new ProcessStartInfo(Python, [Script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment["OMP_NUM_THREADS"] = CpuParallel.MaxThreads.ToString(CultureInfo.InvariantCulture);
        process = Process.Start(info)!;
        var hello = Read();
        if (hello["error"] is { } e) missing = (string)e! + " (install python3-torch)";
        else version = (string?)hello["torch"];
    }

    static JsonObject Read()
    {
        var line = process!.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException("torch_reference.py ended without an answer (see its error output above)");
        return JsonNode.Parse(line)!.AsObject();
    }

    static JsonObject Ask(object message)
    {
        process!.StandardInput.WriteLine(JsonSerializer.Serialize(message));
        process.StandardInput.Flush();
        var reply = Read();
        if (reply["error"] is { } e) throw new InvalidOperationException("torch_reference.py: " + (string)e!);
        return reply;
    }

    /// <summary>
    /// Hands the case's tensors (float32, in order; parameters are what Adam updates) to the Python side, which builds
    /// the same step; returns that side, ready to be timed, and the loss of its first step.
    /// </summary>
    public static (ITimedSide side, double firstLoss) Setup(string name, IReadOnlyList<(string Name, Tensor Value, bool IsParameter)> tensors)
    {
        Start();
        var file = Path.Combine(Path.GetTempPath(), $"mp-bench-{Environment.ProcessId}.bin");
        using (var w = new BinaryWriter(File.Create(file)))
            foreach (var (_, t, _) in tensors)
                foreach (var v in t.ToFloatArray()) w.Write(v);
        try
        {
            var reply = Ask(new
            {
                cmd = "setup",
                @case = name,
                file,
                tensors = tensors.Select(t => new object[] { t.Name, t.Value.Shape.ToArray(), t.IsParameter }),
                threads = CpuParallel.MaxThreads,
                cpu_time = Timing.CpuTime,
            });
            return (new Side(), (double)reply["loss"]!);
        }
        finally { File.Delete(file); }
    }

    sealed class Side : ITimedSide
    {
        public double WarmUp(double seconds) => (double)Ask(new { cmd = "warmup", seconds })["per_call"]!;
        public (double Seconds, double Bytes) Round(int calls) => ((double)Ask(new { cmd = "round", calls })["per_call"]!, -1);
    }
}
