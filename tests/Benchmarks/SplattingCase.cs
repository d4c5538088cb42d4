using MachinePerception.Geometry;
using MachinePerception.Implicit;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// 3-D Gaussian splatting (§8.3), forward and backward: 4,096 Gaussians in a ball of radius 1 seen from 3.5 units away,
/// rendered at 128×128, MSE to a random target image, gradients for all five parameter sets. Ours only (PyTorch has no
/// rasterizer to compare with), so the line reads `time` with the breakdown: projection (means and covariances to the
/// screen, recorded for autodiff), binning (tiles and depth sort), the rasterizer's forward and its backward pass.
/// </summary>
sealed class SplattingCase : BenchmarkCase
{
    const int Gaussians = 4096, Size = 128;
    public override string Name => "splat-4096-128x128";
    protected override string? SkipReason => null;

    public override Action Ours() => Parts()[0];

    /// <summary>The whole step, then its pieces, each run on the same cloud and camera.</summary>
    Action[] Parts()
    {
        var rng = new Rng(3);
        var cloud = GaussianCloud.Random(Gaussians, 1.0, 0.04, rng);
        // random colours and opacities, so every pixel blends many splats of different colour
        cloud = new GaussianCloud(cloud.Means, cloud.LogScales, cloud.Rotations,
            rng.Normal([Gaussians]).RequireGrad(), rng.Normal([Gaussians, 3]).RequireGrad());
        var camera = Camera.LookAt(new Vec3(0, -3.5, 1), default, Size, Size, 45);
        var target = rng.Uniform([3, Size, Size]);
        double[] background = [0, 0, 0];
        var settings = new SplatSettings(Size, Size);

        void Step()
        {
            foreach (var p in cloud.Parameters) p.Grad = null;
            var loss = Losses.Mse(cloud.Render(camera, background, settings), target);
            loss.Backward();
        }

        // the pieces, on inputs computed once
        var (m2, c2, depth) = GaussianCloud.Project(cloud.Means, cloud.Covariances(), camera);
        double[] means = m2.ToDoubleArray(), cov = c2.ToDoubleArray();
        double[] opacity = Op.Sigmoid(cloud.OpacityLogits).ToDoubleArray(), colours = Op.Sigmoid(cloud.ColourLogits).ToDoubleArray();
        var bins = SplatRasterizer.Bin(means, cov, depth, settings);
        var (image, state) = SplatRasterizer.Forward(bins, means, opacity, colours, 3, background, settings);
        var gradImage = new double[image.Length];
        for (int i = 0; i < image.Length; i++) gradImage[i] = 1e-4 * (i % 7 - 3);

        return
        [
            Step,
            () => GaussianCloud.Project(cloud.Means, cloud.Covariances(), camera),
            () => SplatRasterizer.Bin(means, cov, depth, settings),
            () => SplatRasterizer.Forward(bins, means, opacity, colours, 3, background, settings),
            () => SplatRasterizer.Backward(bins, means, opacity, colours, 3, background, settings, state, gradImage),
        ];
    }

    public override string Run()
    {
        var parts = Parts();
        var t = Timing.Interleaved([.. parts.Select(p => (ITimedSide)new LocalSide(p))]);
        string[] names = ["projection", "binning", "rasterize", "rasterize backward"];
        var pieces = string.Join(", ", names.Select((n, i) => $"{n} {Time(t[i + 1].Seconds)}"));
        double rest = t[0].Seconds - t.Skip(1).Sum(x => x.Seconds);
        return $"time {Name} {Time(t[0].Seconds)} per forward+backward; {pieces}; the rest (autodiff of the projection, sigmoids, loss) {Time(Math.Max(rest, 0))}";
    }
}
