using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Checkpoints;

/// <summary>
/// A recipe small enough for unit tests: a 2-8-1 MLP fitted by Adam to y = sin(x₁) + x₂² on points read from a data
/// file (written by the test), in shuffled mini-batches. <see cref="Perturb"/> changes the training without changing
/// the configuration, as an engine change would.
/// </summary>
sealed class SineRecipe(string dataFile, int hidden = 8, double learningRate = 0.01) : TrainingRecipe
{
    public double LearningRate => learningRate;

    public static bool Perturb;

    public override string Name => "test-sine";
    public override string Chapter => "00";
    public override string Description => "a 2-8-1 MLP fitted to sin(x1) + x2^2";
    public override int DefaultSteps => 60;
    public override int LogEvery => 10;
    public override ulong Seed => 7;
    public override JsonObject Configuration => new() { ["hidden"] = hidden, ["learning_rate"] = learningRate, ["batch"] = 16 };
    public override IReadOnlyList<string> DataFiles => [dataFile];

    public static string WriteData(string folder)
    {
        var rng = new Rng(3);
        var lines = Enumerable.Range(0, 64).Select(_ =>
        {
            double a = rng.NextDouble() * 4 - 2, b = rng.NextDouble() * 2 - 1;
            return FormattableString.Invariant($"{a} {b} {Math.Sin(a) + b * b}");
        });
        var path = Path.Combine(folder, "sine.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    (Tensor X, Tensor Y) Read()
    {
        var rows = File.ReadAllLines(DataFiles[0]).Select(l => l.Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return (Tensor.FromArray(rows.SelectMany(r => r[..2]).Select(v => (float)v).ToArray(), rows.Length, 2),
                Tensor.FromArray(rows.Select(r => (float)r[2]).ToArray(), rows.Length, 1));
    }

    public override Module CreateModel()
    {
        var rng = new Rng(Seed);
        return new Sequential(new Linear(2, hidden, rng), new Tanh(), new Linear(hidden, 1, rng));
    }

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new Trainer(this, (Sequential)model, totalSteps);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var (x, y) = Read();
        return new Dictionary<string, double> { ["mse"] = Losses.Mse(((Sequential)model).Forward(x), y).Item() };
    }

    sealed class Trainer(SineRecipe recipe, Sequential model, int totalSteps) : ITrainer
    {
        readonly (Tensor X, Tensor Y) data = recipe.Read();
        readonly Adam adam = new(model.Parameters(), recipe.LearningRate);
        readonly Rng order = new(recipe.Seed + 1);
        int step;

        public double Step()
        {
            step++;
            adam.LearningRate = recipe.LearningRate * (Perturb ? 1.01 : 1) * (1 - 0.5 * step / totalSteps);
            var rows = Enumerable.Range(0, 16).Select(_ => order.NextInt(data.X.Shape[0])).ToArray();
            var x = Op.IndexSelect(data.X, 0, rows);
            var y = Op.IndexSelect(data.Y, 0, rows);
            adam.ZeroGrad();
            var loss = Losses.Mse(model.Forward(x), y);
            loss.Backward();
            adam.Step();
            return loss.Item();
        }
    }
}

public sealed class CheckpointTests : IDisposable
{
    readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("checkpoint-tests-");
    readonly string data;

    public CheckpointTests() => data = SineRecipe.WriteData(folder.FullName);

    public void Dispose() => folder.Delete(recursive: true);

    string File(string name) => Path.Combine(folder.FullName, name);

    [Fact]
    public void Training_records_the_log_the_data_hash_and_metrics_and_loading_restores_the_same_model()
    {
        var recipe = new SineRecipe(data);
        var trained = Checkpoint.Train(recipe);
        var h = trained.Header;
        Assert.Equal([10, 20, 30, 40, 50, 60], h.LossLog.Select(p => p.Step));
        Assert.True(h.LossLog[^1].Loss < h.LossLog[0].Loss, "training lowers the loss");
        Assert.Equal(data, h.Data.Single().Path);
        Assert.Equal(64, h.Data.Single().Sha256.Length);
        Assert.Equal(recipe.Evaluate(trained.Model)["mse"], h.Metrics["mse"]);

        trained.Save(File("sine.mpck"));
        var loaded = Checkpoint.Load(recipe, File("sine.mpck"));
        Assert.Equal(h.ToJson(), loaded.Header.ToJson());
        Assert.Equal(Serialization.TensorsSha256(trained.Model), Serialization.TensorsSha256(loaded.Model));
        Assert.Equal(h.Metrics["mse"], loaded.EvaluateNow()["mse"]);
    }

    [Fact]
    public void Loading_refuses_another_configuration_other_data_and_damaged_parameters_naming_the_difference()
    {
        var path = File("sine.mpck");
        Checkpoint.Train(new SineRecipe(data)).Save(path);

        var config = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(new SineRecipe(data, hidden: 9), path));
        Assert.Contains("hidden = 8 in the file, 9 in the recipe", config.Message);

        System.IO.File.AppendAllText(data, "0 0 0\n");
        var changed = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(new SineRecipe(data), path));
        Assert.Contains("sine.txt has SHA-256", changed.Message);
        Assert.Contains("trained on", changed.Message);

        var fresh = new SineRecipe(SineRecipe.WriteData(folder.FullName));
        var bytes = System.IO.File.ReadAllBytes(path);
        bytes[^3] ^= 0x40; // a bit of the last parameter
        System.IO.File.WriteAllBytes(path, bytes);
        Assert.Contains("damaged", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(fresh, path)).Message);

        var missing = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(fresh, File("none.mpck")));
        Assert.Contains("book train test-sine", missing.Message);
    }

    [Fact]
    public void A_plain_parameter_file_is_not_a_checkpoint()
    {
        var recipe = new SineRecipe(data);
        recipe.CreateModel().Save(File("plain.bin"));
        Assert.Contains("without a header", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(recipe, File("plain.bin"))).Message);
    }

    [Fact]
    public void Retraining_reproduces_the_log_and_the_parameters_and_a_changed_training_is_caught()
    {
        var recipe = new SineRecipe(data);
        var header = Checkpoint.Train(recipe).Header;

        var prefix = Checkpoint.Verify(recipe, header, 20);
        Assert.True(prefix.Passed, prefix.Message);
        Assert.Equal(2, prefix.PointsCompared);
        Assert.Equal(0, prefix.MaxRelativeDifference);
        Assert.Null(prefix.ParametersIdentical);

        var full = Checkpoint.Verify(recipe, header);
        Assert.True(full.Passed, full.Message);
        Assert.True(full.ParametersIdentical);

        var brief = Checkpoint.TrainBriefly(recipe, 30);
        Assert.Equal(header.LossLog.Take(3), brief.LossLog);

        SineRecipe.Perturb = true;
        try
        {
            var changed = Checkpoint.Verify(recipe, header, 20);
            Assert.False(changed.Passed);
            Assert.Contains("loss log differs at step 10", changed.Message);
        }
        finally { SineRecipe.Perturb = false; }
    }

    [Fact]
    public void A_retraining_that_reaches_no_logged_step_does_not_pass()
    {
        var recipe = new SineRecipe(data);
        var header = Checkpoint.Train(recipe).Header;
        var v = Checkpoint.Verify(recipe, header, 5);
        Assert.False(v.Passed);
        Assert.Contains("no logged step", v.Message);
        Assert.Throws<ArgumentException>(() => Checkpoint.Verify(recipe, header, 61));
    }

    [Fact]
    public void Parameter_files_with_a_header_round_trip_and_files_without_one_still_load()
    {
        var recipe = new SineRecipe(data);
        var model = recipe.CreateModel();
        using var withHeader = new MemoryStream();
        Serialization.Save(model, withHeader, "{\"a\": 1}");
        Assert.Equal(Serialization.VersionWithHeader, BitConverter.ToInt32(withHeader.ToArray(), 8));
        var other = new SineRecipe(data, learningRate: 0.5).CreateModel();
        Assert.Equal("{\"a\": 1}", Serialization.Load(other, new MemoryStream(withHeader.ToArray())));
        Assert.Equal(Serialization.TensorsSha256(model), Serialization.TensorsSha256(other));

        using var plain = new MemoryStream();
        Serialization.Save(model, plain);
        Assert.Null(Serialization.Load(other, new MemoryStream(plain.ToArray())));
    }
}

/// <summary>Every checkpoint the book ships: its first steps retrained here reproduce the recorded loss log.</summary>
public sealed class ShippedCheckpointTests
{
    const string None = "(no shipped checkpoints)";

    public static TheoryData<string> Shipped()
    {
        var data = new TheoryData<string>();
        foreach (var r in TrainingRecipes.All)
            if (System.IO.File.Exists(Checkpoint.ShippedPath(r))) data.Add(r.Name);
        if (data.Count == 0) data.Add(None);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Retraining_the_first_steps_reproduces_the_recorded_log(string name)
    {
        if (name == None)
        {
            Assert.DoesNotContain(TrainingRecipes.All, r => System.IO.File.Exists(Checkpoint.ShippedPath(r)));
            return;
        }
        var recipe = TrainingRecipes.Find(name);
        var checkpoint = Checkpoint.Load(recipe); // configuration, data and parameters' SHA-256 as recorded
        var v = Checkpoint.Verify(recipe, checkpoint.Header, recipe.VerifySteps);
        Assert.True(v.Passed, $"{name}: {v.Message}");
    }

    [Fact]
    public void Every_recipe_has_a_valid_name_and_shipped_files_stay_within_the_size_limits()
    {
        long total = 0;
        foreach (var r in TrainingRecipes.All)
        {
            Assert.Matches("^[a-z0-9-]+$", r.Name);
            Assert.True(r.VerifySteps >= r.LogEvery && r.VerifySteps <= r.DefaultSteps, $"{r.Name}: VerifySteps {r.VerifySteps}");
            var path = Checkpoint.ShippedPath(r);
            if (!System.IO.File.Exists(path)) continue;
            long size = new FileInfo(path).Length;
            Assert.True(size <= 8_000_000, $"{path} is {size} bytes (limit 8 MB)");
            total += size;
        }
        Assert.True(total <= 40_000_000, $"checkpoints total {total} bytes (limit 40 MB)");
    }
}
