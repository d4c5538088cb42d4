using MachinePerception.Display.Plots;

namespace MachinePerception.Checkpoints;

/// <summary>
/// The "training is real" figure of a chapter that loads a checkpoint: the loss log recorded when the checkpoint was
/// trained, and over it the log of a fresh run of the same recipe (<see cref="Checkpoint.TrainBriefly"/>). The x-axis
/// covers <c>span</c> times the fresh run, so its curve is visible next to the recorded one.
/// </summary>
public static class TrainingCurves
{
    public static Figure Figure(string name, CheckpointHeader recorded, TrainingRun fresh, string? title = null, int span = 4)
    {
        if (fresh.LossLog.Count == 0) throw new ArgumentException($"TrainingCurves.Figure: the fresh run of '{recorded.Name}' logged no loss (fewer steps than LogEvery = {recorded.LogEvery})");
        int lastStep = fresh.LossLog[^1].Step * span;
        var shown = recorded.LossLog.Where(p => p.Step <= lastStep).ToList();
        if (shown.Count == 0) shown = recorded.LossLog.Take(1).ToList();
        var freshByStep = fresh.LossLog.ToDictionary(p => p.Step, p => p.Loss);
        var freshSeries = shown.Select(p => freshByStep.TryGetValue(p.Step, out var l) ? l : double.NaN).ToArray();
        return Plot.Lines(name,
            [($"recorded ({recorded.Steps} steps in all)", shown.Select(p => p.Loss).ToArray()), ("trained again here", freshSeries)],
            x: shown.Select(p => (double)p.Step).ToArray(), title: title ?? name, xTitle: "step",
            yTitle: $"training loss (mean of {recorded.LogEvery} steps)");
    }
}
