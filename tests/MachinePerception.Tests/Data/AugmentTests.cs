using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Data;

public class AugmentTests
{
    // [2, 2, 2, 3]: image i, channel c, row r holds 100i + 10c + 3r + (0, 1, 2)
    static Tensor Images(DType dtype) => Tensor.FromArray(
        Enumerable.Range(0, 24).Select(k => 100.0 * (k / 12) + 10 * (k / 6 % 2) + 3 * (k / 3 % 2) + k % 3).ToArray(), 2, 2, 2, 3).To(dtype);

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Flipping_reverses_every_row_of_the_chosen_images_only(DType dtype)
    {
        var x = Images(dtype);
        var y = Augment.HorizontalFlip(x, [false, true]).ToDoubleArray();
        var xs = x.ToDoubleArray();
        for (int k = 0; k < 24; k++)
        {
            int image = k / 12, column = k % 3;
            double expected = image == 0 ? xs[k] : xs[k - column + (2 - column)];
            Assert.Equal(expected, y[k]);
        }
        Assert.Equal(xs, x.ToDoubleArray()); // the input is left as it was
    }

    [Fact]
    public void Flipping_twice_is_the_identity_and_p_sets_the_share()
    {
        var x = Images(DType.Float64);
        Assert.Equal(x.ToDoubleArray(), Augment.HorizontalFlip(Augment.HorizontalFlip(x, [true, true]), [true, true]).ToDoubleArray());
        Assert.Equal(x.ToDoubleArray(), Augment.RandomHorizontalFlip(x, new Rng(1), p: 0).ToDoubleArray());
        Assert.Equal(Augment.HorizontalFlip(x, [true, true]).ToDoubleArray(), Augment.RandomHorizontalFlip(x, new Rng(1), p: 1).ToDoubleArray());
        // p = 0.5 over many single-image draws: the share of flips is ½ within 4 standard errors (√(¼/4000) ≈ 0.008)
        var one = Tensor.FromArray(new double[] { 1, 2 }, 1, 1, 1, 2);
        var rng = new Rng(7);
        int flips = Enumerable.Range(0, 4000).Count(_ => Augment.RandomHorizontalFlip(one, rng).ToDoubleArray()[0] == 2);
        Assert.InRange(flips / 4000.0, 0.5 - 0.032, 0.5 + 0.032);
    }

    [Fact]
    public void Bad_input_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Augment.RandomHorizontalFlip(Tensor.Zeros([3, 28, 28]), new Rng(1)));
        Assert.Contains("[3, 28, 28]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Augment.RandomHorizontalFlip(Images(DType.Float32), new Rng(1), p: 1.5));
        Assert.Contains("1.5", e.Message);
        e = Assert.Throws<ArgumentException>(() => Augment.HorizontalFlip(Images(DType.Float32), [true]));
        Assert.Contains("1 flags", e.Message);
    }
}
