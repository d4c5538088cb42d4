using MachinePerception.Body;
using MachinePerception.Checks;
using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Body;

/// <summary>A small generated model shared by the tests of this class (generation takes a second).</summary>
public sealed class SmallModelFixture
{
    public SmplModel Model { get; }
    public GenerationReport Report { get; }
    public SmallModelFixture() => (Model, Report) = BodyModelGenerator.Generate(seed: 3, population: 40, correctivePoses: 120, heldOut: 10);
}

public class SmplModelTests(SmallModelFixture fixture) : IClassFixture<SmallModelFixture>
{
    SmplModel Model => fixture.Model;

    [Fact]
    public void The_arrays_have_smpls_shapes()
    {
        int v = Model.VertexCount;
        Assert.Equal([v, 3], Model.VTemplate.Shape.ToArray());
        Assert.Equal([v, 3, 10], Model.ShapeDirs.Shape.ToArray());
        Assert.Equal([v, 3, 207], Model.PoseDirs.Shape.ToArray());
        Assert.Equal([24, v], Model.JRegressor.Shape.ToArray());
        Assert.Equal([v, 24], Model.Weights.Shape.ToArray());
        var rowSums = Op.Sum(Model.Weights, 1).ToDoubleArray();
        Assert.All(rowSums, s => Assert.Equal(1, s, 12));
        Assert.All(Op.Sum(Model.JRegressor, 1).ToDoubleArray(), s => Assert.Equal(1, s, 12));
    }

    [Fact]
    public void The_zero_pose_and_zero_shape_return_the_template()
    {
        var output = Model.Forward(Tensor.Zeros([1, 10], DType.Float64), Tensor.Zeros([1, 24, 3], DType.Float64));
        Assert.True(Op.Max(Op.Abs(Op.Squeeze(output.Vertices, 0) - Model.VTemplate)).Item() < 1e-14);
        Assert.True(Op.Max(Op.Abs(Op.Squeeze(output.Joints, 0) - Op.MatMul(Model.JRegressor, Model.VTemplate))).Item() < 1e-14);
    }

    [Fact]
    public void A_global_rotation_and_translation_move_the_mesh_rigidly()
    {
        var rng = new Rng(5);
        var betas = rng.Normal([1, 10], dtype: DType.Float64);
        var pose = rng.Normal([1, 24, 3], 0, 0.3, DType.Float64);
        var baseline = Model.Forward(betas, pose);
        var global = new Vec3(0.4, 1.3, -0.2);
        var turned = Op.Concat([Tensor.FromArray(new[] { global.X, global.Y, global.Z }, 1, 1, 3), Op.Slice(pose, 1, 1, 23)], 1);
        // composing the root's rotation: R_new = R_g R_0, as axis-angle
        var r0 = pose.ToDoubleArray();
        var composed = Rodrigues.AxisAngle(Rodrigues.Rotation(global) * Rodrigues.Rotation(new Vec3(r0[0], r0[1], r0[2])));
        turned = Op.Concat([Tensor.FromArray(new[] { composed.X, composed.Y, composed.Z }, 1, 1, 3), Op.Slice(pose, 1, 1, 23)], 1);
        var t = new Vec3(0.3, -0.5, 2);
        var moved = Model.Forward(betas, turned, Tensor.FromArray(new[] { t.X, t.Y, t.Z }, 1, 3)).Vertices.ToDoubleArray();
        // rigid about the root joint J_0(β): x ↦ R_g (x − J_0) + J_0 + t
        var j0 = baseline.RestJoints.ToDoubleArray();
        var root = new Vec3(j0[0], j0[1], j0[2]);
        var rg = Rodrigues.Rotation(global);
        var b = baseline.Vertices.ToDoubleArray();
        for (int i = 0; i < Model.VertexCount; i++)
        {
            var expected = rg * (new Vec3(b[3 * i], b[3 * i + 1], b[3 * i + 2]) - root) + root + t;
            Assert.True((new Vec3(moved[3 * i], moved[3 * i + 1], moved[3 * i + 2]) - expected).Norm < 1e-12);
        }
    }

    [Fact]
    public void Saving_and_loading_the_npz_gives_the_same_model()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("smpl-").FullName, "model.npz");
        Model.Save(path);
        var loaded = SmplModel.Load(path);
        var rng = new Rng(6);
        var betas = rng.Normal([2, 10], dtype: DType.Float64);
        var pose = rng.Normal([2, 24, 3], 0, 0.4, DType.Float64);
        Assert.True(Op.Max(Op.Abs(Model.Forward(betas, pose).Vertices - loaded.Forward(betas, pose).Vertices)).Item() == 0);
        Assert.Equal(Model.Faces, loaded.Faces);
        Assert.Equal(Model.Tree.Parents, loaded.Tree.Parents);
        var arrays = NpzArchive.Read(path);
        Assert.Equal("<u4", arrays["kintree_table"].DType);
        Assert.Equal(4294967295.0, arrays["kintree_table"].Values[0]);
        Assert.Equal("<u4", arrays["f"].DType);
        // fewer shape directions on request, as for SMPL's 300-direction files
        Assert.Equal(4, SmplModel.Load(path, shapeCount: 4).ShapeCount);
    }

    [Fact]
    public void Missing_or_misshapen_arrays_are_named()
    {
        var arrays = Model.ToArrays().ToDictionary(a => a.Name, a => a.Array);
        arrays.Remove("posedirs");
        Assert.Contains("no array 'posedirs'", Assert.Throws<ArgumentException>(() => SmplModel.FromArrays(arrays, "test.npz")).Message);
        arrays = Model.ToArrays().ToDictionary(a => a.Name, a => a.Array);
        arrays["weights"] = new NpyArray("<f8", [3, 24], new double[72]);
        Assert.Contains("weights must be [V, K]", Assert.Throws<ArgumentException>(() => SmplModel.FromArrays(arrays, "test.npz")).Message);
        var e = Assert.Throws<ArgumentException>(() => Model.Forward(Tensor.Zeros([1, 10], DType.Float64), Tensor.Zeros([1, 23, 3], DType.Float64)));
        Assert.Contains("[1, 24, 3]", e.Message);
    }

    [Fact]
    public void Pose_correctives_are_linear_in_rotation_entries_not_in_the_axis_angle()
    {
        // θ and θ(1 + 2π/‖θ‖) are the same rotation: the correctives agree, so they cannot be P·θ
        var theta = new Vec3(0.3, 0.9, -0.4);
        var longer = (1 + 2 * Math.PI / theta.Norm) * theta;
        Tensor Pose(Vec3 r)
        {
            var p = new double[72];
            (p[18 * 3], p[18 * 3 + 1], p[18 * 3 + 2]) = (r.X, r.Y, r.Z);
            return Tensor.FromArray(p, 1, 24, 3);
        }
        var a = Model.PoseCorrectives(Rodrigues.Rotation(Pose(theta)));
        var b = Model.PoseCorrectives(Rodrigues.Rotation(Pose(longer)));
        Assert.True(Op.Max(Op.Abs(a - b)).Item() < 1e-12);
        Assert.True(Op.Max(Op.Abs(a)).Item() > 1e-4); // the elbow does move vertices
    }

    // Threshold 1e-7: the model is smooth in β, θ and t (float64). A small batch keeps it quick.
    [Fact]
    public void The_forward_pass_passes_a_gradient_check_in_shape_pose_and_translation()
    {
        var rng = new Rng(7);
        var betas = rng.Normal([1, 10], dtype: DType.Float64);
        var pose = rng.Normal([1, 24, 3], 0, 0.4, DType.Float64);
        var t = rng.Normal([1, 3], dtype: DType.Float64);
        // 60 vertices spread over the body keep the check quick
        var some = Enumerable.Range(0, 60).Select(i => i * (Model.VertexCount / 60)).ToArray();
        var r = GradCheck.Run(x => Op.IndexSelect(Model.Forward(x[0], x[1], x[2]).Vertices, 1, some), [betas, pose, t]);
        Assert.True(r.Passed, r.Summary);
        var joints = GradCheck.Run(x => Model.Joints(x[0], x[1], x[2]), [betas, pose, t]);
        Assert.True(joints.Passed, joints.Summary);
    }
}

public class BodyModelGeneratorTests(SmallModelFixture fixture) : IClassFixture<SmallModelFixture>
{
    [Fact]
    public void The_generated_mesh_is_closed_and_every_joint_is_its_rings_mean()
    {
        foreach (var m in new[] { BodyMeasurements.Average, BodyMeasurements.Sample(new Rng(2)) })
        {
            var mesh = BodyMesh.Build(m);
            Assert.True(mesh.ToMesh().IsClosedAndOriented());
            Assert.True(mesh.ToMesh().Volume() > 0.04 && mesh.ToMesh().Volume() < 0.15, $"volume {mesh.ToMesh().Volume()} m³");
            for (int k = 0; k < 24; k++)
            {
                var ring = mesh.Rings[mesh.JointRing[k]];
                var mean = new Vec3();
                for (int j = 0; j < ring.Size; j++) mean += (1.0 / ring.Size) * mesh.Vertices[ring.FirstVertex + j];
                Assert.True((mean - mesh.Joints[k]).Norm < 1e-12, $"joint {k}");
            }
            for (int i = 0; i < mesh.VertexCount; i++)
                Assert.Equal(1, Enumerable.Range(0, 24).Sum(k => mesh.Weights[i, k]), 12);
        }
        // every person has the same vertices in the same order
        Assert.Equal(BodyMesh.Build(BodyMeasurements.Average).Triangles, BodyMesh.Build(BodyMeasurements.Sample(new Rng(3))).Triangles);
    }

    [Fact]
    public void The_shape_space_and_correctives_reproduce_their_sources()
    {
        var r = fixture.Report;
        Assert.True(r.ExplainedVariance > 0.99, $"explained {r.ExplainedVariance}");
        Assert.True(r.HeldOutShapeError < 0.004, $"held-out shape error {r.HeldOutShapeError} m");
        Assert.True(r.HeldOutJointError < 0.004, $"held-out joint error {r.HeldOutJointError} m");
        Assert.True(r.CorrectedError < 0.5 * r.LbsError, $"correctives: {r.CorrectedError} vs LBS {r.LbsError}");
    }

    [Fact]
    public void Shape_coefficients_of_the_template_are_zero_and_recover_a_model_shape()
    {
        var model = fixture.Model;
        Assert.All(BodyModelGenerator.ProjectShape(model, model.VTemplate.ToDoubleArray()), b => Assert.Equal(0, b, 10));
        var beta = new double[] { 1.5, -0.7, 0.3, 0, 0, 0.2, 0, 0, 0, -0.1 };
        var shaped = model.ShapedVertices(Tensor.FromArray(beta, 1, 10)).ToDoubleArray();
        var back = BodyModelGenerator.ProjectShape(model, shaped);
        for (int b = 0; b < 10; b++) Assert.Equal(beta[b], back[b], 9);
    }

    [Fact]
    public void Scans_without_flexion_equal_dual_quaternion_skinning_and_the_rest_pose_returns_the_template()
    {
        var mesh = BodyMesh.Build(BodyMeasurements.Average);
        var rest = BodyModelGenerator.Scan(mesh.Vertices, mesh.Joints, mesh.Weights, new Vec3[24]);
        for (int i = 0; i < mesh.VertexCount; i++) Assert.True((rest[i] - mesh.Vertices[i]).Norm < 1e-12);
        var skinned = BodyModelGenerator.Skin(mesh.Vertices, mesh.Joints, mesh.Weights, new Vec3[24]);
        for (int i = 0; i < mesh.VertexCount; i++) Assert.True((skinned[i] - mesh.Vertices[i]).Norm < 1e-12);
    }
}
