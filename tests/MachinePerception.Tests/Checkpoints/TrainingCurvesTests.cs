using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Nn;

namespace MachinePerception.Tests.Checkpoints;

public class TrainingCurvesTests
{
    static CheckpointHeader Header(int steps, int every) => new()
    {
        Name = "curve-test", Chapter = "00", Description = "", Configuration = new JsonObject(), Data = [], Seed = 1, Steps = steps,
        LogEvery = every, LossLog = Enumerable.Range(1, steps / every).Select(k => new LossPoint(k * every, 100.0 / k)).ToList(),
        WallSeconds = 1, Threads = 1, Cpu = "", Simd = "", Device = "cpu", Metrics = new Dictionary<string, double>(), ParametersSha256 = "",
    };

    [Fact]
    public void The_fresh_run_is_drawn_over_the_recorded_steps_and_padded_after_its_end()
    {
        var header = Header(1000, 10);
        var fresh = new TrainingRun(new Sequential(), [new LossPoint(10, 100), new LossPoint(20, 50)], 0.1);
        var chart = TrainingCurves.Figure("curve-test", header, fresh).Chart!.ToJsonString();
        // x covers 4× the fresh run: steps 10 … 80; the fresh series has values at 10 and 20 and nulls after
        Assert.Contains("[10,20,30,40,50,60,70,80]", chart);
        Assert.Contains("[100,50,null,null,null,null,null,null]", chart);
        Assert.Contains("recorded (1000 steps in all)", chart);
        Assert.Throws<ArgumentException>(() => TrainingCurves.Figure("curve-test", header, new TrainingRun(new Sequential(), [], 0)));
    }
}
