using MachinePerception.Checkpoints;
using static MachinePerception.Book.Tests.BookTool;

namespace MachinePerception.Book.Tests;

public sealed class TrainCommandTests
{
    [Fact]
    public void List_names_every_recipe_of_the_library()
    {
        var run = Run("train", "--list");
        Assert.Equal(0, run.Code);
        foreach (var r in TrainingRecipes.All) Assert.Contains(r.Name, run.StdOut);
    }

    [Fact]
    public void An_unknown_model_is_refused_with_the_known_names()
    {
        var run = Run("train", "no-such-model");
        Assert.Equal(2, run.Code);
        Assert.Contains("no model 'no-such-model'", run.StdErr);
    }

    [Fact]
    public void A_short_training_writes_a_checkpoint_whose_header_records_the_run()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("book-train-").FullName, "judge.mpck");
        var run = Run("train", "judge-mnist", "--steps", "25", "--out", file);
        Assert.True(run.Code == 0, run.StdErr);
        Assert.Contains("step 25/25", run.StdErr);
        var header = Checkpoint.ReadHeader(file);
        Assert.Equal(25, header.Steps);
        Assert.Equal([25], header.LossLog.Select(p => p.Step));
        Assert.Contains("test_accuracy", header.Metrics.Keys);
        Assert.Matches("^[0-9a-f]{40}", header.GitCommit);
    }

    [Fact]
    public void Training_without_a_model_or_with_a_bad_option_explains_itself()
    {
        Assert.Contains("name a model", Run("train").StdErr);
        Assert.Contains("--bogus", Run("train", "--bogus").StdErr);
    }
}
