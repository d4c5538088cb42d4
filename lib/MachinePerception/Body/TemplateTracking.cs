using MachinePerception.Geometry;
using MachinePerception.Numerics;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// Template-based capture (§9.3.2): "scan for the first frame, then track with SMPL". The person's shape β is fitted once,
/// to a scan of the first frame (vertices with known correspondence to the model's, as a registered scan has); from then on
/// β is the fixed template and each new frame only needs pose θ_t and translation t_t, fitted to that frame's 2-D keypoints
/// starting from the previous frame's answer, with a smoothness term that keeps θ_t near θ_{t−1}:
/// <code>E_t(θ, t) = Σ_j ‖Π(J_j(β̂, θ) + t) − x_j‖² / σ² + ‖θ − θ_{t−1}‖² / σ_θ² + ‖t − t_{t−1}‖² / σ_t².</code>
/// Knowing the shape removes the size/depth trade-off, and starting from the right pose keeps limbs on the right side of
/// the depth ambiguity that a fit from scratch must guess.
/// </summary>
public sealed class TemplateTracking(SmplModel model, PosePrior prior, PinholeCamera camera)
{
    public SmplModel Model { get; } = model;

    int S => Model.ShapeCount;
    int K => Model.JointCount;

    /// <summary>
    /// Fits β, θ, t to a scan (every <paramref name="stride"/>-th vertex, σ = <paramref name="sigma"/> metres): first the global
    /// orientation and translation, then everything, from the mean shape in the prior's mean pose facing the camera.
    /// </summary>
    public BodyFit FitScan(IReadOnlyList<Vec3> scan, double sigma = 0.005, int stride = 3, int iterations = 12)
    {
        if (scan.Count != Model.VertexCount) throw new ArgumentException($"TemplateTracking.FitScan: the scan has {scan.Count} vertices, the model {Model.VertexCount}");
        var used = Enumerable.Range(0, Model.VertexCount).Where(i => i % stride == 0).ToArray();
        var target = Tensor.FromArray(used.SelectMany(i => new[] { scan[i].X, scan[i].Y, scan[i].Z }).ToArray(), 1, used.Length, 3);
        var start = new double[S + 3 * K + 3];
        var mean = prior.MeanPose();
        mean[0] = Rodrigues.AxisAngle(PinholeCamera.Upright);
        for (int j = 0; j < K; j++) (start[S + 3 * j], start[S + 3 * j + 1], start[S + 3 * j + 2]) = (mean[j].X, mean[j].Y, mean[j].Z);
        var centroid = new Vec3();
        foreach (var v in scan) centroid += (1.0 / scan.Count) * v;
        (start[^3], start[^2], start[^1]) = (centroid.X, centroid.Y, centroid.Z);
        Tensor Residuals(Tensor rows)
        {
            int n = rows.Shape[0];
            var betas = Op.Slice(rows, 1, 0, S);
            var pose = Op.Reshape(Op.Slice(rows, 1, S, 3 * K), n, K, 3);
            var vertices = Op.IndexSelect(Model.Forward(betas, pose, Op.Slice(rows, 1, S + 3 * K, 3)).Vertices, 1, used);
            return Op.Concat([Op.Reshape((vertices - target) / sigma, n, -1), prior.Residuals(pose) * 0.1, betas * 0.1], 1);
        }
        // stage 1: only the global orientation and translation move (the other parameters are copied into every row)
        int[] rigid = [S, S + 1, S + 2, S + 3 * K, S + 3 * K + 1, S + 3 * K + 2];
        Tensor Expand(Tensor partial)
        {
            int n = partial.Shape[0];
            var full = Op.BroadcastTo(Tensor.FromArray(start, 1, start.Length), new Shape(n, start.Length)).Clone();
            var p = partial.ToDoubleArray();
            var f = full.ToDoubleArray();
            for (int r = 0; r < n; r++) for (int c = 0; c < rigid.Length; c++) f[r * start.Length + rigid[c]] = p[r * rigid.Length + c];
            return Tensor.FromArray(f, n, start.Length);
        }
        var (r1, _, h1) = LevenbergMarquardt.MinimizeOne(rows => Residuals(Expand(rows)), rigid.Select(i => start[i]).ToArray(), iterations / 2);
        for (int c = 0; c < rigid.Length; c++) start[rigid[c]] = r1[c];
        var (x, _, h2) = LevenbergMarquardt.MinimizeOne(Residuals, start, iterations);
        return Result(x, [.. h1, .. h2]);
    }

    BodyFit Result(double[] x, List<double> history, double reprojection = double.NaN)
    {
        var pose = Enumerable.Range(0, K).Select(j => new Vec3(x[S + 3 * j], x[S + 3 * j + 1], x[S + 3 * j + 2])).ToArray();
        var t = new Vec3(x[^3], x[^2], x[^1]);
        var j3 = Model.Joints(Tensor.FromArray(x[..S], 1, S), Tensor.FromArray(x[S..(S + 3 * K)], 1, K, 3), Tensor.FromArray(new[] { t.X, t.Y, t.Z }, 1, 3)).ToDoubleArray();
        var joints = Enumerable.Range(0, K).Select(j => new Vec3(j3[3 * j], j3[3 * j + 1], j3[3 * j + 2])).ToArray();
        return new BodyFit(x[..S], pose, t, joints, reprojection, history);
    }

    /// <summary>
    /// Tracks frames 2… (keypoints [frame][K] in pixels) from the first frame's fit, β fixed at its shape:
    /// <paramref name="iterations"/> LM steps per frame, keypoint σ in pixels, smoothness σ_θ (radians) and σ_t (metres).
    /// </summary>
    public List<BodyFit> Track(BodyFit first, IReadOnlyList<(double X, double Y)[]> keypoints, double sigma = 2, double sigmaPose = 0.1,
        double sigmaTranslation = 0.05, int iterations = 4)
    {
        var betas = Tensor.FromArray(first.Betas, 1, S);
        var previous = first.Pose.SelectMany(v => new[] { v.X, v.Y, v.Z }).Concat([first.Translation.X, first.Translation.Y, first.Translation.Z]).ToArray();
        var fits = new List<BodyFit>();
        foreach (var frame in keypoints)
        {
            if (frame.Length != K) throw new ArgumentException($"TemplateTracking.Track: {frame.Length} keypoints for {K} joints");
            var observed = Tensor.FromArray(frame.SelectMany(p => new[] { p.X, p.Y }).ToArray(), 1, K, 2);
            var anchor = Tensor.FromArray(previous, 1, previous.Length);
            var weights = Tensor.FromArray([.. Enumerable.Repeat(1 / sigmaPose, 3 * K), .. Enumerable.Repeat(1 / sigmaTranslation, 3)], 1, previous.Length);
            Tensor Residuals(Tensor rows)
            {
                int n = rows.Shape[0];
                var pose = Op.Reshape(Op.Slice(rows, 1, 0, 3 * K), n, K, 3);
                var joints = Model.Joints(Op.BroadcastTo(betas, new Shape(n, S)), pose, Op.Slice(rows, 1, 3 * K, 3));
                var data = Op.Reshape((camera.Project(joints) - observed) / sigma, n, -1);
                return Op.Concat([data, (rows - anchor) * weights], 1);
            }
            var (x, _, history) = LevenbergMarquardt.MinimizeOne(Residuals, previous, iterations);
            var full = first.Betas.Concat(x).ToArray();
            var fit = Result(full, history);
            var projected = fit.Joints.Select(camera.Project).ToArray();
            double reprojection = projected.Select((p, j) => Math.Sqrt((p.X - frame[j].X) * (p.X - frame[j].X) + (p.Y - frame[j].Y) * (p.Y - frame[j].Y))).Average();
            fits.Add(fit with { ReprojectionError = reprojection });
            previous = x;
        }
        return fits;
    }
}
