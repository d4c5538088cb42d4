using MachinePerception.Backends.Cuda;

namespace MachinePerception.Tests.Cuda;

/// <summary>The host-side index that kernels use for strided and broadcast reads.</summary>
public class StridedIndexTests
{
    [Fact]
    public void Contiguous_axes_merge_and_size_one_axes_drop()
    {
        var contiguous = StridedIndex.Create([2, 3, 4], [12, 4, 1]);
        Assert.Equal(1, contiguous.Rank);
        Assert.Equal(24, contiguous.Dims[0]);

        // a [3] row broadcast down [2, 3] (stride 0), next to a contiguous [2, 1, 3] operand
        var broadcast = StridedIndex.Create([2, 1, 3], [3, 3, 1], [0, 0, 1]);
        Assert.Equal(2, broadcast.Rank);
        broadcast.Offsets(4, out int a, out int b, out _); // element [1, 0, 1]
        Assert.Equal((4, 1), (a, b));
    }

    [Fact]
    public void Offsets_match_the_definition_for_a_permutation()
    {
        // y = x.permute(2, 0, 1) for x [2, 3, 4]: y [4, 2, 3] reads x at strides [1, 12, 4]
        var index = StridedIndex.Create([4, 2, 3], [1, 12, 4]);
        for (int i = 0; i < 24; i++)
        {
            int d0 = i / 6, d1 = i / 3 % 2, d2 = i % 3;
            index.Offsets(i, out int o, out _, out _);
            Assert.Equal(d0 * 1 + d1 * 12 + d2 * 4, o);
        }
    }

    [Fact]
    public void More_than_eight_unmergeable_axes_are_refused_with_the_shape()
    {
        int[] dims = [2, 2, 2, 2, 2, 2, 2, 2, 2];
        int[] strides = [1, 2, 4, 8, 16, 32, 64, 128, 256]; // a full reversal: no two neighbours merge
        var e = Assert.Throws<NotSupportedException>(() => StridedIndex.Create(dims, strides));
        Assert.Equal("CUDA backend: shape [2, 2, 2, 2, 2, 2, 2, 2, 2] has 9 axes that cannot be merged; kernels take at most 8", e.Message);
    }
}
