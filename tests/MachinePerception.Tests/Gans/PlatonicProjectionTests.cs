using MachinePerception.Checks;
using MachinePerception.Gans;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class PlatonicProjectionTests
{
    [Fact]
    public void Silhouette_is_one_minus_the_transmittance_along_each_axis()
    {
        var rng = new Rng(1);
        var density = rng.Uniform([2, 3, 4, 5], 0, 2, DType.Float64);
        var d = density.ToDoubleArray();
        for (int axis = 0; axis < 3; axis++)
        {
            var s = PlatonicProjection.Silhouette(density, axis, 0.25).ToDoubleArray();
            int k = 0;
            for (int b = 0; b < 2; b++)
            {
                // the remaining two axes in order
                int[] dims = [3, 4, 5];
                var rest = Enumerable.Range(0, 3).Where(a => a != axis).ToArray();
                for (int u = 0; u < dims[rest[0]]; u++)
                    for (int v = 0; v < dims[rest[1]]; v++, k++)
                    {
                        double sum = 0;
                        for (int t = 0; t < dims[axis]; t++)
                        {
                            var idx = new int[3];
                            idx[axis] = t; idx[rest[0]] = u; idx[rest[1]] = v;
                            sum += d[((b * 3 + idx[0]) * 4 + idx[1]) * 5 + idx[2]];
                        }
                        Assert.Equal(1 - Math.Exp(-0.25 * sum), s[k], 12);
                    }
            }
        }
    }

    [Fact]
    public void Projection_gradients_match_finite_differences_and_each_grid_uses_its_own_axis()
    {
        var rng = new Rng(2);
        var density = rng.Uniform([3, 4, 4, 4], 0, 1, DType.Float64);
        Assert.True(GradCheck.Run(x => PlatonicProjection.Silhouettes(x[0], [2, 0, 1], 0.3), [density]).Passed);
        var mixed = PlatonicProjection.Silhouettes(density, [2, 0, 1], 0.3);
        for (int b = 0; b < 3; b++)
        {
            int axis = new[] { 2, 0, 1 }[b];
            var alone = PlatonicProjection.Silhouette(Op.Slice(density, 0, b, 1), axis, 0.3);
            Assert.True(Op.Max(Op.Abs(Op.Slice(mixed, 0, b, 1) - alone)).Item() < 1e-15);
        }
        Assert.StartsWith("PlatonicProjection.Silhouettes", Assert.Throws<ArgumentException>(() => PlatonicProjection.Silhouettes(density, [0, 3, 1], 0.3)).Message);
    }

    [Fact]
    public void Csg_shapes_have_the_volume_of_their_primitives_and_binary_silhouettes_match_a_dense_projection()
    {
        var (occupancy, kinds) = CsgVoxelShapes.Generate(40, 16, new Rng(3));
        Assert.Equal(new Shape(40, 16, 16, 16), occupancy.Shape);
        Assert.Equal(4, kinds.Distinct().Count());
        var axes = Enumerable.Range(0, 40).Select(i => i % 3).ToArray();
        var binary = CsgVoxelShapes.Silhouettes(occupancy, axes);
        var soft = PlatonicProjection.Silhouettes(occupancy.To(DType.Float64), axes, 50);   // dense voxels block every ray
        Assert.True(Op.Max(Op.Abs(binary.To(DType.Float64) - soft)).Item() < 1e-12);
        // a box − sphere is smaller than its box, a union larger than either part: the volumes differ by kind
        var volumes = Op.Sum(occupancy, [1, 2, 3]).ToDoubleArray();
        Assert.True(volumes.All(v => v > 0));
    }
}
