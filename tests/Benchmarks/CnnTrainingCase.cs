namespace MachinePerception.Benchmarks;

sealed class CnnTrainingCase : BenchmarkCase
{
    public override string Name => "cnn-28x28-b64";
    protected override string? SkipReason => "not written yet";
    protected override (Action ours, Action reference) Setup() => throw new NotSupportedException();
}
