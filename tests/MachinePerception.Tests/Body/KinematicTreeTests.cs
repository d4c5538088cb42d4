using MachinePerception.Body;
using MachinePerception.Checks;
using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Body;

public class KinematicTreeTests
{
    static Vec3 At(double[] a, int i) => new(a[3 * i], a[3 * i + 1], a[3 * i + 2]);

    [Fact]
    public void Tensor_forward_kinematics_matches_the_double_version()
    {
        var tree = KinematicTree.Smpl;
        var rng = new Rng(4);
        var pose = rng.Normal([2, 24, 3], 0, 0.6, DType.Float64);
        var rest = Tensor.FromArray(BodyMesh.RestJoints(BodyMeasurements.Average).SelectMany(j => new[] { j.X, j.Y, j.Z }).ToArray(), 1, 24, 3);
        rest = Op.Concat([rest, rest * 1.1], 0);
        var translation = Tensor.FromArray(new double[] { 0.1, 0.2, 0.3, -1, 0, 2 }, 2, 3);
        var (world, joints) = tree.Forward(Rodrigues.Rotation(pose), rest, translation);
        var p = pose.ToDoubleArray();
        var j = joints.ToDoubleArray();
        var w = world.ToDoubleArray();
        for (int b = 0; b < 2; b++)
        {
            var local = Enumerable.Range(0, 24).Select(k => Rodrigues.Rotation(At(p, b * 24 + k))).ToArray();
            var restJoints = Enumerable.Range(0, 24).Select(k => At(rest.ToDoubleArray(), b * 24 + k)).ToArray();
            var offsets = tree.Offsets(restJoints);
            offsets[0] += At(translation.ToDoubleArray(), b);
            var (expectedWorld, expectedJoints) = tree.Forward(local, offsets);
            for (int k = 0; k < 24; k++)
            {
                Assert.True((At(j, b * 24 + k) - expectedJoints[k]).Norm < 1e-13);
                Assert.True(Matrix3.MaxAbsDifference(Matrix3.FromRowMajor(w.AsSpan(9 * (b * 24 + k), 9)), expectedWorld[k]) < 1e-13);
            }
        }
    }

    [Fact]
    public void The_rest_pose_leaves_the_joints_in_place_and_bone_translations_vanish()
    {
        var rest = Tensor.FromArray(BodyMesh.RestJoints(BodyMeasurements.Average).SelectMany(j => new[] { j.X, j.Y, j.Z }).ToArray(), 1, 24, 3);
        var (world, joints) = KinematicTree.Smpl.Forward(Rodrigues.Rotation(Tensor.Zeros([1, 24, 3], DType.Float64)), rest);
        Assert.True(Op.Max(Op.Abs(joints - rest)).Item() < 1e-15);
        Assert.True(Op.Max(Op.Abs(KinematicTree.BoneTranslations(world, joints, rest))).Item() < 1e-15);
    }

    [Fact]
    public void Parents_must_come_first()
    {
        var e = Assert.Throws<ArgumentException>(() => new KinematicTree([-1, 2, 0]));
        Assert.Contains("joint 1 has parent 2", e.Message);
        Assert.Throws<ArgumentException>(() => new KinematicTree([0, 0]));
        Assert.Equal([1, 2, 3], KinematicTree.Smpl.Children(0));
        Assert.Equal(23, KinematicTree.Smpl.Bones().Count());
    }

    // Threshold 1e-7: products and sums of Rodrigues rotations, smooth in float64.
    [Fact]
    public void Forward_kinematics_passes_a_gradient_check()
    {
        var tree = new KinematicTree([-1, 0, 1, 1]);
        var rng = new Rng(8);
        var pose = rng.Normal([2, 4, 3], 0, 0.7, DType.Float64);
        var rest = rng.Normal([2, 4, 3], dtype: DType.Float64);
        var translation = rng.Normal([2, 3], dtype: DType.Float64);
        var r = GradCheck.Run(x => tree.Forward(Rodrigues.Rotation(x[0]), x[1], x[2]).Joints, [pose, rest, translation]);
        Assert.True(r.Passed, r.Summary);
        var w = GradCheck.Run(x => tree.Forward(Rodrigues.Rotation(x[0]), x[1]).World, [pose, rest]);
        Assert.True(w.Passed, w.Summary);
    }

    [Fact]
    public void Shapes_are_checked()
    {
        var e = Assert.Throws<ArgumentException>(() => KinematicTree.Smpl.Forward(Tensor.Zeros([1, 23, 3, 3], DType.Float64), Tensor.Zeros([1, 24, 3], DType.Float64)));
        Assert.Contains("[1, 23, 3, 3]", e.Message);
    }
}
