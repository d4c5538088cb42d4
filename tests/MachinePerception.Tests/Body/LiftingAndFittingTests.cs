using MachinePerception.Body;
using MachinePerception.Checks;
using MachinePerception.Geometry;
using MachinePerception.Numerics;
using MachinePerception.Ops;
using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Body;

public class LiftingAndFittingTests(SmallModelFixture fixture) : IClassFixture<SmallModelFixture>
{
    static Vec3 R(Rng rng) => new(rng.NextNormal(), rng.NextNormal(), rng.NextNormal());

    [Fact]
    public void Procrustes_undoes_a_similarity_transform_and_mpjpe_ignores_the_root_offset()
    {
        var rng = new Rng(1);
        var x = Enumerable.Range(0, 10).Select(_ => R(rng)).ToArray();
        var rot = Rodrigues.Rotation(new Vec3(0.3, -1.2, 0.5));
        var y = x.Select(p => 1.7 * (rot * p) + new Vec3(1, 2, 3)).ToArray();
        var (s, r, t) = Procrustes.Align(x, y);
        Assert.Equal(1.7, s, 10);
        Assert.True(Matrix3.MaxAbsDifference(r, rot) < 1e-10);
        Assert.True(Procrustes.PaMpjpe(x, y) < 1e-10);
        var shifted = x.Select(p => p + new Vec3(5, 5, 5)).ToArray();
        Assert.True(Procrustes.Mpjpe(shifted, x) < 1e-12);
        // a reflection is not a rotation: the error of a mirrored set stays large
        Assert.True(Procrustes.PaMpjpe(x.Select(p => new Vec3(-p.X, p.Y, p.Z)).ToArray(), x) > 0.1);
    }

    [Fact]
    public void The_constrained_lifter_keeps_every_bone_at_its_length()
    {
        var poses = MotionCapture.Joints(MotionCapture.Load("01_01")).Take(40).ToList();
        var data = LiftingSamples.Make(poses, 2, new Rng(2));
        var lifter = new Lifter(new Rng(3), boneConstrained: true, hidden: 16);
        var predicted = lifter.Predict(data);
        for (int i = 0; i < data.Count; i++)
        {
            var got = PoseSkeleton.BoneLengths(LiftingSamples.Pose(predicted, i));
            var want = PoseSkeleton.BoneLengths(LiftingSamples.Pose(data.Targets, i));
            for (int b = 0; b < got.Length; b++) Assert.Equal(want[b], got[b], 4);
        }
        // the inputs are pelvis-relative and scale-normalised
        var inputs = data.Inputs.ToDoubleArray();
        Assert.Equal(0, inputs[0]);
        Assert.Equal(0, inputs[1]);
    }

    [Fact]
    public void Retargeting_points_every_single_child_bone_along_the_captured_bone()
    {
        var model = fixture.Model;
        var rest = model.RestJoints(Tensor.Zeros([1, 10], DType.Float64)).ToDoubleArray();
        var restJoints = Enumerable.Range(0, 24).Select(k => new Vec3(rest[3 * k], rest[3 * k + 1], rest[3 * k + 2])).ToArray();
        var targets = Retargeting.SmplTargets(MotionCapture.Load("01_03"));
        var tree = KinematicTree.Smpl;
        foreach (int f in new[] { 0, 300, 900 })
        {
            var pose = Retargeting.Pose(tree, restJoints, targets[f]);
            var (_, posed) = tree.Forward(pose.Select(Rodrigues.Rotation).ToArray(), tree.Offsets(restJoints));
            foreach (var (p, c) in tree.Bones())
            {
                if (tree.Children(p).Length != 1) continue;
                var a = (posed[c] - posed[p]).Normalized();
                var b = (targets[f][c] - targets[f][p]).Normalized();
                Assert.True(a.Dot(b) > 1 - 1e-9, $"frame {f}, bone {tree.Names[c]}");
            }
            // the spine, the main child of the pelvis and of spine3, is matched exactly too
            Assert.True((posed[3] - posed[0]).Normalized().Dot((targets[f][3] - targets[f][0]).Normalized()) > 1 - 1e-9);
        }
        Assert.True(Matrix3.MaxAbsDifference(Retargeting.SmallestRotation(new Vec3(1, 0, 0), new Vec3(-1, 0, 0)) * Matrix3.Identity,
            Matrix3.Identity) > 1); // a half turn
    }

    [Fact]
    public void The_pose_prior_is_zero_at_its_mean_and_its_residuals_give_its_energy()
    {
        var rng = new Rng(4);
        var poses = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 24).Select(_ => 0.3 * R(rng)).ToArray()).ToList();
        var prior = PosePrior.Fit(poses);
        Assert.Equal(0, prior.Energy(prior.MeanPose()), 12);
        var pose = poses[7];
        var tensor = Tensor.FromArray(pose.SelectMany(v => new[] { v.X, v.Y, v.Z }).ToArray(), 1, 24, 3);
        var r = prior.Residuals(tensor).ToDoubleArray();
        Assert.Equal(prior.Energy(pose), 0.5 * r.Sum(v => v * v), 9);
    }

    [Fact]
    public void Levenberg_marquardt_solves_rosenbrock_and_a_curve_fit_both_ways()
    {
        // Rosenbrock as least squares: r = (10(y − x²), 1 − x), minimum at (1, 1)
        Tensor Rosenbrock(Tensor p)
        {
            var x = Op.Slice(p, 1, 0, 1);
            var y = Op.Slice(p, 1, 1, 1);
            return Op.Concat([(y - x * x) * 10, 1 - x], 1);
        }
        var batch = LevenbergMarquardt.Minimize(Rosenbrock, Tensor.FromArray(new double[] { -1.2, 1, 0.5, -0.3 }, 2, 2), 60);
        Assert.All(batch.Parameters.ToDoubleArray(), v => Assert.Equal(1, v, 6));
        var (one, cost, _) = LevenbergMarquardt.MinimizeOne(Rosenbrock, [-1.2, 1], 60);
        Assert.Equal(1, one[0], 5);
        Assert.Equal(1, one[1], 5);
        Assert.True(cost < 1e-12);
    }

    [Fact]
    public void Smplify_recovers_a_pose_it_can_see_from_noise_free_keypoints()
    {
        var model = fixture.Model;
        var rng = new Rng(5);
        var poses = Enumerable.Range(0, 100).Select(_ => Enumerable.Range(0, 24).Select(_ => 0.2 * R(rng)).ToArray()).ToList();
        var prior = PosePrior.Fit(poses);
        var camera = new PinholeCamera();
        var truth = poses[0];
        truth[0] = Rodrigues.AxisAngle(PinholeCamera.Upright);
        var pose = Tensor.FromArray(truth.SelectMany(v => new[] { v.X, v.Y, v.Z }).ToArray(), 1, 24, 3);
        var joints = model.Joints(Tensor.Zeros([1, 10], DType.Float64), pose, Tensor.FromArray(new double[] { 0.1, 0.2, 3.5 }, 1, 3));
        var kp = camera.Project(joints).ToDoubleArray();
        var keypoints = new[] { Enumerable.Range(0, 24).Select(j => (kp[2 * j], kp[2 * j + 1])).ToArray() };
        var fit = new SmplifyFitting(model, prior, camera).Fit(keypoints, new SmplifyFitting.Settings(KeypointSigma: 1, PriorWeights: [10, 0.1, 0.001]))[0];
        Assert.True(fit.ReprojectionError < 0.5, $"reprojection {fit.ReprojectionError} px");
        var j = joints.ToDoubleArray();
        var truthJoints = Enumerable.Range(0, 24).Select(k => new Vec3(j[3 * k], j[3 * k + 1], j[3 * k + 2])).ToArray();
        Assert.True(Procrustes.PaMpjpe(fit.Joints, truthJoints) < 0.05, $"PA-MPJPE {Procrustes.PaMpjpe(fit.Joints, truthJoints)} m");
    }

    [Fact]
    public void The_learned_update_arm_matches_the_kinematic_chain_and_its_gradient_checks()
    {
        var arm = new KinematicChain([1.0, 0.8, 0.6]);
        var learned = new LearnedUpdate(arm, new Rng(6), hidden: 8);
        var theta = Tensor.FromArray(new double[] { 0.3, -0.7, 1.1 }, 1, 3);
        var p = learned.Joints(theta).ToDoubleArray();
        var expected = arm.JointPositions([0.3, -0.7, 1.1]);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(expected[j + 1].X, p[2 * j], 12);
            Assert.Equal(expected[j + 1].Y, p[2 * j + 1], 12);
        }
        var r = GradCheck.Run(x => learned.Joints(x[0]), [new Rng(7).Normal([4, 3], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
        // gradient descent with a small step converges on an easy problem
        var (_, observed) = learned.Problems(8, new Rng(8), range: 0.3);
        Assert.All(learned.IterationsToConverge(observed, 1e-4, 2000, stepSize: 0.05), it => Assert.True(it <= 2000));
    }
}
