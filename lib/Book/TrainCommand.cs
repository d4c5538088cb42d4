using System.CommandLine;
using System.Diagnostics;
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
    public Command Create()
    {
        var model = new Argument<string?>("model") { Description = "the model's name (book train --list shows them)", Arity = ArgumentArity.ZeroOrOne };
        var steps = new Option<int?>("--steps") { Description = "steps to train (default: the recipe's); with --verify, steps to retrain (default: all)" };
        steps.Validators.Add(r =>
        {
            foreach (var t in r.Tokens)
                if (!int.TryParse(t.Value, out int n) || n < 1) r.AddError($"--steps must be a positive number, got '{t.Value}'");
        });
        var output = new Option<string>("--out") { Description = "where to write the checkpoint (default data/checkpoints/<model>.mpck)", HelpName = "file" };
        var device = new Option<string>("--device") { Description = "train on the CPU or a CUDA GPU", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var verify = new Option<bool>("--verify") { Description = "retrain the shipped checkpoint's first --steps steps and compare the loss log (and, for all steps, the parameters)" };
        var list = new Option<bool>("--list") { Description = "list the models and their checkpoints" };
        var command = new Command("train", "Train one of the book's models deterministically into a checkpoint, or verify a shipped checkpoint by retraining it.");
        command.Arguments.Add(model);
        foreach (var o in new Option[] { steps, output, device, verify, list }) command.Options.Add(o);
        command.SetAction(r =>
        {
            if (r.GetValue(list)) return List();
            if (r.GetValue(model) is not { } name)
            {
                Console.Error.WriteLine("book train: name a model (book train --list shows them)");
                return 2;
            }
            TrainingRecipe recipe;
            try { recipe = TrainingRecipes.Find(name); }
            catch (ArgumentException e) { Console.Error.WriteLine($"book train: {e.Message}"); return 2; }
            return r.GetValue(verify) ? Verify(recipe, r.GetValue(steps))
                : Train(recipe, r.GetValue(steps), r.GetValue(output), r.GetValue(device) == "cuda" ? Device.Cuda : Device.Cpu);
        });
        return command;
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
        TimeSpan? last = null;
        return s =>
        {
            if (last is { } shown && clock.Elapsed - shown < TimeSpan.FromMilliseconds(250) && s.Step != s.Steps) return;
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
