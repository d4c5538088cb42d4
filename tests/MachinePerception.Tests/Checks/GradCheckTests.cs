using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Checking;

public class GradCheckTests
{
    static Tensor X() => new Rng(3).Normal([4, 3], dtype: DType.Float64);

    // sin(x) recorded with a backward of the caller's choice
    static Tensor Sin(Tensor x, Func<Tensor, Tensor, Tensor> backward)
    {
        var y = Op.Sin(x.Detach());
        return Autograd.Record(y, "test_sin", [x], g => [backward(g, x)]);
    }

    [Fact]
    public void A_correct_backward_passes_with_the_raw_error_and_noise_floor_reported()
    {
        var r = GradCheck.Run(xs => Sin(xs[0], (g, x) => g * Op.Cos(x)), [X()]);
        Assert.True(r.Passed, r.Summary);
        Assert.InRange(r.RawRelativeError, r.MaxRelativeError, 1e-7);
        Assert.True(r.NoiseFloor > 0 && r.NoiseFloor < 1e-8, $"noise floor {r.NoiseFloor}");
        Assert.Contains("raw", r.Summary);
    }

    [Theory]
    [InlineData(1.001)] // 0.1 % off: far above the 1e-7 threshold, far below what a plot would show
    [InlineData(-1.0)]  // the sign slip
    public void A_wrong_backward_fails(double factor)
    {
        var r = GradCheck.Run(xs => Sin(xs[0], (g, x) => g * Op.Cos(x) * factor), [X()]);
        Assert.False(r.Passed, r.Summary);
        Assert.True(r.MaxRelativeError > 1e-4, r.Summary);
        Assert.True(r.RawRelativeError >= r.MaxRelativeError);
    }

    [Fact]
    public void The_worst_entry_is_named_by_its_index_before_and_after_the_noise_allowance()
    {
        // a backward that is wrong in one entry only, [2, 1]: both measures must point there
        static Tensor Mask(Tensor like) { var m = Tensor.OnesLike(like).Detach().Clone(); m.AsSpan<double>()[2 * 3 + 1] = 1.001; return m; }
        var wrong = GradCheck.Run(xs => Sin(xs[0], (g, x) => g * Op.Cos(x) * Mask(x)), [X()]);
        Assert.False(wrong.Passed, wrong.Summary);
        Assert.Equal("[2, 1]", wrong.Index);
        Assert.Equal("[2, 1]", wrong.RawIndex);
        Assert.Equal(wrong.RawAnalytic, wrong.Analytic);

        // a correct backward: everything within the noise, so the raw worst entry is the one named, with its own numbers
        var right = GradCheck.Run(xs => Sin(xs[0], (g, x) => g * Op.Cos(x)), [X()]);
        Assert.True(right.Passed, right.Summary);
        Assert.Equal(right.RawIndex, right.Index);
        double expected = Math.Abs(right.RawAnalytic - right.RawNumeric) / (Math.Abs(right.RawAnalytic) + Math.Abs(right.RawNumeric));
        Assert.Equal(expected, right.RawRelativeError, 12);
        Assert.Contains($"at input 0 {right.RawIndex}", right.Summary);
    }

    [Fact]
    public void Float32_inputs_are_refused_with_the_shape_named()
    {
        var e = Assert.Throws<ArgumentException>(() => GradCheck.Run(xs => Op.Sin(xs[0]), [new Rng(1).Normal([2, 5])]));
        Assert.Contains("[2, 5]", e.Message);
    }
}
