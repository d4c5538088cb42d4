using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>Fill, copies and elementwise maps on the CPU accelerator against the CPU backend, at odd sizes.</summary>
[Collection("Cuda")]
public class ElementwiseKernelTests(CpuAcceleratorFixture fx)
{
    static readonly CpuBackend Cpu = CpuBackend.Instance;
    Backend Dev => fx.Backend;

    public static TheoryData<DType> DTypes() => [DType.Float32, DType.Float64];

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Fill_and_transfer_round_trip(DType dtype)
    {
        var y = Dev.Allocate([3, 7], dtype);
        Assert.All(Dev.Down(y).ToDoubleArray(), v => Assert.Equal(0, v)); // Allocate zero-fills
        Dev.Fill(y, -2.5);
        Assert.All(Dev.Down(y).ToDoubleArray(), v => Assert.Equal(-2.5, v));
        var x = Kit.Random(1, dtype, 5, 3);
        Assert.Equal(x.ToDoubleArray(), Dev.Down(Dev.Up(x)).ToDoubleArray());
        Assert.Equal(Device.Cuda, Dev.Up(x).Device);
    }

    [Fact]
    public void Copy_converts_between_dtypes()
    {
        var d = Tensor.FromArray([1.0 / 3, -2e-8, 1e30, 5], 4);
        var onDev32 = Dev.Allocate(d.Shape, DType.Float32);
        Dev.Copy(Dev.Up(d), onDev32);
        var expected32 = Cpu.Allocate(d.Shape, DType.Float32);
        Cpu.Copy(d, expected32);
        Assert.Equal(expected32.ToFloatArray(), Dev.Down(onDev32).ToFloatArray());
        var back64 = Dev.Allocate(d.Shape, DType.Float64);
        Dev.Copy(onDev32, back64);
        Assert.Equal(expected32.ToDoubleArray(), Dev.Down(back64).ToDoubleArray());
        var same = Dev.Allocate(d.Shape, DType.Float64);
        Dev.Copy(Dev.Up(d), same);
        Assert.Equal(d.ToDoubleArray(), Dev.Down(same).ToDoubleArray());
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Strided_copy_permutes_slices_and_expands_like_the_cpu(DType dtype)
    {
        var x = Kit.Random(2, dtype, 3, 4, 5);
        // transpose to [5, 3, 4]; a slice x[1:, 1:3, ::2] at offset 1·20 + 1·5; an expand of a [4] row to [3, 4]
        (int offset, int[] strides, int[] shape)[] cases = [(0, [1, 20, 5], [5, 3, 4]), (25, [20, 5, 2], [2, 2, 3]), (0, [0, 1], [3, 4])];
        foreach (var (offset, strides, shape) in cases)
        {
            var expected = Cpu.Allocate(shape, dtype);
            Cpu.StridedCopy(x, offset, strides, expected);
            var y = Dev.Allocate(shape, dtype);
            Dev.StridedCopy(Dev.Up(x), offset, strides, y);
            Assert.Equal(expected.ToDoubleArray(), Dev.Down(y).ToDoubleArray());
        }
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Strided_write_places_a_block_and_keeps_the_rest(DType dtype)
    {
        var x = Kit.Random(3, dtype, 2, 3);
        var target = Kit.Random(4, dtype, 4, 5);
        // x goes into rows 1..2, columns 1, 3, 5→ (stride 2 along columns is within 5? use 0, 2, 4)
        var expected = target.Clone();
        Cpu.StridedWrite(x, expected, 5, [5, 2]);
        var y = Dev.Up(target);
        Dev.StridedWrite(Dev.Up(x), y, 5, [5, 2]);
        Assert.Equal(expected.ToDoubleArray(), Dev.Down(y).ToDoubleArray());
    }

    public static TheoryData<UnaryOp, DType> UnaryCases()
    {
        var data = new TheoryData<UnaryOp, DType>();
        foreach (var op in Enum.GetValues<UnaryOp>())
            foreach (var dt in new[] { DType.Float32, DType.Float64 })
                data.Add(op, dt);
        return data;
    }

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void Unary_matches_the_cpu(UnaryOp op, DType dtype)
    {
        // 37 elements (not a multiple of any group size); positive inputs where the map needs them
        bool positive = op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.PowScalar or UnaryOp.Log1p or UnaryOp.Reciprocal;
        var x = positive ? new Rng(5).Uniform([37], 0.1, 3, dtype) : new Rng(5).Uniform([37], -3, 3, dtype);
        double a = op switch { UnaryOp.PowScalar => 2.5, UnaryOp.Clamp or UnaryOp.InRange => -0.5, UnaryOp.GreaterThanScalar => 0.25, _ => 0.3 };
        double b = 1.25;
        var expected = Cpu.Allocate(x.Shape, dtype);
        Cpu.Unary(op, x, expected, a, b);
        var y = Dev.Allocate(x.Shape, dtype);
        Dev.Unary(op, Dev.Up(x), y, a, b);
        Kit.Near(expected, Dev.Down(y), Kit.Tol(dtype));
    }

    [Fact]
    public void Unary_handles_the_edges_of_the_domain()
    {
        var x = Tensor.FromArray([0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e-20, -800, 800], 8);
        foreach (var op in new[] { UnaryOp.Sign, UnaryOp.Relu, UnaryOp.Softplus, UnaryOp.Sigmoid, UnaryOp.Tanh, UnaryOp.Log1p, UnaryOp.Exp })
        {
            var expected = Cpu.Allocate(x.Shape, DType.Float64);
            Cpu.Unary(op, x, expected);
            var y = Dev.Allocate(x.Shape, DType.Float64);
            Dev.Unary(op, Dev.Up(x), y);
            Kit.Near(expected, Dev.Down(y), 1e-15);
        }
    }

    public static TheoryData<BinaryOp, DType> BinaryCases()
    {
        var data = new TheoryData<BinaryOp, DType>();
        foreach (var op in Enum.GetValues<BinaryOp>())
            foreach (var dt in new[] { DType.Float32, DType.Float64 })
                data.Add(op, dt);
        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_broadcasts_like_the_cpu(BinaryOp op, DType dtype)
    {
        bool positive = op is BinaryOp.Pow or BinaryOp.Div;
        int[][][] shapes = [[[3, 1, 5], [4, 1], [3, 4, 5]], [[2, 7], [2, 7], [2, 7]], [[5], [2, 3, 1], [2, 3, 5]], [[], [3], [3]]];
        int seed = 10;
        foreach (var s in shapes)
        {
            var a = new Rng(seed++).Uniform(s[0], positive ? 0.5 : -2, 2, dtype);
            var b = new Rng(seed++).Uniform(s[1], positive ? 0.5 : -2, 2, dtype);
            if (op is BinaryOp.Equal or BinaryOp.GreaterEqual) b = Round(b); // so that ties occur
            if (op is BinaryOp.Equal or BinaryOp.GreaterEqual) a = Round(a);
            var expected = Cpu.Allocate(s[2], dtype);
            Cpu.Binary(op, a, b, expected);
            var y = Dev.Allocate(s[2], dtype);
            Dev.Binary(op, Dev.Up(a), Dev.Up(b), y);
            Kit.Near(expected, Dev.Down(y), Kit.Tol(dtype));
        }
    }

    static Tensor Round(Tensor t)
    {
        var r = t.ToDoubleArray().Select(v => Math.Round(v)).ToArray();
        var d = Tensor.FromArray(r, t.Shape.ToArray());
        return t.DType == DType.Float64 ? d : d.To(DType.Float32);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Where_selects_with_a_broadcast_condition(DType dtype)
    {
        var cond = Tensor.FromArray([1f, 0f, 0f, 1f, 1f], 5, 1); // float32 condition even for float64 values
        var a = Kit.Random(6, dtype, 5, 3);
        var b = Kit.Random(7, dtype, 3);
        var expected = Cpu.Allocate([5, 3], dtype);
        Cpu.Where(cond, a, b, expected);
        var y = Dev.Allocate([5, 3], dtype);
        Dev.Where(Dev.Up(cond), Dev.Up(a), Dev.Up(b), y);
        Assert.Equal(expected.ToDoubleArray(), Dev.Down(y).ToDoubleArray());
    }

    [Fact]
    public void A_call_from_a_new_thread_binds_the_accelerator_there_first()
    {
        var x = Kit.Random(9, DType.Float32, 4);
        double[]? result = null;
        bool bound = false;
        var thread = new Thread(() =>
        {
            var y = Dev.Allocate(x.Shape, DType.Float32);
            bound = ILGPU.Runtime.Accelerator.Current == fx.Backend.Accelerator;
            Dev.Unary(UnaryOp.Neg, Dev.Up(x), y);
            result = Dev.Down(y).ToDoubleArray();
        });
        thread.Start();
        thread.Join();
        Assert.True(bound);
        Assert.Equal(x.ToDoubleArray().Select(v => -v), result!);
    }

    [Fact]
    public void A_cpu_tensor_passed_to_the_device_backend_is_named_in_the_error()
    {
        var x = Kit.Random(8, DType.Float32, 2, 2);
        var e = Assert.Throws<InvalidOperationException>(() => Dev.Unary(UnaryOp.Exp, x, Dev.Allocate([2, 2], DType.Float32)));
        Assert.StartsWith("CUDA backend:", e.Message);
        Assert.Contains("[2, 2] float32 on Cpu", e.Message);
    }
}
