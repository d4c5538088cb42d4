using System.Diagnostics;
using System.Globalization;
using MachinePerception.Backends;
using MachinePerception.Checkpoints;
using MachinePerception.Tensors;

namespace MachinePerception.Book;

/// <summary>
/// <c>book train &lt;model&gt; [--steps N] [--out FILE] [--device cpu|cuda]</c> trains one of the book's named models
/// (<see cref="TrainingRecipes"/>) from its seed and writes a checkpoint (default: the shipped one,
/// <c>data/checkpoints/&lt;model&gt;.mpck</c>). <c>--verify [--steps k]</c> retrains the first k steps of the shipped
/// checkpoint (all of them when k is not given) and compares the loss log and, after a full retraining, the
/// parameters' SHA-256. <c>--list</c> names the models and the state of their checkpoints.
/// </summary>
public sealed class TrainCommand : ICommand
{
    public string Name => "train";
    public string Summary => "train a model into a checkpoint: train <model> [--steps N] [--out FILE] [--device cpu|cuda] | --verify [--steps k] | --list";

    public int Run(string[] args)
    {
        string? model = null, output = null;
        int? steps = null;
        bool verify = false, list = false;
        var device = Device.Cpu;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--steps" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    steps = n; i++; break;
                case "--out" when i + 1 < args.Length: output = args[++i]; break;
                case "--device" when i + 1 < args.Length && args[i + 1] is "cpu" or "cuda":
                    device = args[++i] == "cuda" ? Device.Cuda : Device.Cpu; break;
                case "--verify": verify = true; break;
                case "--list": list = true; break;
                case var a when a.StartsWith("--", StringComparison.Ordinal):
                    Console.Error.WriteLine($"book train: unknown or incomplete option '{a}'");
                    return 2;
                default:
                    if (model is not null) { Console.Error.WriteLine($"book train: one model at a time ('{model}', '{args[i]}')"); return 2; }
                    model = args[i];
                    break;
            }
        }
        if (list) return List();
        if (model is null)
        {
            Console.Error.WriteLine("book train: name a model (book train --list shows them)");
            return 2;
        }
        TrainingRecipe recipe;
        try { recipe = TrainingRecipes.Find(model); }
        catch (ArgumentException e) { Console.Error.WriteLine($"book train: {e.Message}"); return 2; }
        return verify ? Verify(recipe, steps) : Train(recipe, steps, output, device);
    }

    static int List()
    {
        foreach (var r in TrainingRecipes.All)
        {
            var path = Checkpoint.ShippedPath(r);
            var state = File.Exists(path) ? $"{new FileInfo(path).Length / 1e6:F2} MB" : "no checkpoint";
            Console.WriteLine($"{r.Name,-24} ch{r.Chapter}  {r.DefaultSteps,7} steps  {state,-14} {r.Description}");
        }
        return 0;
    }

    static int Train(TrainingRecipe recipe, int? steps, string? output, Device device)
    {
        if (device == Device.Cuda && !Backend.IsAvailable(Device.Cuda))
        {
            Console.Error.WriteLine("book train: --device cuda but no CUDA GPU was found");
            return 2;
        }
        var path = output ?? Checkpoint.ShippedPath(recipe);
        Console.Error.WriteLine($"book train: {recipe}");
        Console.Error.WriteLine($"  {steps ?? recipe.DefaultSteps} steps on {device.ToString().ToLowerInvariant()}, {CpuParallel.MaxThreads} threads, seed {recipe.Seed} → {path}");
        var checkpoint = Checkpoint.Train(recipe, steps, device, Progress(), GitCommit());
        Console.Error.WriteLine();
        checkpoint.Save(path);
        var h = checkpoint.Header;
        Console.Error.WriteLine($"book train: {h.Steps} steps in {h.WallSeconds:F1} s; final logged loss {h.LossLog[^1].Loss:G6}; " +
                                string.Join(", ", h.Metrics.Select(m => $"{m.Key} {m.Value:G6}")));
        Console.Error.WriteLine($"  wrote {path} ({new FileInfo(path).Length / 1e6:F2} MB), parameters SHA-256 {h.ParametersSha256}");
        if (device == Device.Cuda)
            Console.Error.WriteLine("  note: a GPU-trained checkpoint is shipped only if `book train --verify` on the CPU reproduces it");
        return 0;
    }

    static int Verify(TrainingRecipe recipe, int? steps)
    {
        var path = Checkpoint.ShippedPath(recipe);
        CheckpointHeader header;
        try { header = Checkpoint.ReadHeader(path); }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"book train --verify: {e.Message}");
            return 2;
        }
        Console.Error.WriteLine($"book train --verify: retraining {steps ?? header.Steps} of {header.Steps} steps of {recipe.Name} " +
                                $"(recorded on {header.Cpu}, {header.Simd}, {header.Threads} threads; here {Checkpoint.SimdWidth()})");
        var result = Checkpoint.Verify(recipe, header, steps, Progress());
        Console.Error.WriteLine();
        Console.WriteLine($"{(result.Passed ? "verified" : "MISMATCH")} {recipe.Name}: {result.Message}; largest relative difference {result.MaxRelativeDifference:G3}");
        return result.Passed ? 0 : 1;
    }

    // One status line on the terminal, redrawn at most 4 times a second.
    static Action<TrainingStatus> Progress()
    {
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.FromDays(-1);   // not MinValue: Elapsed − MinValue overflows
        return s =>
        {
            if (clock.Elapsed - last < TimeSpan.FromMilliseconds(250) && s.Step != s.Steps) return;
            last = clock.Elapsed;
            Console.Error.Write($"\r  step {s.Step}/{s.Steps}  loss {s.Loss:G5}  {s.StepsPerSecond:F2} steps/s  {s.Remaining.TotalSeconds:F0} s left   ");
        };
    }

    /// <summary>The repository's commit (with "-dirty" when files differ from it), or null outside a git checkout.</summary>
    static string? GitCommit()
    {
        try
        {
            string Git(string arguments)
            {
                var start = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Program.RepositoryRoot() };
                using var p = Process.Start(start)!;
                var text = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return p.ExitCode == 0 ? text : throw new InvalidOperationException(text);
            }
            var commit = Git("rev-parse HEAD");
            return Git("status --porcelain -- lib").Length > 0 ? commit + "-dirty" : commit;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { return null; }
    }
}
