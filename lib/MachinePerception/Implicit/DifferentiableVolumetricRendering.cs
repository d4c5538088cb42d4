using MachinePerception.Checkpoints;
using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>A colour field c(p) ∈ [0, 1]³ (a "texture field"): positional encoding, a small MLP, a sigmoid.</summary>
public sealed class TextureField : Module
{
    readonly PositionalEncoding encoding;
    readonly Sequential mlp;

    public TextureField(int frequencies, int width, Rng rng, DType dtype = DType.Float64)
    {
        encoding = RegisterModule("encoding", new PositionalEncoding(frequencies));
        mlp = RegisterModule("mlp", new Sequential(new Linear(encoding.OutputSize(3), width, rng, dtype: dtype), new ReLU(), new Linear(width, 3, rng, dtype: dtype)));
    }

    /// <summary>Points [N, 3] → colours [N, 3].</summary>
    public Tensor Forward(Tensor points) => Op.Sigmoid(mlp.Forward(encoding.Forward(points)));
}

/// <summary>
/// Differentiable volumetric rendering (Niemeyer et al. 2020; §8.1.3) with a signed distance as the shape: a pixel's
/// colour is the texture field at the first surface point p̂ of its ray, where f_θ(p̂) = 0 (found by ray marching and
/// root finding, <see cref="RayDepth.FindAll"/>), and its gradient flows through p̂ by the implicit derivative
/// ∂p̂/∂θ = −w (∂f/∂p̂ · w)⁻¹ ∂f/∂θ (<see cref="RayDepth.Differentiable"/>; proved in chapter 13) — no
/// backpropagation through the marching. Pixels whose silhouette disagrees get a mask loss: a ray that should hit but
/// misses lowers f where it came closest to the surface; a ray that should miss but hits raises f at its hit point.
/// Float64 throughout (the model is small, and the chapter checks its derivative against finite differences).
/// </summary>
public sealed class DvrModel : Module
{
    public SdfNetwork Shape { get; }
    public TextureField Texture { get; }

    public DvrModel(int width, int depth, double initialRadius, Rng rng)
    {
        Shape = RegisterModule("shape", new SdfNetwork(width, depth, initialRadius, rng, beta: 10, dtype: DType.Float64));
        Texture = RegisterModule("texture", new TextureField(4, width, rng));
    }

    /// <summary>The image [3, H, W] a camera sees: white where a ray misses the learned surface (no graph).</summary>
    public Tensor Render(Camera camera, double near, double far, double[] background)
    {
        var (o, d) = camera.Rays();
        var (depth, _) = RayDepth.FindAll(Shape.Forward, 0, o, d, near, far, dtype: DType.Float64);
        int n = depth.Length;
        var image = new double[3 * n];
        var hits = Enumerable.Range(0, n).Where(i => !double.IsNaN(depth[i])).ToArray();
        var pts = new double[hits.Length * 3];
        for (int k = 0; k < hits.Length; k++)
            for (int a = 0; a < 3; a++) pts[3 * k + a] = o[3 * hits[k] + a] + depth[hits[k]] * d[3 * hits[k] + a];
        double[] colours;
        using (Autograd.NoGrad()) colours = hits.Length == 0 ? [] : Texture.Forward(Tensor.FromArray(pts, hits.Length, 3)).ToDoubleArray();
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++) image[a * n + i] = background[a];
        for (int k = 0; k < hits.Length; k++)
            for (int a = 0; a < 3; a++) image[a * n + hits[k]] = colours[3 * k + a];
        return Tensor.FromArray(image, 3, camera.Height, camera.Width);
    }
}

/// <summary>Fits a <see cref="DvrModel"/> to posed images: one Adam step per call on a random batch of training rays.</summary>
public sealed class DvrTrainer(DvrModel model, MultiViewData data, int raysPerStep, double learningRate, ulong seed, double maskWeight = 1, double margin = 0.02) : ITrainer
{
    readonly Adam adam = new(model.Parameters(), learningRate);
    readonly Rng rng = new(seed);

    /// <summary>One step; returns the colour loss (mean |c − c_true| over rays that hit in both).</summary>
    public double Step()
    {
        var rays = new int[raysPerStep];
        for (int i = 0; i < rays.Length; i++) rays[i] = rng.NextInt(data.RayCount);
        var (o, d, target) = data.Batch(rays, DType.Float64);
        var (depth, closest) = RayDepth.FindAll(model.Shape.Forward, 0, o, d, data.Near, data.Far, dtype: DType.Float64);
        var both = new List<int>();
        var shouldHit = new List<int>();
        var shouldMiss = new List<int>();
        for (int i = 0; i < rays.Length; i++)
        {
            bool predicted = !double.IsNaN(depth[i]), truth = data.RayHits[rays[i]];
            if (predicted && truth) both.Add(i);
            else if (truth) shouldHit.Add(i);
            else if (predicted) shouldMiss.Add(i);
        }
        adam.ZeroGrad();
        Tensor? loss = null;
        double colourLoss = 0;
        if (both.Count > 0)
        {
            var origins = new double[both.Count, 3];
            var directions = new double[both.Count, 3];
            for (int k = 0; k < both.Count; k++)
                for (int a = 0; a < 3; a++) (origins[k, a], directions[k, a]) = (o[3 * both[k] + a], d[3 * both[k] + a]);
            var (_, points) = RayDepth.Differentiable(model.Shape.Forward, 0, origins, directions, both.Select(i => depth[i]).ToArray());
            var colour = model.Texture.Forward(points);
            var l1 = Op.Mean(Op.Abs(colour - Op.IndexSelect(target, 0, [.. both])));
            colourLoss = l1.Item();
            loss = l1;
        }
        Tensor? Mask(List<int> which, bool raise)
        {
            if (which.Count == 0) return null;
            var p = new double[which.Count * 3];
            for (int k = 0; k < which.Count; k++)
                for (int a = 0; a < 3; a++) p[3 * k + a] = o[3 * which[k] + a] + (raise ? depth[which[k]] : closest[which[k]]) * d[3 * which[k] + a];
            var f = model.Shape.Forward(Tensor.FromArray(p, which.Count, 3));
            // should miss: f must become positive (outside) there; should hit: f must become negative
            return Op.Sum(Op.Relu(raise ? margin - f : f + margin)) * (maskWeight / raysPerStep);
        }
        foreach (var term in new[] { Mask(shouldHit, raise: false), Mask(shouldMiss, raise: true) })
            if (term is not null) loss = loss is null ? term : loss + term;
        if (loss is null) return 0;
        loss.Backward();
        adam.Step();
        return colourLoss;
    }
}
