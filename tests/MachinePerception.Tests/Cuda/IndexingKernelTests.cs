using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>Gather and scatter-add on the CPU accelerator against the CPU backend.</summary>
[Collection("Cuda")]
public class IndexingKernelTests(CpuAcceleratorFixture fx)
{
    static readonly CpuBackend Cpu = CpuBackend.Instance;
    Backend Dev => fx.Backend;

    static Tensor Indices(int seed, int n, DType dtype, params int[] shape)
    {
        var rng = new Rng(seed);
        var size = shape.Aggregate(1, (a, b) => a * b);
        var t = Tensor.FromArray(Enumerable.Range(0, size).Select(_ => (double)rng.NextInt(n)).ToArray(), shape);
        return dtype == DType.Float64 ? t : t.To(DType.Float32);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Gather_and_scatter_add_match_the_cpu(DType dtype)
    {
        int outer = 2, nIn = 5, nOut = 7, inner = 3;
        // gather: x [outer, nIn, inner] read at index [outer, nOut, inner]; repeated indices are the common case
        var x = Kit.Random(1, dtype, outer, nIn, inner);
        var index = Indices(2, nIn, dtype, outer, nOut, inner);
        var expected = Cpu.Allocate([outer, nOut, inner], dtype);
        Cpu.Gather(x, index, expected, outer, nIn, nOut, inner);
        var y = Dev.Allocate([outer, nOut, inner], dtype);
        Dev.Gather(Dev.Up(x), Dev.Up(index), y, outer, nIn, nOut, inner);
        Assert.Equal(expected.ToDoubleArray(), Dev.Down(y).ToDoubleArray());

        // scatter-add: the same sums in the same order as the serial CPU loop, so bit-identical
        var src = Kit.Random(3, dtype, outer, nOut, inner);
        var start = Kit.Random(4, dtype, outer, nIn, inner);
        var expectedSum = start.Clone();
        Cpu.ScatterAdd(src, index, expectedSum, outer, nOut, nIn, inner);
        var sum = Dev.Up(start);
        Dev.ScatterAdd(Dev.Up(src), Dev.Up(index), sum, outer, nOut, nIn, inner);
        Assert.Equal(expectedSum.ToDoubleArray(), Dev.Down(sum).ToDoubleArray());
    }

    [Fact]
    public void A_bad_index_is_reported_like_on_the_cpu()
    {
        var x = Kit.Random(5, DType.Float32, 1, 4, 1);
        var index = Tensor.FromArray([0f, 1.5f, -2f], 1, 3, 1); // two bad ones: the first is reported
        var y = Dev.Allocate([1, 3, 1], DType.Float32);
        var e = Assert.Throws<ArgumentException>(() => Dev.Gather(Dev.Up(x), Dev.Up(index), y, 1, 4, 3, 1));
        Assert.Equal("gather: index 1.5 at position 1 is not an integer in [0, 4)", e.Message);
        var outOfRange = Tensor.FromArray([0f, 1f, 9f], 1, 3, 1);
        var e2 = Assert.Throws<ArgumentException>(() => Dev.ScatterAdd(Dev.Up(Kit.Random(6, DType.Float32, 1, 3, 1)), Dev.Up(outOfRange), Dev.Allocate([1, 4, 1], DType.Float32), 1, 3, 4, 1));
        Assert.StartsWith("scatter_add: index 9 at position 2", e2.Message);
    }
}
