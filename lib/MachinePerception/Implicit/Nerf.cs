using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// The architecture of a <see cref="NerfModel"/>: the position encoding (positional encoding with L frequencies, L = 0
/// for none, or a hash grid), the trunk (Depth layers of Width), and the view-direction encoding.
/// </summary>
public sealed record NerfConfig(int PositionFrequencies = 8, int DirectionFrequencies = 4, int Width = 128, int Depth = 4,
    HashGridConfig? HashGrid = null, double SceneRadius = 1.2)
{
    public void Validate()
    {
        if (PositionFrequencies < 0 || DirectionFrequencies < 0 || Width < 4 || Depth < 1 || !(SceneRadius > 0))
            throw new ArgumentException($"NerfConfig: invalid {this}");
        HashGrid?.Validate();
    }
}

/// <summary>
/// A neural radiance field (Mildenhall et al. 2020; §8.2): (x, y, z, θ, φ) → (r, g, b, σ). The position, encoded, runs
/// through the trunk; the density σ = softplus(·) is read out <i>before</i> the view direction enters, so geometry cannot
/// depend on the viewpoint; then the trunk's feature vector and the encoded direction go through one more layer to the
/// colour (a sigmoid keeps it in [0, 1]). The direction (θ, φ) is given as the unit vector (sin θ cos φ, sin θ sin φ,
/// cos θ), the same information without the wrap-around of angles. With a <see cref="HashGridEncoding"/> as the
/// position encoding, the trunk shrinks to one small layer (§8.2.3, Instant-NGP).
/// </summary>
public sealed class NerfModel : Module
{
    public NerfConfig Config { get; }
    readonly Layer encoder;
    readonly PositionalEncoding directionEncoding;
    readonly Sequential trunk;
    readonly Linear densityHead, featureHead, colourHidden, colourHead;

    public NerfModel(NerfConfig config, Rng rng, DType dtype = DType.Float32)
    {
        config.Validate();
        Config = config;
        int encoded;
        if (config.HashGrid is { } grid)
        {
            var hash = new HashGridEncoding(grid, (-config.SceneRadius, config.SceneRadius), rng, dtype);
            encoder = RegisterModule("encoder", hash);
            encoded = hash.OutputSize;
        }
        else
        {
            var pe = new PositionalEncoding(config.PositionFrequencies);
            encoder = RegisterModule("encoder", pe);
            encoded = pe.OutputSize(3);
        }
        directionEncoding = RegisterModule("direction_encoding", new PositionalEncoding(config.DirectionFrequencies));
        var layers = new List<Layer>();
        for (int l = 0; l < config.Depth; l++)
        {
            layers.Add(new Linear(l == 0 ? encoded : config.Width, config.Width, rng, dtype: dtype));
            layers.Add(new ReLU());
        }
        trunk = RegisterModule("trunk", new Sequential([.. layers]));
        densityHead = RegisterModule("density", new Linear(config.Width, 1, rng, dtype: dtype));
        featureHead = RegisterModule("feature", new Linear(config.Width, config.Width, rng, dtype: dtype));
        colourHidden = RegisterModule("colour_hidden", new Linear(config.Width + directionEncoding.OutputSize(3), config.Width / 2, rng, dtype: dtype));
        colourHead = RegisterModule("colour", new Linear(config.Width / 2, 3, rng, dtype: dtype));
    }

    public DType DType => densityHead.Weight.DType;

    /// <summary>Points [N, 3] (world) and unit view directions [N, 3] → density σ [N] (≥ 0) and colour [N, 3] in [0, 1].</summary>
    public (Tensor Sigma, Tensor Rgb) Forward(Tensor points, Tensor directions)
    {
        if (points.Rank != 2 || points.Shape[1] != 3 || !directions.Shape.Equals(points.Shape))
            throw new ArgumentException($"NerfModel: expected points and directions [N, 3], got {points.Shape} and {directions.Shape}");
        var h = trunk.Forward(encoder.Forward(points));                                          // [N, W]
        var sigma = Op.Reshape(Op.Softplus(densityHead.Forward(h)), points.Shape[0]);             // [N]
        var features = Op.Concat([featureHead.Forward(h), directionEncoding.Forward(directions)], 1);
        var rgb = Op.Sigmoid(colourHead.Forward(Op.Relu(colourHidden.Forward(features))));        // [N, 3]
        return (sigma, rgb);
    }

    /// <summary>
    /// Renders R rays (origins, unit directions [R·3] flattened) with S stratified samples in [near, far] (random
    /// positions in the bins when <paramref name="rng"/> is given, bin centres otherwise) and composites them over the
    /// background: colours [R, 3] and, when asked, the expected depths [R] (background depth = far). Differentiable.
    /// </summary>
    public (Tensor Rgb, Tensor? Depth) RenderRays(double[] origins, double[] directions, double near, double far, int samples,
        Rng? rng, double[] background, bool withDepth = false)
    {
        int r = origins.Length / 3;
        if (origins.Length != 3 * r || directions.Length != 3 * r) throw new ArgumentException($"NerfModel.RenderRays: origins [{origins.Length}] and directions [{directions.Length}] must both hold R·3 numbers");
        if (background.Length != 3) throw new ArgumentException($"NerfModel.RenderRays: background must be an RGB triple, got {background.Length} values");
        var (t, delta) = VolumeRendering.StratifiedSamples(r, samples, near, far, rng);
        var points = new double[r * samples * 3];
        var dirs = new double[r * samples * 3];
        for (int ray = 0; ray < r; ray++)
            for (int i = 0; i < samples; i++)
                for (int a = 0; a < 3; a++)
                {
                    int k = (ray * samples + i) * 3 + a;
                    points[k] = origins[3 * ray + a] + t[ray * samples + i] * directions[3 * ray + a];
                    dirs[k] = directions[3 * ray + a];
                }
        var dt = DType;
        var (sigma, rgb) = Forward(Tensor.FromArray(points, r * samples, 3).To(dt), Tensor.FromArray(dirs, r * samples, 3).To(dt));
        sigma = Op.Reshape(sigma, r, samples);
        var deltaT = Tensor.FromArray(delta, r, samples).To(dt);
        var colour = VolumeRendering.Composite(sigma, Op.Reshape(rgb, r, samples, 3), deltaT, Tensor.FromArray(background).To(dt));
        Tensor? depth = null;
        if (withDepth)
            depth = Op.Reshape(VolumeRendering.Composite(sigma, Tensor.FromArray(t, r, samples, 1).To(dt), deltaT, Tensor.FromArray([far], 1).To(dt)), r);
        return (colour, depth);
    }

    /// <summary>The image [3, H, W] a camera sees (no graph, rays in chunks, bin-centre samples).</summary>
    public Tensor RenderImage(Camera camera, double near, double far, int samples, double[] background, int chunk = 4096)
    {
        var (o, d) = camera.Rays();
        int n = camera.Width * camera.Height;
        var rgb = new double[3 * n];
        using var _ = Autograd.NoGrad();
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            var (c, _) = RenderRays(o[(3 * start)..(3 * (start + count))], d[(3 * start)..(3 * (start + count))], near, far, samples, null, background);
            var values = c.ToDoubleArray();
            for (int i = 0; i < count; i++)
                for (int a = 0; a < 3; a++) rgb[a * n + start + i] = values[3 * i + a];
        }
        return Tensor.FromArray(rgb, 3, camera.Height, camera.Width);
    }
}
