using MachinePerception.Geometry;
using MachinePerception.Numerics;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// A synthetic person in front of the camera, for testing fits: shape β, pose θ (joint 0 the global orientation, in the
/// camera's frame) and translation t.
/// </summary>
public sealed record FittingSubject(double[] Betas, Vec3[] Pose, Vec3 Translation)
{
    /// <summary>
    /// A subject with the body pose of <paramref name="pose"/> (e.g. retargeted motion capture), its heading replaced by
    /// <paramref name="yaw"/> (0: facing the camera), stood upright in the camera's frame at <paramref name="translation"/>.
    /// </summary>
    public static FittingSubject Facing(IReadOnlyList<Vec3> pose, double yaw, double[] betas, Vec3 translation)
    {
        var root = Rodrigues.Rotation(pose[0]);
        var forward = root * new Vec3(0, 0, 1);
        double heading = Math.Atan2(forward.X, forward.Z);
        var turned = pose.ToArray();
        turned[0] = Rodrigues.AxisAngle(PinholeCamera.Upright * Matrix3.RotationY(yaw - heading) * root);
        return new FittingSubject(betas, turned, translation);
    }

    /// <summary>The model's posed joints for this subject.</summary>
    public Vec3[] Joints(SmplModel model)
    {
        var j = model.Joints(Tensor.FromArray(Betas, 1, Betas.Length), Tensor.FromArray(Pose.SelectMany(v => new[] { v.X, v.Y, v.Z }).ToArray(), 1, Pose.Length, 3),
            Tensor.FromArray(new[] { Translation.X, Translation.Y, Translation.Z }, 1, 3)).ToDoubleArray();
        return Enumerable.Range(0, Pose.Length).Select(k => new Vec3(j[3 * k], j[3 * k + 1], j[3 * k + 2])).ToArray();
    }

    /// <summary>The joints' pixels, with Gaussian noise of <paramref name="sigma"/> pixels.</summary>
    public (double X, double Y)[] Keypoints(SmplModel model, PinholeCamera camera, double sigma, Rng rng) =>
        Joints(model).Select(p => camera.Project(p)).Select(q => (q.X + sigma * rng.NextNormal(), q.Y + sigma * rng.NextNormal())).ToArray();

    /// <summary>The parameter vector [β, θ, t] of <see cref="SmplifyFitting"/>.</summary>
    public double[] Parameters() => [.. Betas, .. Pose.SelectMany(v => new[] { v.X, v.Y, v.Z }), Translation.X, Translation.Y, Translation.Z];
}

/// <summary>One fit: the estimated shape, pose and translation, and how well it explains the keypoints.</summary>
public sealed record BodyFit(double[] Betas, Vec3[] Pose, Vec3 Translation, Vec3[] Joints, double ReprojectionError, List<double> CostHistory);

/// <summary>
/// Optimization-based fitting of a body model to 2-D keypoints (§9.3.1; Bogo et al. 2016, "SMPLify"): find shape β, pose θ
/// and the camera translation t that minimise
/// <code>E(β, θ, t) = Σ_j ‖Π(J_j(β, θ) + t) − x_j‖² / σ² + λ_θ ‖L(θ − μ)‖² + λ_β ‖β‖²,</code>
/// the reprojection error of the model's joints (a pinhole camera Π with known focal length), a Gaussian pose prior
/// (<see cref="PosePrior"/>) and a shape regulariser. The problem is non-convex, so it is solved in stages, as SMPLify does:
/// <list type="number">
/// <item>initialise: mean shape, the prior's mean pose standing upright and facing the camera, and the depth from the
/// torso, assuming it is parallel to the image plane (t_z = f · torso length in 3-D / torso length in pixels);</item>
/// <item>fit the global orientation and t to the torso joints alone, once facing the camera and once turned half a turn
/// about the vertical axis, keeping the one whose whole body (still in the mean pose) lands closer to the keypoints;</item>
/// <item>fit everything, with the prior's weight λ_θ lowered step by step (strong at first, to keep the pose plausible
/// while it is far off; weak at the end, so the data decide).</item>
/// </list>
/// Each stage runs Levenberg–Marquardt (<see cref="LevenbergMarquardt"/>) on a batch of independent problems.
/// </summary>
public sealed class SmplifyFitting(SmplModel model, PosePrior prior, PinholeCamera camera)
{
    public SmplModel Model { get; } = model;
    public PosePrior Prior { get; } = prior;
    public PinholeCamera Camera { get; } = camera;

    /// <summary>σ (pixels) of the keypoints, the prior weights of the stages (last one kept), λ_β, LM iterations per stage.</summary>
    public sealed record Settings(double KeypointSigma = 5, double[]? PriorWeights = null, double ShapeWeight = 1, int Iterations = 10, int InitialIterations = 10)
    {
        public double[] Weights => PriorWeights ?? [30, 3, 1];
    }

    /// <summary>Hips and shoulders: the torso of the initialisation.</summary>
    public static readonly int[] Torso = [1, 2, 16, 17];

    int ShapeCount => Model.ShapeCount;
    int ParameterCount => ShapeCount + 3 * Model.JointCount + 3;

    /// <summary>Parameters [B, P] → (β [B, S], θ [B, K, 3], t [B, 3]).</summary>
    public (Tensor Betas, Tensor Pose, Tensor Translation) Unpack(Tensor x)
    {
        int b = x.Shape[0], k = Model.JointCount;
        return (Op.Slice(x, 1, 0, ShapeCount), Op.Reshape(Op.Slice(x, 1, ShapeCount, 3 * k), b, k, 3), Op.Slice(x, 1, ShapeCount + 3 * k, 3));
    }

    /// <summary>Projected joints [B, K, 2] of parameters [B, P].</summary>
    public Tensor ProjectedJoints(Tensor x)
    {
        var (betas, pose, t) = Unpack(x);
        return Camera.Project(Model.Joints(betas, pose, t));
    }

    /// <summary>
    /// The starting point: β = 0, θ = the prior's mean with the body upright facing the camera, and t from the torso.
    /// </summary>
    public double[] Initialise(IReadOnlyList<(double X, double Y)> keypoints, bool fromBehind = false)
    {
        var start = new double[ParameterCount];
        var mean = Prior.MeanPose();
        var upright = Rodrigues.AxisAngle(PinholeCamera.Upright * (fromBehind ? Matrix3.RotationY(Math.PI) : Matrix3.Identity));
        mean[0] = upright;
        for (int j = 0; j < Model.JointCount; j++) (start[ShapeCount + 3 * j], start[ShapeCount + 3 * j + 1], start[ShapeCount + 3 * j + 2]) = (mean[j].X, mean[j].Y, mean[j].Z);
        var joints = Model.Joints(Tensor.Zeros([1, ShapeCount], DType.Float64),
            Op.Reshape(Tensor.FromArray(start[ShapeCount..(ShapeCount + 3 * Model.JointCount)], 1, 3 * Model.JointCount), 1, Model.JointCount, 3)).ToDoubleArray();
        Vec3 J(int k) => new(joints[3 * k], joints[3 * k + 1], joints[3 * k + 2]);
        var hips3 = 0.5 * (J(1) + J(2));
        var shoulders3 = 0.5 * (J(16) + J(17));
        (double X, double Y) Mid(int a, int b) => ((keypoints[a].X + keypoints[b].X) / 2, (keypoints[a].Y + keypoints[b].Y) / 2);
        var (hx, hy) = Mid(1, 2);
        var (sx, sy) = Mid(16, 17);
        double torso2 = Math.Sqrt((hx - sx) * (hx - sx) + (hy - sy) * (hy - sy)), torso3 = (shoulders3 - hips3).Norm;
        double depth = Camera.Focal * torso3 / torso2;
        var centre3 = 0.5 * (hips3 + shoulders3);
        double cx = (hx + sx) / 2, cy = (hy + sy) / 2;
        var t = new Vec3((cx - Camera.Cx) * depth / Camera.Focal - centre3.X, (cy - Camera.Cy) * depth / Camera.Focal - centre3.Y, depth - centre3.Z);
        (start[^3], start[^2], start[^1]) = (t.X, t.Y, t.Z);
        return start;
    }

    /// <summary>
    /// Fits every problem of the batch: keypoints [B][K] in pixels (K = the model's joints); <paramref name="visible"/>
    /// [B][K] marks joints the detector found (missing ones are left out of the data term).
    /// </summary>
    public BodyFit[] Fit(IReadOnlyList<(double X, double Y)[]> keypoints, Settings? settings = null, IReadOnlyList<bool[]>? visible = null,
        IReadOnlyList<double[]>? start = null)
    {
        var s = settings ?? new Settings();
        int b = keypoints.Count, k = Model.JointCount, p = ParameterCount;
        var x0 = new double[b * p];
        for (int i = 0; i < b; i++) (start?[i] ?? Initialise(keypoints[i])).CopyTo(x0, i * p);
        var observed = Tensor.FromArray(keypoints.SelectMany(kp => kp.SelectMany(q => new[] { q.X, q.Y })).ToArray(), b, k, 2);
        var weight = Tensor.FromArray(Enumerable.Range(0, b).SelectMany(i => Enumerable.Range(0, k).SelectMany(j =>
            Enumerable.Repeat(visible is null || visible[i][j] ? 1.0 / s.KeypointSigma : 0, 2))).ToArray(), b, k, 2);
        Tensor DataResiduals(Tensor x, int[]? joints)
        {
            var r = (ProjectedJoints(x) - observed) * weight;
            if (joints is not null) r = Op.IndexSelect(r, 1, joints);
            return Op.Reshape(r, b, -1);
        }
        var history = new List<double[]>();
        // stage 1: global orientation and translation on the torso
        var free = new bool[p];
        for (int i = 0; i < 3; i++) { free[ShapeCount + i] = true; free[p - 3 + i] = true; }
        var x = Tensor.FromArray(x0, b, p);
        if (start is null)
        {
            // both initial orientations as one batch of 2B problems: the first B facing the camera, the next B from behind
            var twice = new double[2 * b * p];
            x0.CopyTo(twice, 0);
            for (int i = 0; i < b; i++) Initialise(keypoints[i], fromBehind: true).CopyTo(twice, (b + i) * p);
            var observedTwice = Op.Concat([observed, observed], 0);
            var weightTwice = Op.Concat([weight, weight], 0);
            var r1 = LevenbergMarquardt.Minimize(xx =>
                Op.Reshape(Op.IndexSelect((ProjectedJoints(xx) - observedTwice) * weightTwice, 1, Torso), 2 * b, -1),
                Tensor.FromArray(twice, 2 * b, p), s.InitialIterations, free);
            var best = r1.Parameters.ToDoubleArray();
            // choose by all joints (with the mean pose): the torso alone fits both ways about equally
            var all = Op.Sum(Op.Square(Op.Reshape((ProjectedJoints(r1.Parameters) - observedTwice) * weightTwice, 2 * b, -1)), 1).ToDoubleArray();
            for (int i = 0; i < b; i++)
            {
                int pick = all[b + i] < all[i] ? b + i : i;
                Array.Copy(best, pick * p, x0, i * p, p);
            }
            x = Tensor.FromArray(x0, b, p);
            history.AddRange(r1.CostHistory.Select(h => h.Take(b).Select((c, i) => Math.Min(c, h[b + i])).ToArray()));
        }
        // stage 2: everything, the prior's weight stepped down
        foreach (double lambda in s.Weights)
        {
            double rootPrior = Math.Sqrt(lambda), rootShape = Math.Sqrt(s.ShapeWeight);
            var r2 = LevenbergMarquardt.Minimize(xx =>
            {
                var (betas, pose, _) = Unpack(xx);
                return Op.Concat([DataResiduals(xx, null), Prior.Residuals(pose) * rootPrior, betas * rootShape], 1);
            }, x, s.Iterations);
            x = r2.Parameters;
            history.AddRange(r2.CostHistory);
        }
        var (bt, ps, tr) = Unpack(x);
        var fitted = Model.Joints(bt, ps, tr).ToDoubleArray();
        var projected = ProjectedJoints(x).ToDoubleArray();
        var xv = x.ToDoubleArray();
        return Enumerable.Range(0, b).Select(i =>
        {
            var pose = Enumerable.Range(0, k).Select(j => new Vec3(xv[i * p + ShapeCount + 3 * j], xv[i * p + ShapeCount + 3 * j + 1], xv[i * p + ShapeCount + 3 * j + 2])).ToArray();
            var joints = Enumerable.Range(0, k).Select(j => new Vec3(fitted[(i * k + j) * 3], fitted[(i * k + j) * 3 + 1], fitted[(i * k + j) * 3 + 2])).ToArray();
            double reprojection = 0;
            int counted = 0;
            for (int j = 0; j < k; j++)
            {
                if (visible is not null && !visible[i][j]) continue;
                double dx = projected[(i * k + j) * 2] - keypoints[i][j].X, dy = projected[(i * k + j) * 2 + 1] - keypoints[i][j].Y;
                reprojection += Math.Sqrt(dx * dx + dy * dy);
                counted++;
            }
            return new BodyFit(xv[(i * p)..(i * p + ShapeCount)], pose, new Vec3(xv[i * p + p - 3], xv[i * p + p - 2], xv[i * p + p - 1]), joints,
                reprojection / counted, history.Select(h => h[i]).ToList());
        }).ToArray();
    }
}
