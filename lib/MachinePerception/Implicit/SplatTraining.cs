using MachinePerception.Checkpoints;
using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// How Gaussians are fitted: Adam's learning rates (positions get their own, as in the paper), the density-control
/// schedule (every <see cref="DensifyEvery"/> steps from <see cref="DensifyFrom"/> until <see cref="DensifyUntil"/>) and
/// its thresholds.
/// </summary>
public sealed record SplatTrainingConfig(double LearningRate = 0.02, double PositionLearningRate = 0.002, int DensifyFrom = 100,
    int DensifyEvery = 100, int DensifyUntil = 1000, DensitySettings? Density = null);

/// <summary>
/// Fits Gaussians by gradient descent on the squared image error (§8.3 "differentially render them"), one step at a
/// time, with adaptive density control on schedule. Works for 2-D Gaussians painting one image and for 3-D Gaussians
/// seen by many cameras (one random training view per step). Records the number of Gaussians after every step.
/// </summary>
public sealed class SplatTrainer : ITrainer
{
    readonly SplatTrainingConfig config;
    readonly Rng rng;
    readonly Func<Rng, (Tensor[] Parameters, Func<(Tensor Image, Tensor ScreenMeans)> Render, Tensor Target)> view;
    readonly Func<double[], DensitySettings, Rng, DensityChange> densify;
    Adam? positions, others;
    double[] gradientSum = [];
    int[] seen = [];
    int step;

    public List<int> Counts { get; } = [];
    public List<DensityChange> Changes { get; } = [];

    SplatTrainer(SplatTrainingConfig config, ulong seed,
        Func<Rng, (Tensor[], Func<(Tensor, Tensor)>, Tensor)> view, Func<double[], DensitySettings, Rng, DensityChange> densify)
    {
        (this.config, this.view, this.densify) = (config, view, densify);
        rng = new Rng(seed);
    }

    /// <summary>2-D Gaussians fitting one image [3, H, W] on a background.</summary>
    public static SplatTrainer ForImage(GaussianImage init, Tensor target, double[] background, SplatTrainingConfig config, ulong seed)
    {
        if (target.Rank != 3 || target.Shape[0] != 3) throw new ArgumentException($"SplatTrainer.ForImage: target must be [3, H, W], got {target.Shape}");
        var settings = new SplatSettings(target.Shape[2], target.Shape[1]);
        SplatTrainer? self = null;
        var current = init;
        self = new SplatTrainer(config, seed,
            _ => (current.Parameters, () => (current.Render(settings, background), current.Means), target),
            (norms, density, r) =>
            {
                var (next, change) = current.Densify(norms, density, r);
                current = next;
                return change;
            });
        self.image = () => current;
        return self;
    }

    /// <summary>3-D Gaussians fitting the training views of a multi-view data set.</summary>
    public static SplatTrainer ForScene(GaussianCloud init, MultiViewData data, SplatTrainingConfig config, ulong seed)
    {
        var current = init;
        SplatTrainer? self = null;
        self = new SplatTrainer(config, seed,
            r =>
            {
                int v = r.NextInt(data.TrainCameras.Length);
                return (current.Parameters, () => current.RenderWithScreenMeans(data.TrainCameras[v], MultiViewData.White), data.TrainImages[v].To(current.Means.DType));
            },
            (norms, density, r) =>
            {
                var (next, change) = current.Densify(norms, density, r);
                current = next;
                return change;
            });
        self.cloud = () => current;
        return self;
    }

    Func<GaussianImage>? image;
    Func<GaussianCloud>? cloud;

    /// <summary>The 2-D Gaussians as they are now (ForImage).</summary>
    public GaussianImage Image => image?.Invoke() ?? throw new InvalidOperationException("SplatTrainer.Image: this trainer fits a scene");

    /// <summary>The 3-D Gaussians as they are now (ForScene).</summary>
    public GaussianCloud Cloud => cloud?.Invoke() ?? throw new InvalidOperationException("SplatTrainer.Cloud: this trainer fits an image");

    /// <summary>Each Gaussian's mean ‖∂L/∂μ′‖ since the last density-control round (the statistic it thresholds).</summary>
    public double[] MeanScreenGradients => gradientSum.Select((g, i) => seen[i] > 0 ? g / seen[i] : 0).ToArray();

    /// <summary>One step; returns the image's mean squared error.</summary>
    public double Step()
    {
        step++;
        var (parameters, render, target) = view(rng);
        if (positions is null || !ReferenceEquals(positions.Parameters[0], parameters[0]))
        {
            positions = new Adam([parameters[0]], config.PositionLearningRate, epsilon: 1e-15);
            others = new Adam(parameters.Skip(1), config.LearningRate, epsilon: 1e-15);
            gradientSum = new double[parameters[0].Shape[0]];
            seen = new int[parameters[0].Shape[0]];
        }
        var (imageOut, screen) = render();
        var loss = Op.Mean(Op.Square(imageOut - target));
        var grads = Autograd.Grad([loss], [.. parameters, screen]);
        for (int p = 0; p < parameters.Length; p++) parameters[p].Grad = grads[p];
        // the screen-space statistic: ‖∂L/∂μ′‖ averaged over the steps a Gaussian was seen in
        var gs = grads[^1]!.ToDoubleArray();
        for (int i = 0; i < gradientSum.Length; i++)
        {
            double norm = Math.Sqrt(gs[2 * i] * gs[2 * i] + gs[2 * i + 1] * gs[2 * i + 1]);
            if (norm > 0) { gradientSum[i] += norm; seen[i]++; }
        }
        positions.Step();
        others!.Step();
        if (config.Density is { } density && step >= config.DensifyFrom && step <= config.DensifyUntil && step % config.DensifyEvery == 0)
        {
            Changes.Add(densify(MeanScreenGradients, density, rng));
            positions = null;          // new leaves: new optimiser state on the next step
        }
        Counts.Add(positions is null ? Changes[^1].After : parameters[0].Shape[0]);
        return loss.Item();
    }
}
