using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Rnn;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Rnn;

public class SequenceTaskTests
{
    [Fact]
    public void Adding_problem_marks_one_value_in_each_half_and_sums_them()
    {
        var (x, y) = AddingProblem.Sample(5, 9, new Rng(1), DType.Float64);
        Assert.Equal([9, 5, 2], x.Shape.ToArray());
        var v = x.ToDoubleArray();
        var target = y.ToDoubleArray();
        for (int b = 0; b < 5; b++)
        {
            var marked = Enumerable.Range(0, 9).Where(t => v[(t * 5 + b) * 2 + 1] == 1).ToArray();
            Assert.Equal(2, marked.Length);
            Assert.True(marked[0] < 4 && marked[1] >= 4, $"markers at {marked[0]}, {marked[1]}");
            Assert.Equal(marked.Sum(t => v[(t * 5 + b) * 2]), target[b], 14);
        }
    }

    [Fact]
    public void Adding_problem_constant_guess_scores_one_sixth()
    {
        var (_, y) = AddingProblem.Sample(20000, 4, new Rng(2), DType.Float64);
        double mse = y.ToDoubleArray().Average(t => (t - 1) * (t - 1));
        Assert.InRange(mse, AddingProblem.BaselineMse - 0.005, AddingProblem.BaselineMse + 0.005);
    }

    [Fact]
    public void Echo_target_is_the_input_delayed()
    {
        var (x, y) = EchoTask.Sample(3, 10, 4, new Rng(3), DType.Float64);
        var xv = x.ToDoubleArray();
        var yv = y.ToDoubleArray();
        for (int t = 0; t < 10; t++)
            for (int b = 0; b < 3; b++) Assert.Equal(t < 4 ? 0 : xv[(t - 4) * 3 + b], yv[t * 3 + b]);
    }

    [Fact]
    public void Lstm_step_exposes_gates_in_their_ranges_and_matches_Forward()
    {
        var rng = new Rng(4);
        var cell = new LstmCell(2, 3, rng, DType.Float64);
        var x = rng.Normal([2, 2], dtype: DType.Float64);
        var (h, c) = (rng.Normal([2, 3], dtype: DType.Float64), rng.Normal([2, 3], dtype: DType.Float64));
        var s = cell.Step(x, h, c);
        foreach (var gate in new[] { s.I, s.F, s.O }) Assert.All(gate.ToDoubleArray(), v => Assert.InRange(v, 0, 1));
        Assert.All(s.G.ToDoubleArray(), v => Assert.InRange(v, -1, 1));
        var (h2, c2) = cell.Forward(x, h, c);
        Assert.Equal(h2.ToDoubleArray(), s.H.ToDoubleArray());
        Assert.Equal((s.F * c + s.I * s.G).ToDoubleArray(), c2.ToDoubleArray());
    }

    [Fact]
    public void Regressor_runs_both_cells_and_rejects_a_wrong_sequence_shape()
    {
        foreach (var kind in new[] { CellKind.Vanilla, CellKind.Lstm })
        {
            var m = new RecurrentRegressor(kind, 2, 4, 1, new Rng(5), DType.Float64);
            var (x, _) = AddingProblem.Sample(3, 6, new Rng(6), DType.Float64);
            Assert.Equal([3, 1], m.PredictLast(x).Shape.ToArray());
            var (y, last) = m.PredictEach(x);
            Assert.Equal([6, 3, 1], y.Shape.ToArray());
            Assert.Equal(kind == CellKind.Lstm, last.C is not null);
            var e = Assert.Throws<ArgumentException>(() => m.PredictLast(Tensor.Zeros([6, 3], DType.Float64)));
            Assert.StartsWith("SequenceUnroll.", e.Message);
        }
    }

    [Fact]
    public void Training_is_deterministic_and_clipping_caps_the_step()
    {
        TrainingRun Train(double? clip)
        {
            var rng = new Rng(7);
            var m = new RecurrentRegressor(CellKind.Vanilla, 1, 4, 1, rng);
            return RecurrentTraining.TruncatedBptt(m, new Sgd(m.Parameters(), 0.1), delay: 2, window: 3, steps: 4, batch: 2, rng, clip, testLength: 12);
        }
        var a = Train(null);
        var b = Train(null);
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(a.TestMse, b.TestMse);
        var clipped = Train(1e-3);
        Assert.Equal(a.GradientNorm[0], clipped.GradientNorm[0]); // measured before clipping
        Assert.NotEqual(a.Loss[1], clipped.Loss[1]);
    }
}
