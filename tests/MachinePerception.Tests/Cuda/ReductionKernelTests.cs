using MachinePerception.Backends;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>Reductions and softmax on the CPU accelerator against the CPU backend.</summary>
[Collection("Cuda")]
public class ReductionKernelTests(CpuAcceleratorFixture fx)
{
    static readonly CpuBackend Cpu = CpuBackend.Instance;
    Backend Dev => fx.Backend;

    public static TheoryData<ReduceOp, DType> Cases()
    {
        var data = new TheoryData<ReduceOp, DType>();
        foreach (var op in Enum.GetValues<ReduceOp>())
            foreach (var dt in new[] { DType.Float32, DType.Float64 })
                data.Add(op, dt);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reduce_matches_the_cpu_over_rows_and_columns(ReduceOp op, DType dtype)
    {
        // [outer, n, inner]: contiguous rows longer than a group (group tree), column blocks of 2 and 4 lanes (some
        // sticking out past inner = 7 and 11), a single row, n = 1
        int[][] layouts = [[3, 37, 1], [2, 5, 3], [1, 64, 1], [4, 1, 2], [2, 3, 7], [2, 9, 11], [1, 40, 2]];
        int seed = 20;
        foreach (var l in layouts)
        {
            var x = Kit.Random(seed++, dtype, l);
            if (op is ReduceOp.ArgMax or ReduceOp.ArgMin) x = Quantize(x); // ties: the first index must win
            var expected = Cpu.Allocate([l[0], l[2]], dtype);
            Cpu.Reduce(op, x, expected, l[0], l[1], l[2]);
            var y = Dev.Allocate([l[0], l[2]], dtype);
            Dev.Reduce(op, Dev.Up(x), y, l[0], l[1], l[2]);
            Kit.Near(expected, Dev.Down(y), Kit.Tol(dtype) * 4);
        }
    }

    static Tensor Quantize(Tensor t)
    {
        var d = Tensor.FromArray(t.ToDoubleArray().Select(v => Math.Round(v * 2) / 2).ToArray(), t.Shape.ToArray());
        return t.DType == DType.Float64 ? d : d.To(DType.Float32);
    }

    [Theory]
    [InlineData(ReduceOp.ArgMax)]
    [InlineData(ReduceOp.ArgMin)]
    public void Arg_reductions_rank_nan_and_signed_zeros_like_the_cpu(ReduceOp op)
    {
        // rows: −0 and +0 tied; a NaN after the maximum; two NaNs; ties of ordinary numbers
        double nan = double.NaN;
        var x = Tensor.FromArray([-0.0, 0.0, -0.0, 0.0, 1, 3, nan, 3, 2, nan, nan, 5, 7, 7, -7, -7], 4, 4);
        foreach (var (outer, n, inner, t) in new[] { (4, 4, 1, x), (1, 4, 4, Op.Transpose(x)) })
        {
            var expected = Cpu.Allocate([outer, inner], DType.Float64);
            Cpu.Reduce(op, t, expected, outer, n, inner);
            var y = Dev.Allocate([outer, inner], DType.Float64);
            Dev.Reduce(op, Dev.Up(t), y, outer, n, inner);
            Assert.Equal(expected.ToDoubleArray(), Dev.Down(y).ToDoubleArray());
        }
    }

    [Fact]
    public void LogSumExp_survives_large_and_infinite_inputs()
    {
        var x = Tensor.FromArray([1000.0, 999, 998, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, 5, double.PositiveInfinity, 1], 3, 3);
        var expected = Cpu.Allocate([3, 1], DType.Float64);
        Cpu.Reduce(ReduceOp.LogSumExp, x, expected, 3, 3, 1);
        var y = Dev.Allocate([3, 1], DType.Float64);
        Dev.Reduce(ReduceOp.LogSumExp, Dev.Up(x), y, 3, 3, 1);
        Kit.Near(expected, Dev.Down(y), 1e-14);
        Assert.Equal(1000 + Math.Log(1 + Math.Exp(-1) + Math.Exp(-2)), Dev.Down(y).ToDoubleArray()[0], 12);
    }

    [Fact]
    public void Reducing_an_empty_axis_is_an_error_except_for_sums()
    {
        var x = Dev.Allocate([2, 0], DType.Float32);
        var e = Assert.Throws<ArgumentException>(() => Dev.Reduce(ReduceOp.Max, x, Dev.Allocate([2, 1], DType.Float32), 2, 0, 1));
        Assert.StartsWith("Max:", e.Message);
        var s = Dev.Allocate([2, 1], DType.Float32);
        Dev.Fill(s, 7);
        Dev.Reduce(ReduceOp.Sum, x, s, 2, 0, 1);
        Assert.Equal([0.0, 0.0], Dev.Down(s).ToDoubleArray());
    }

    [Theory]
    [InlineData(DType.Float32, false)]
    [InlineData(DType.Float32, true)]
    [InlineData(DType.Float64, false)]
    [InlineData(DType.Float64, true)]
    public void Softmax_matches_the_cpu_and_never_overflows(DType dtype, bool log)
    {
        foreach (var (rows, n, scale) in new[] { (3, 37, 1.0), (5, 1, 1.0), (2, 16, 500.0) })
        {
            var x = new Rng(rows * n).Normal([rows, n], 0, scale, dtype);
            var expected = Cpu.Allocate(x.Shape, dtype);
            Cpu.Softmax(x, expected, rows, n, log);
            var y = Dev.Allocate(x.Shape, dtype);
            Dev.Softmax(Dev.Up(x), y, rows, n, log);
            var got = Dev.Down(y);
            Kit.Near(expected, got, Kit.Tol(dtype) * 4);
            Assert.All(got.ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
        }
    }
}
