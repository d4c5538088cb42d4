using MachinePerception.Body;
using MachinePerception.Checks;
using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Body;

public class LinearBlendSkinningTests
{
    [Fact]
    public void Skinning_matches_a_plain_loop_over_vertices_and_bones()
    {
        var rng = new Rng(1);
        var vertices = rng.Normal([2, 5, 3], dtype: DType.Float64);
        var weights = Op.Softmax(rng.Normal([5, 3], dtype: DType.Float64), 1);
        var rotations = Rodrigues.Rotation(rng.Normal([2, 3, 3], dtype: DType.Float64));
        var translations = rng.Normal([2, 3, 3], dtype: DType.Float64);
        var skinned = LinearBlendSkinning.Apply(vertices, weights, rotations, translations).ToDoubleArray();
        var v = vertices.ToDoubleArray(); var w = weights.ToDoubleArray(); var r = rotations.ToDoubleArray(); var t = translations.ToDoubleArray();
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 5; i++)
                for (int a = 0; a < 3; a++)
                {
                    double expected = 0;
                    for (int k = 0; k < 3; k++)
                    {
                        double rotated = 0;
                        for (int c = 0; c < 3; c++) rotated += r[((b * 3 + k) * 3 + a) * 3 + c] * v[(b * 5 + i) * 3 + c];
                        expected += w[i * 3 + k] * (rotated + t[(b * 3 + k) * 3 + a]);
                    }
                    Assert.Equal(expected, skinned[(b * 5 + i) * 3 + a], 13);
                }
    }

    [Fact]
    public void Identity_transforms_return_the_vertices_and_one_rigid_motion_moves_them_rigidly()
    {
        var rng = new Rng(2);
        var vertices = rng.Normal([6, 3], dtype: DType.Float64);
        var weights = Op.Softmax(rng.Normal([6, 4], dtype: DType.Float64), 1);
        var identity = Op.BroadcastTo(Tensor.Eye(3, DType.Float64), new Shape(1, 4, 3, 3));
        var still = LinearBlendSkinning.Apply(vertices, weights, identity, Tensor.Zeros([1, 4, 3], DType.Float64));
        Assert.True(Op.Max(Op.Abs(still - Op.Unsqueeze(vertices, 0))).Item() < 1e-15);
        // every bone the same rotation R and translation t: t′ = R t + t for all vertices, whatever the weights
        var rot = Rodrigues.Rotation(Tensor.FromArray(new double[] { 0.4, -1.1, 0.7 }, 1, 1, 3));
        var rotations = Op.BroadcastTo(rot, new Shape(1, 4, 3, 3));
        var shift = Op.BroadcastTo(Tensor.FromArray(new double[] { 1, 2, -3 }, 1, 1, 3), new Shape(1, 4, 3));
        var moved = LinearBlendSkinning.Apply(vertices, weights, rotations, shift);
        var expected = Op.MatMul(vertices, Op.Reshape(rot, 3, 3), transB: true) + Tensor.FromArray(new double[] { 1, 2, -3 }, 3);
        Assert.True(Op.Max(Op.Abs(Op.Squeeze(moved, 0) - expected)).Item() < 1e-14);
    }

    // Threshold 1e-7: LBS is bilinear in (weights, transforms) and linear in the vertices.
    [Fact]
    public void Skinning_passes_a_gradient_check_in_all_inputs()
    {
        var rng = new Rng(3);
        var r = GradCheck.Run(x => LinearBlendSkinning.Apply(x[0], x[1], Rodrigues.Rotation(x[2]), x[3]),
            [rng.Normal([2, 4, 3], dtype: DType.Float64), rng.Uniform([4, 3], 0, 1, DType.Float64),
             rng.Normal([2, 3, 3], dtype: DType.Float64), rng.Normal([2, 3, 3], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void A_half_and_half_blend_of_a_twist_shrinks_the_ring_by_cos_half_angle_and_dqs_does_not()
    {
        // a ring of radius 1 around the x axis, weights ½/½ on an unmoved bone and a bone twisted by φ about x
        const int n = 12;
        var ring = Enumerable.Range(0, n).Select(j => new Vec3(0, Math.Cos(2 * Math.PI * j / n), Math.Sin(2 * Math.PI * j / n))).ToArray();
        var weights = new double[n, 2];
        for (int i = 0; i < n; i++) weights[i, 0] = weights[i, 1] = 0.5;
        foreach (double phi in new[] { 0.5, 1.5, 2.5 })
        {
            var rotations = new[] { Matrix3.Identity, Matrix3.RotationX(phi) };
            var translations = new[] { new Vec3(), new Vec3() };
            var lbs = LinearBlendSkinning.Apply(
                Tensor.FromArray(ring.SelectMany(p => new[] { p.X, p.Y, p.Z }).ToArray(), n, 3),
                Tensor.FromArray(weights),
                Tensor.FromArray(rotations.SelectMany(m => m.ToRowMajor()).ToArray(), 1, 2, 3, 3),
                Tensor.Zeros([1, 2, 3], DType.Float64)).ToDoubleArray();
            for (int i = 0; i < n; i++)
                Assert.Equal(Math.Cos(phi / 2), new Vec3(lbs[3 * i], lbs[3 * i + 1], lbs[3 * i + 2]).Norm, 12);
            var dqs = DualQuaternionSkinning.Apply(ring, weights, rotations, translations);
            Assert.All(dqs, p => Assert.Equal(1, p.Norm, 12));
        }
    }

    [Fact]
    public void Shapes_are_checked()
    {
        var e = Assert.Throws<ArgumentException>(() => LinearBlendSkinning.Apply(Tensor.Zeros([5, 3], DType.Float64), Tensor.Zeros([4, 2], DType.Float64),
            Tensor.Zeros([1, 2, 3, 3], DType.Float64), Tensor.Zeros([1, 2, 3], DType.Float64)));
        Assert.Contains("[4, 3] or [1, 4, 3]", e.Message);
    }
}
