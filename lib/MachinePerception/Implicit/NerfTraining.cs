using MachinePerception.Checkpoints;
using MachinePerception.Geometry;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// How a NeRF is fitted: rays per batch, samples per ray, Adam's learning rate decaying exponentially from
/// <see cref="LearningRate"/> to <see cref="FinalLearningRate"/>, and the sparse-view regulariser's weight
/// (<see cref="DepthSmoothness"/> &gt; 0 switches it on).
/// </summary>
public sealed record NerfTrainingConfig(int RaysPerBatch = 512, int Samples = 48, double LearningRate = 5e-4, double FinalLearningRate = 5e-5,
    double AdamEpsilon = 1e-8, double DepthSmoothness = 0, int PatchSize = 8, int Patches = 2)
{
    public void Validate()
    {
        if (RaysPerBatch < 1 || Samples < 2 || !(LearningRate > 0) || !(FinalLearningRate > 0) || !(DepthSmoothness >= 0) || PatchSize < 2 || Patches < 1)
            throw new ArgumentException($"NerfTrainingConfig: invalid {this}");
    }
}

/// <summary>
/// One NeRF optimisation step at a time (§8.2): draw a batch of training rays (seeded), render them, and take an Adam
/// step on the mean squared colour error. With sparse views a network can explain every training pixel with density
/// floating anywhere in the many unobserved directions; the optional regulariser (RegNeRF's geometry term, Niemeyer et
/// al. 2022) renders small patches from random unobserved viewpoints on the camera sphere and penalises differences of
/// neighbouring expected depths, preferring smooth geometry. <see cref="Step"/> returns the colour MSE (the
/// regulariser is not included, so runs with and without it log the same quantity).
/// </summary>
public sealed class NerfTrainer : ITrainer
{
    readonly NerfModel model;
    readonly MultiViewData data;
    readonly NerfTrainingConfig config;
    readonly Adam adam;
    readonly Rng rng;
    readonly int totalSteps;
    int step;

    public NerfTrainer(NerfModel model, MultiViewData data, NerfTrainingConfig config, int totalSteps, ulong seed)
    {
        config.Validate();
        if (totalSteps < 1) throw new ArgumentException($"NerfTrainer: needs ≥ 1 step, got {totalSteps}");
        (this.model, this.data, this.config, this.totalSteps) = (model, data, config, totalSteps);
        adam = new Adam(model.Parameters(), config.LearningRate, epsilon: config.AdamEpsilon);
        rng = new Rng(seed);
    }

    public double Step()
    {
        double fraction = Math.Min(1, (double)step / totalSteps);
        adam.LearningRate = config.LearningRate * Math.Pow(config.FinalLearningRate / config.LearningRate, fraction);
        step++;
        var rays = new int[config.RaysPerBatch];
        for (int i = 0; i < rays.Length; i++) rays[i] = rng.NextInt(data.RayCount);
        var (o, d, target) = data.Batch(rays, model.DType);
        adam.ZeroGrad();
        var (rgb, _) = model.RenderRays(o, d, data.Near, data.Far, config.Samples, rng, MultiViewData.White);
        var mse = Op.Mean(Op.Square(rgb - target));
        var loss = config.DepthSmoothness > 0 ? mse + config.DepthSmoothness * DepthSmoothnessLoss() : mse;
        loss.Backward();
        adam.Step();
        return mse.Item();
    }

    /// <summary>Mean squared difference of neighbouring expected depths over patches seen from random unobserved viewpoints.</summary>
    Tensor DepthSmoothnessLoss()
    {
        int p = config.PatchSize, count = config.Patches;
        var camera0 = data.TrainCameras[0];
        double radius = camera0.Center.Norm;
        var o = new double[count * p * p * 3];
        var d = new double[count * p * p * 3];
        for (int k = 0; k < count; k++)
        {
            // a uniformly random viewpoint on the cameras' sphere, above −55° elevation
            double z = -0.8 + 1.8 * rng.NextDouble(), a = 2 * Math.PI * rng.NextDouble(), r = Math.Sqrt(1 - z * z);
            var camera = Camera.LookAt(radius * new Vec3(r * Math.Cos(a), r * Math.Sin(a), z), default, camera0.Width, camera0.Height, 2 * Math.Atan(camera0.Height / 2.0 / camera0.Focal) * 180 / Math.PI);
            int u0 = rng.NextInt(camera0.Width - p + 1), v0 = rng.NextInt(camera0.Height - p + 1);
            var c = camera.Center;
            for (int j = 0; j < p; j++)
                for (int i = 0; i < p; i++)
                {
                    int at = 3 * ((k * p + j) * p + i);
                    var w = camera.Direction(u0 + i + 0.5, v0 + j + 0.5);
                    (o[at], o[at + 1], o[at + 2]) = (c.X, c.Y, c.Z);
                    (d[at], d[at + 1], d[at + 2]) = (w.X, w.Y, w.Z);
                }
        }
        var (_, depth) = model.RenderRays(o, d, data.Near, data.Far, config.Samples, rng, MultiViewData.White, withDepth: true);
        var grid = Op.Reshape(depth!, count, p, p);
        var dx = Op.Slice(grid, 2, 1, p - 1) - Op.Slice(grid, 2, 0, p - 1);
        var dy = Op.Slice(grid, 1, 1, p - 1) - Op.Slice(grid, 1, 0, p - 1);
        return Op.Mean(Op.Square(dx)) + Op.Mean(Op.Square(dy));
    }

    /// <summary>Mean PSNR of the model's renders of the held-out views (or of the first <paramref name="views"/> of them).</summary>
    public static double HeldOutPsnr(NerfModel model, MultiViewData data, int samples, int? views = null)
    {
        int n = Math.Min(views ?? data.TestCameras.Length, data.TestCameras.Length);
        var renders = data.TestCameras.Take(n).Select(c => model.RenderImage(c, data.Near, data.Far, samples, MultiViewData.White)).ToArray();
        return ImageMetrics.MeanPsnr(renders, data.TestImages.Take(n).ToArray());
    }
}
