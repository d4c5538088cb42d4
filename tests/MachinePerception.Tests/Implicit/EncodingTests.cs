using MachinePerception.Checks;
using MachinePerception.Implicit;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Implicit;

public class EncodingTests
{
    [Fact]
    public void Positional_encoding_lists_the_input_then_sines_and_cosines_of_doubling_frequencies()
    {
        var x = Tensor.FromArray([0.3, -0.7], 1, 2);
        var y = new PositionalEncoding(3).Forward(x);
        Assert.Equal(new Shape(1, 14), y.Shape);
        Assert.Equal(0.3, y[0, 0]);
        Assert.Equal(Math.Sin(4 * Math.PI * 0.3), y[0, 2 + 4 * 2], 14);     // k = 2: sin(2²π x₁)
        Assert.Equal(Math.Cos(4 * Math.PI * -0.7), y[0, 2 + 4 * 2 + 3], 14); // cos(2²π x₂)
        Assert.Same(x, new PositionalEncoding(0).Forward(x));
        var r = GradCheck.Run(v => new PositionalEncoding(4).Forward(v[0]), [new Rng(1).Normal([3, 3], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Random_fourier_features_are_sin_and_cos_of_2pi_x_b()
    {
        var f = new RandomFourierFeatures(2, 5, 3.0, new Rng(4), DType.Float64);
        var x = new Rng(5).Normal([4, 2], dtype: DType.Float64);
        var y = f.Forward(x);
        var b = f.B;
        double proj = 2 * Math.PI * (x[1, 0] * b[0, 3] + x[1, 1] * b[1, 3]);
        Assert.Equal(Math.Sin(proj), y[1, 3], 13);
        Assert.Equal(Math.Cos(proj), y[1, 8], 13);
    }

    [Fact]
    public void Hash_grid_levels_grow_geometrically_coarse_ones_index_directly_and_fine_ones_hash_with_the_primes()
    {
        var config = new HashGridConfig(Levels: 4, Log2TableSize: 10, Features: 2, MinResolution: 4, MaxResolution: 32);
        Assert.Equal([4, 8, 16, 32], Enumerable.Range(0, 4).Select(config.Resolution));
        Assert.Equal((3 * 5 + 2) * 5 + 1, HashGridEncoding.Slot(1, 2, 3, 4, 1024));            // 5³ = 125 ≤ 1024 corners: direct
        uint h = unchecked(7u ^ 9u * 2654435761u ^ 11u * 805459861u);
        Assert.Equal((int)(h & 1023), HashGridEncoding.Slot(7, 9, 11, 16, 1024));            // 17³ > 1024: hashed
    }

    [Fact]
    public void Hash_grid_interpolation_reproduces_a_linear_function_stored_at_the_corners()
    {
        // one dense level of resolution 4 whose features are F(x, y, z) = (x + 2y − z, 3) at the corner (x, y, z)/4
        var config = new HashGridConfig(Levels: 1, Log2TableSize: 8, Features: 2, MinResolution: 4, MaxResolution: 4);
        var table = new double[256 * 2];
        for (int z = 0; z <= 4; z++)
            for (int y = 0; y <= 4; y++)
                for (int x = 0; x <= 4; x++)
                {
                    int slot = HashGridEncoding.Slot(x, y, z, 4, 256);
                    (table[2 * slot], table[2 * slot + 1]) = ((x + 2.0 * y - z) / 4, 3);
                }
        var rng = new Rng(6);
        var unit = Enumerable.Range(0, 30).Select(_ => rng.NextDouble()).ToArray();
        var y0 = HashGridEncoding.Encode(unit, 10, Tensor.FromArray(table, 256, 2), config);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(unit[3 * i] + 2 * unit[3 * i + 1] - unit[3 * i + 2], y0[i, 0], 12);
            Assert.Equal(3, y0[i, 1], 12);
        }
    }

    [Fact]
    public void Hash_grid_table_gradient_passes_the_float64_check_and_positions_are_not_differentiated()
    {
        var config = new HashGridConfig(Levels: 3, Log2TableSize: 6, Features: 2, MinResolution: 2, MaxResolution: 9);
        var rng = new Rng(7);
        var unit = Enumerable.Range(0, 24).Select(_ => rng.NextDouble()).ToArray();
        var r = GradCheck.Run(t => HashGridEncoding.Encode(unit, 8, t[0], config), [rng.Normal([3 * 64, 2], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
        var encoding = new HashGridEncoding(config, (-1, 1), rng, DType.Float64);
        Assert.Contains("positions", Assert.Throws<ArgumentException>(() => encoding.Forward(Tensor.Zeros([2, 3], DType.Float64).RequireGrad())).Message);
    }
}
