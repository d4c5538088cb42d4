using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MachinePerception.Backends;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Checkpoints;

/// <summary>Where a training run stands: after <see cref="Step"/> of <see cref="Steps"/>, the loss of that step, speed and time left.</summary>
public sealed record TrainingStatus(int Step, int Steps, double Loss, double StepsPerSecond, TimeSpan Remaining);

/// <summary>A trained model and its loss log (mean loss of each block of <see cref="TrainingRecipe.LogEvery"/> steps).</summary>
public sealed record TrainingRun(Module Model, IReadOnlyList<LossPoint> LossLog, double WallSeconds);

/// <summary>
/// The outcome of retraining a checkpoint's first steps (or all of them) and comparing with what it recorded.
/// <see cref="SameMachineKind"/>: same SIMD width and thread count as the training machine, where the log must be
/// identical; elsewhere each logged loss must agree within <see cref="Tolerance"/> (relative).
/// </summary>
public sealed record Verification(int Steps, int PointsCompared, double MaxRelativeDifference, bool SameMachineKind,
    double Tolerance, bool? ParametersIdentical, bool Passed, string Message);

/// <summary>
/// A trained model with the evidence of how it was made (§ the book's checkpoints; <c>book train</c>): a
/// <see cref="TrainingRecipe"/> trained from its seed, saved as <c>data/checkpoints/&lt;name&gt;.mpck</c> (parameters
/// plus a JSON <see cref="CheckpointHeader"/>), loaded only when the configuration and the data it saw are unchanged,
/// and verifiable by retraining. A chapter loads it, recomputes its metric from the weights, and trains the same
/// recipe briefly from scratch (<see cref="TrainBriefly"/>) so the reader sees the training is real.
/// </summary>
public sealed class Checkpoint
{
    public TrainingRecipe Recipe { get; }
    public Module Model { get; }
    public CheckpointHeader Header { get; }

    /// <summary>The relative tolerance on logged losses when retraining on a different kind of machine.</summary>
    public const double CrossMachineTolerance = 1e-2;

    Checkpoint(TrainingRecipe recipe, Module model, CheckpointHeader header)
    {
        Recipe = recipe;
        Model = model;
        Header = header;
    }

    /// <summary>Where the book ships a recipe's checkpoint: <c>data/checkpoints/&lt;name&gt;.mpck</c>.</summary>
    public static string ShippedPath(TrainingRecipe recipe) => Path.Combine(DataDirectory.Find(), "checkpoints", recipe.Name + ".mpck");

    /// <summary>
    /// Trains <paramref name="recipe"/> from its seed for <paramref name="steps"/> (default: its <see cref="TrainingRecipe.DefaultSteps"/>)
    /// on <paramref name="device"/> (default CPU), measures its metrics and returns the checkpoint (not yet saved).
    /// </summary>
    public static Checkpoint Train(TrainingRecipe recipe, int? steps = null, Device? device = null,
        Action<TrainingStatus>? progress = null, string? gitCommit = null)
    {
        int total = steps ?? recipe.DefaultSteps;
        var data = HashData(recipe);
        var run = Run(recipe, total, total, device ?? Device.Cpu, progress);
        var metrics = Evaluate(recipe, run.Model);
        var header = new CheckpointHeader
        {
            Name = recipe.Name,
            Chapter = recipe.Chapter,
            Description = recipe.Description,
            Configuration = recipe.Configuration,
            Data = data,
            Seed = recipe.Seed,
            Steps = total,
            LogEvery = recipe.LogEvery,
            LossLog = run.LossLog,
            WallSeconds = Math.Round(run.WallSeconds, 1),
            Threads = CpuParallel.MaxThreads,
            Cpu = CpuModel(),
            Simd = SimdWidth(),
            Device = (device ?? Device.Cpu).ToString().ToLowerInvariant(),
            GitCommit = gitCommit,
            Metrics = metrics,
            ParametersSha256 = Serialization.TensorsSha256(run.Model),
        };
        return new Checkpoint(recipe, run.Model, header);
    }

    /// <summary>Writes the checkpoint (header and parameters); a failure leaves any existing file untouched.</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".partial";
        using (var f = File.Create(temporary)) Serialization.Save(Model, f, Header.ToJson());
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>
    /// Loads the recipe's checkpoint (default: the shipped one). Fails with a message that names the difference when
    /// the file is missing, belongs to another model, was trained with another configuration or on other data, or
    /// its parameters do not match their recorded SHA-256.
    /// </summary>
    public static Checkpoint Load(TrainingRecipe recipe, string? path = null)
    {
        path ??= ShippedPath(recipe);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Checkpoint.Load: no checkpoint of '{recipe.Name}' at {path}; make it with `book train {recipe.Name}`", path);
        var header = ReadHeader(path);
        if (header.Name != recipe.Name)
            throw new InvalidDataException($"Checkpoint.Load: {path} holds model '{header.Name}', not '{recipe.Name}'");
        var configDifference = Difference(header.Configuration, recipe.Configuration);
        if (configDifference is not null)
            throw new InvalidDataException($"Checkpoint.Load: {path} was trained with another configuration of '{recipe.Name}': {configDifference}; retrain it with `book train {recipe.Name}`");
        var dataDifference = Difference(header.Data, HashData(recipe));
        if (dataDifference is not null)
            throw new InvalidDataException($"Checkpoint.Load: {path} was trained on other data than '{recipe.Name}' reads now: {dataDifference}");
        var model = recipe.CreateModel();
        Serialization.Load(model, path);
        var sha = Serialization.TensorsSha256(model);
        if (sha != header.ParametersSha256)
            throw new InvalidDataException($"Checkpoint.Load: the parameters in {path} have SHA-256 {sha}, its header records {header.ParametersSha256}: the file is damaged");
        return new Checkpoint(recipe, model, header);
    }

    /// <summary>
    /// What a chapter calls: the shipped checkpoint, or with <c>BOOK_FULL=1</c> (<see cref="Display.Notebook.FullTraining"/>)
    /// the recipe trained from scratch for its full number of steps, here and now.
    /// </summary>
    public static Checkpoint LoadOrTrain(TrainingRecipe recipe, Action<TrainingStatus>? progress = null) =>
        Display.Notebook.FullTraining ? Train(recipe, progress: progress) : Load(recipe);

    /// <summary>The header of a checkpoint file, or an error if the file has none.</summary>
    public static CheckpointHeader ReadHeader(string path) =>
        CheckpointHeader.FromJson(Serialization.ReadHeader(path)
            ?? throw new InvalidDataException($"Checkpoint: {path} is a parameter file without a header, not a checkpoint"), path);

    /// <summary>
    /// A fresh model of the recipe trained for only <paramref name="steps"/> steps, with the learning-rate schedule of the
    /// full run: its loss log lies on top of the checkpoint's recorded one, step for step, when the training is the same.
    /// </summary>
    public static TrainingRun TrainBriefly(TrainingRecipe recipe, int steps, Action<TrainingStatus>? progress = null) =>
        Run(recipe, recipe.DefaultSteps, steps, Device.Cpu, progress);

    /// <summary>
    /// Retrains the first <paramref name="steps"/> steps (default: all of them, which also compares the final
    /// parameters' SHA-256) with the checkpoint's thread count, and compares the loss log with the recorded one.
    /// </summary>
    public static Verification Verify(TrainingRecipe recipe, CheckpointHeader header, int? steps = null, Action<TrainingStatus>? progress = null)
    {
        int k = steps ?? header.Steps;
        if (k < 1 || k > header.Steps)
            throw new ArgumentException($"Checkpoint.Verify: steps must be in 1..{header.Steps}, got {k}");
        var configDifference = Difference(header.Configuration, recipe.Configuration);
        if (configDifference is not null)
            return new Verification(k, 0, double.NaN, false, 0, null, false, $"the recipe's configuration changed: {configDifference}");
        var savedThreads = CpuParallel.MaxThreads;
        CpuParallel.MaxThreads = header.Threads;
        TrainingRun run;
        try { run = Run(recipe, header.Steps, k, Device.Cpu, progress); }
        finally { CpuParallel.MaxThreads = savedThreads; }

        bool sameKind = header.Simd == SimdWidth() && header.Device == "cpu";
        double tolerance = sameKind ? 0 : CrossMachineTolerance;
        var recorded = header.LossLog.Where(p => p.Step <= k).ToList();
        int compared = 0;
        double worst = 0;
        string? firstMismatch = null;
        foreach (var point in recorded)
        {
            var again = run.LossLog.FirstOrDefault(p => p.Step == point.Step);
            if (again is null) continue;
            compared++;
            double rel = Math.Abs(again.Loss - point.Loss) / Math.Max(Math.Abs(point.Loss), 1e-12);
            if (!(rel <= worst)) worst = double.IsNaN(rel) ? double.PositiveInfinity : rel;
            if (!(rel <= tolerance) && firstMismatch is null)
                firstMismatch = $"step {point.Step}: recorded {point.Loss:R}, retrained {again.Loss:R}";
        }
        bool? identicalParameters = k == header.Steps ? Serialization.TensorsSha256(run.Model) == header.ParametersSha256 : null;
        // final parameters can only be bit-identical on the same kind of machine
        bool passed = compared > 0 && firstMismatch is null && (!sameKind || identicalParameters != false);
        var message = compared == 0 ? $"no logged step within the first {k} steps (the log has one every {header.LogEvery})"
            : firstMismatch is not null ? $"loss log differs at {firstMismatch} (tolerance {tolerance:G2})"
            : identicalParameters == false && sameKind ? "loss log identical but the final parameters differ"
            : $"{compared} logged losses {(sameKind ? "identical" : $"within {tolerance:G2}")}" +
              (identicalParameters is null ? "" : identicalParameters.Value ? ", final parameters identical (SHA-256)" : ", final parameters differ (expected on another kind of machine)");
        return new Verification(k, compared, worst, sameKind, tolerance, identicalParameters, passed, message);
    }

    /// <summary>The metrics recorded in the header next to those computed from the loaded weights now.</summary>
    public IReadOnlyDictionary<string, double> EvaluateNow() => Evaluate(Recipe, Model);

    // ---------- the training loop shared by Train, TrainBriefly and Verify ----------

    static TrainingRun Run(TrainingRecipe recipe, int totalSteps, int stepsToRun, Device device, Action<TrainingStatus>? progress)
    {
        if (totalSteps < 1) throw new ArgumentException($"Checkpoint: '{recipe.Name}' needs at least one step, got {totalSteps}");
        if (stepsToRun < 1 || stepsToRun > totalSteps)
            throw new ArgumentException($"Checkpoint: steps to run must be in 1..{totalSteps}, got {stepsToRun}");
        if (recipe.LogEvery < 1) throw new ArgumentException($"Checkpoint: '{recipe.Name}'.LogEvery must be ≥ 1, got {recipe.LogEvery}");
        var model = recipe.CreateModel();
        if (device != Device.Cpu) model.To(device);
        model.Train();
        var trainer = recipe.CreateTrainer(model, totalSteps);
        var log = new List<LossPoint>();
        var clock = Stopwatch.StartNew();
        double blockSum = 0;
        int blockCount = 0;
        for (int step = 1; step <= stepsToRun; step++)
        {
            double loss = trainer.Step();
            if (!double.IsFinite(loss))
                throw new InvalidOperationException($"Checkpoint: training '{recipe.Name}' gave loss {loss} at step {step}");
            blockSum += loss;
            blockCount++;
            if (step % recipe.LogEvery == 0 || step == stepsToRun)
            {
                log.Add(new LossPoint(step, blockSum / blockCount));
                blockSum = 0;
                blockCount = 0;
            }
            if (progress is not null)
            {
                double rate = step / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                progress(new TrainingStatus(step, stepsToRun, loss, rate, TimeSpan.FromSeconds((stepsToRun - step) / rate)));
            }
        }
        model.Eval();
        return new TrainingRun(model, log, clock.Elapsed.TotalSeconds);
    }

    static IReadOnlyDictionary<string, double> Evaluate(TrainingRecipe recipe, Module model)
    {
        model.Eval();
        return new SortedDictionary<string, double>(recipe.Evaluate(model).ToDictionary(), StringComparer.Ordinal);
    }

    // ---------- provenance ----------

    /// <summary>Repository-relative paths are taken from the folder above data/; absolute paths as they are.</summary>
    static List<DataFileHash> HashData(TrainingRecipe recipe)
    {
        var root = Path.GetDirectoryName(DataDirectory.Find())!;
        var hashes = new List<DataFileHash>();
        foreach (var file in recipe.DataFiles)
        {
            var full = Path.IsPathRooted(file) ? file : Path.Combine(root, file);
            if (!File.Exists(full))
                throw new FileNotFoundException($"Checkpoint: '{recipe.Name}' reads {file}, which does not exist ({full})", full);
            using var stream = File.OpenRead(full);
            hashes.Add(new DataFileHash(file.Replace('\\', '/'), stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream))));
        }
        return hashes;
    }

    static string? Difference(JsonObject recorded, JsonObject now)
    {
        if (JsonNode.DeepEquals(recorded, now)) return null;
        var keys = recorded.Select(p => p.Key).Union(now.Select(p => p.Key)).Order(StringComparer.Ordinal);
        var differing = keys.Where(k => !JsonNode.DeepEquals(recorded[k], now[k]))
            .Select(k => $"{k} = {recorded[k]?.ToJsonString() ?? "(absent)"} in the file, {now[k]?.ToJsonString() ?? "(absent)"} in the recipe");
        return string.Join("; ", differing);
    }

    static string? Difference(IReadOnlyList<DataFileHash> recorded, IReadOnlyList<DataFileHash> now)
    {
        var problems = new List<string>();
        foreach (var file in recorded)
        {
            var current = now.FirstOrDefault(f => f.Path == file.Path);
            if (current is null) problems.Add($"{file.Path} is no longer read");
            else if (current.Sha256 != file.Sha256)
                problems.Add($"{file.Path} has SHA-256 {current.Sha256}, the checkpoint was trained on {file.Sha256}");
        }
        foreach (var file in now.Where(f => recorded.All(r => r.Path != f.Path)))
            problems.Add($"{file.Path} is read now but was not in training");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>The CPU's model name (Linux: /proc/cpuinfo), else its architecture.</summary>
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                        return line[(colon + 1)..].Trim();
        }
        catch (IOException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The widest hardware SIMD the CPU kernels use, with the float count of <see cref="System.Numerics.Vector{T}"/>.</summary>
    public static string SimdWidth() =>
        (Vector512.IsHardwareAccelerated ? "avx512" : Vector256.IsHardwareAccelerated ? "avx2" : Vector128.IsHardwareAccelerated ? "128-bit" : "scalar")
        + $", {System.Numerics.Vector<float>.Count} floats";
}
