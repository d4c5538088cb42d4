using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// A scene as N anisotropic 3-D Gaussians (Kerbl et al. 2023; §8.3 "each point has a 3D Gaussian"): centres μ [N, 3],
/// log-scales [N, 3], rotations as quaternions [N, 4] (normalised on use), opacity logits [N] (o = sigmoid) and colour
/// logits [N, 3] (c = sigmoid; the paper's view-dependent spherical harmonics are left out, as the book's scenes have no
/// view-dependent effects). All five are leaf tensors: the optimiser moves them, and adaptive density control replaces
/// them by longer or shorter ones (<see cref="AdaptiveDensityControl"/>).
/// </summary>
public sealed class GaussianCloud
{
    public Tensor Means { get; }          // [N, 3]
    public Tensor LogScales { get; }      // [N, 3]
    public Tensor Rotations { get; }      // [N, 4] quaternions (w, x, y, z)
    public Tensor OpacityLogits { get; }  // [N]
    public Tensor ColourLogits { get; }   // [N, 3]

    public GaussianCloud(Tensor means, Tensor logScales, Tensor rotations, Tensor opacityLogits, Tensor colourLogits)
    {
        int n = means.Shape[0];
        if (means.Rank != 2 || means.Shape[1] != 3 || !logScales.Shape.Equals(means.Shape) || rotations.Rank != 2 || rotations.Shape[0] != n
            || rotations.Shape[1] != 4 || opacityLogits.Rank != 1 || opacityLogits.Shape[0] != n || !colourLogits.Shape.Equals(means.Shape))
            throw new ArgumentException($"GaussianCloud: expected means, log-scales, colours [N, 3], rotations [N, 4], opacities [N]; got {means.Shape}, {logScales.Shape}, {rotations.Shape}, {opacityLogits.Shape}, {colourLogits.Shape}");
        (Means, LogScales, Rotations, OpacityLogits, ColourLogits) = (means, logScales, rotations, opacityLogits, colourLogits);
    }

    public int Count => Means.Shape[0];
    public Tensor[] Parameters => [Means, LogScales, Rotations, OpacityLogits, ColourLogits];

    /// <summary>
    /// N Gaussians at uniform random points in a ball of radius <paramref name="radius"/> ("initialize point cloud
    /// randomly"), isotropic with scale <paramref name="scale"/>, identity rotation, opacity 0.1, grey.
    /// </summary>
    public static GaussianCloud Random(int n, double radius, double scale, Rng rng, DType dtype = DType.Float32)
    {
        if (n < 1 || !(radius > 0) || !(scale > 0)) throw new ArgumentException($"GaussianCloud.Random: needs n ≥ 1, radius > 0, scale > 0; got {n}, {radius}, {scale}");
        var means = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            double x, y, z;
            do { x = 2 * rng.NextDouble() - 1; y = 2 * rng.NextDouble() - 1; z = 2 * rng.NextDouble() - 1; } while (x * x + y * y + z * z > 1);
            (means[3 * i], means[3 * i + 1], means[3 * i + 2]) = (radius * x, radius * y, radius * z);
        }
        var quaternions = new double[4 * n];
        for (int i = 0; i < n; i++) quaternions[4 * i] = 1;
        return new GaussianCloud(
            Tensor.FromArray(means, n, 3).To(dtype).RequireGrad(),
            Tensor.Full([n, 3], Math.Log(scale), dtype).RequireGrad(),
            Tensor.FromArray(quaternions, n, 4).To(dtype).RequireGrad(),
            Tensor.Full([n], Math.Log(0.1 / 0.9), dtype).RequireGrad(),
            Tensor.Zeros([n, 3], dtype).RequireGrad());
    }

    /// <summary>R [N, 3, 3] of the normalised quaternions q = (w, x, y, z): the usual rotation matrix of a unit quaternion.</summary>
    public static Tensor RotationMatrices(Tensor quaternions)
    {
        int n = quaternions.Shape[0];
        var q = quaternions / Op.Sqrt(Op.Sum(Op.Square(quaternions), 1, keepDims: true));
        Tensor C(int k) => Op.Reshape(Op.Slice(q, 1, k, 1), n);
        var (w, x, y, z) = (C(0), C(1), C(2), C(3));
        var entries = new[]
        {
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
        };
        return Op.Reshape(Op.Stack(entries, 1), n, 3, 3);
    }

    /// <summary>Σ = R S Sᵀ Rᵀ [N, 3, 3] with S = diag(exp(log-scales)): symmetric positive definite by construction.</summary>
    public static Tensor Covariances(Tensor quaternions, Tensor logScales)
    {
        var m = RotationMatrices(quaternions) * Op.Unsqueeze(Op.Exp(logScales), 1);   // R S: column j scaled by s_j, [N, 3, 3]
        return Op.MatMul(m, m, transB: true);
    }

    public Tensor Covariances() => Covariances(Rotations, LogScales);

    /// <summary>The low-pass filter of the paper: 0.3 px² added to Σ′'s diagonal, so every splat covers about a pixel.</summary>
    public const double Dilation = 0.3;

    /// <summary>
    /// The splats a camera sees (§8.3 "use camera params. to project ('splat') Gaussians to 2D"): centres μ′ = π(W μ + t)
    /// [N, 2], covariances Σ′ = J W Σ Wᵀ Jᵀ (+ <see cref="Dilation"/>·I) as (a, b, c) [N, 3], and camera depths [N].
    /// J = ∂π/∂q = [[f/z, 0, −f x/z²], [0, f/z, −f y/z²]] linearises the perspective projection π at the camera-space
    /// centre q = (x, y, z) (the EWA splatting approximation: a Gaussian stays a Gaussian under an affine map).
    /// </summary>
    public static (Tensor Means2d, Tensor Cov2d, double[] Depth) Project(Tensor means, Tensor covariances, Camera camera)
    {
        int n = means.Shape[0];
        var w = Tensor.FromArray(camera.Rotation, 3, 3).To(means.DType);
        var t = Tensor.FromArray([camera.Translation.X, camera.Translation.Y, camera.Translation.Z]).To(means.DType);
        var q = Op.MatMul(means, w, transB: true) + t;                                   // [N, 3] camera coordinates
        Tensor C(int k) => Op.Reshape(Op.Slice(q, 1, k, 1), n);
        var (x, y, z) = (C(0), C(1), C(2));
        double f = camera.Focal;
        var u = x / z * f + camera.Cx;
        var v = y / z * f + camera.Cy;
        var zero = Tensor.ZerosLike(z);
        var fz = f / z;
        var j = Op.Reshape(Op.Stack([fz, zero, -fz * x / z, zero, fz, -fz * y / z], 1), n, 2, 3);   // J [N, 2, 3]
        var jw = Op.MatMul(j, w);                                                        // J W [N, 2, 3]
        var sigma2d = Op.MatMul(Op.MatMul(jw, covariances), jw, transB: true);          // J W Σ Wᵀ Jᵀ [N, 2, 2]
        var flat = Op.Reshape(sigma2d, n, 4);
        var cov = Op.Concat([Op.Slice(flat, 1, 0, 2), Op.Slice(flat, 1, 3, 1)], 1)     // (a, b, c)
                  + Tensor.FromArray([Dilation, 0, Dilation]).To(means.DType);
        return (Op.Stack([u, v], 1), cov, z.ToDoubleArray());
    }

    /// <summary>The image [3, H, W] the camera sees: project, then rasterize (<see cref="SplatRasterizer.Render"/>). Differentiable in all five parameters.</summary>
    public Tensor Render(Camera camera, double[] background, SplatSettings? settings = null)
    {
        var (m2, c2, depth) = Project(Means, Covariances(), camera);
        return SplatRasterizer.Render(m2, c2, Op.Sigmoid(OpacityLogits), Op.Sigmoid(ColourLogits), depth, background,
            settings ?? new SplatSettings(camera.Width, camera.Height));
    }

    /// <summary>The render and the projected centres [N, 2] (their gradient is the screen-space statistic of density control).</summary>
    public (Tensor Image, Tensor Means2d) RenderWithScreenMeans(Camera camera, double[] background, SplatSettings? settings = null)
    {
        var (m2, c2, depth) = Project(Means, Covariances(), camera);
        var image = SplatRasterizer.Render(m2, c2, Op.Sigmoid(OpacityLogits), Op.Sigmoid(ColourLogits), depth, background,
            settings ?? new SplatSettings(camera.Width, camera.Height));
        return (image, m2);
    }

    /// <summary>One round of <see cref="AdaptiveDensityControl"/>: a new cloud (new leaves; make a new optimiser).</summary>
    public (GaussianCloud Cloud, DensityChange Change) Densify(double[] gradientNorm, DensitySettings settings, Rng rng)
    {
        var (p, change) = AdaptiveDensityControl.Apply(Parameters, 3, gradientNorm, settings, Sample, rng);
        return (new GaussianCloud(p[0], p[1], p[2], p[3], p[4]), change);
    }

    /// <summary>A point drawn from Gaussian i, N(μ_i, Σ_i) = μ_i + R_i S_i ε (where split Gaussians put their two halves).</summary>
    public double[] Sample(int i, Rng rng)
    {
        var r = RotationMatrices(Op.Slice(Rotations.Detach(), 0, i, 1)).ToDoubleArray();
        var s = Op.Exp(Op.Slice(LogScales.Detach(), 0, i, 1)).ToDoubleArray();
        var m = Op.Slice(Means.Detach(), 0, i, 1).ToDoubleArray();
        double[] e = [rng.NextNormal() * s[0], rng.NextNormal() * s[1], rng.NextNormal() * s[2]];
        return [m[0] + r[0] * e[0] + r[1] * e[1] + r[2] * e[2], m[1] + r[3] * e[0] + r[4] * e[1] + r[5] * e[2], m[2] + r[6] * e[0] + r[7] * e[1] + r[8] * e[2]];
    }
}

/// <summary>
/// N 2-D Gaussians that paint an image directly (the 2-D warm-up of §8.3): centres [N, 2] (pixels), log-scales [N, 2],
/// an angle [N] (Σ = R(θ) diag(s₁², s₂²) R(θ)ᵀ), opacity logits [N] and colour logits [N, 3]. They composite in a
/// fixed order (index = depth), through the same rasterizer as the 3-D splats.
/// </summary>
public sealed class GaussianImage
{
    public Tensor Means { get; }          // [N, 2]
    public Tensor LogScales { get; }      // [N, 2]
    public Tensor Angles { get; }         // [N]
    public Tensor OpacityLogits { get; }  // [N]
    public Tensor ColourLogits { get; }   // [N, 3]

    public GaussianImage(Tensor means, Tensor logScales, Tensor angles, Tensor opacityLogits, Tensor colourLogits)
    {
        int n = means.Shape[0];
        if (means.Rank != 2 || means.Shape[1] != 2 || !logScales.Shape.Equals(means.Shape) || angles.Rank != 1 || angles.Shape[0] != n
            || !opacityLogits.Shape.Equals(angles.Shape) || colourLogits.Rank != 2 || colourLogits.Shape[0] != n || colourLogits.Shape[1] != 3)
            throw new ArgumentException($"GaussianImage: expected means, log-scales [N, 2], angles, opacities [N], colours [N, 3]; got {means.Shape}, {logScales.Shape}, {angles.Shape}, {opacityLogits.Shape}, {colourLogits.Shape}");
        (Means, LogScales, Angles, OpacityLogits, ColourLogits) = (means, logScales, angles, opacityLogits, colourLogits);
    }

    public int Count => Means.Shape[0];
    public Tensor[] Parameters => [Means, LogScales, Angles, OpacityLogits, ColourLogits];

    /// <summary>N Gaussians at uniform random positions over a width × height image, round with the given scale (pixels), half opaque, grey.</summary>
    public static GaussianImage Random(int n, int width, int height, double scale, Rng rng, DType dtype = DType.Float32)
    {
        var means = new double[2 * n];
        for (int i = 0; i < n; i++) (means[2 * i], means[2 * i + 1]) = (width * rng.NextDouble(), height * rng.NextDouble());
        return new GaussianImage(Tensor.FromArray(means, n, 2).To(dtype).RequireGrad(), Tensor.Full([n, 2], Math.Log(scale), dtype).RequireGrad(),
            rng.Uniform([n], 0, Math.PI, dtype).RequireGrad(), Tensor.Zeros([n], dtype).RequireGrad(), Tensor.Zeros([n, 3], dtype).RequireGrad());
    }

    /// <summary>Σ as (a, b, c) [N, 3]: a = cos²θ s₁² + sin²θ s₂², b = cosθ sinθ (s₁² − s₂²), c = sin²θ s₁² + cos²θ s₂².</summary>
    public Tensor Covariances()
    {
        int n = Count;
        var s2 = Op.Exp(2 * LogScales);
        var (s1, s2b) = (Op.Reshape(Op.Slice(s2, 1, 0, 1), n), Op.Reshape(Op.Slice(s2, 1, 1, 1), n));
        var (c, s) = (Op.Cos(Angles), Op.Sin(Angles));
        return Op.Stack([c * c * s1 + s * s * s2b, c * s * (s1 - s2b), s * s * s1 + c * c * s2b], 1);
    }

    public Tensor Render(SplatSettings settings, double[] background)
    {
        var depth = Enumerable.Range(1, Count).Select(i => (double)i).ToArray();
        return SplatRasterizer.Render(Means, Covariances(), Op.Sigmoid(OpacityLogits), Op.Sigmoid(ColourLogits), depth, background, settings);
    }

    /// <summary>One round of <see cref="AdaptiveDensityControl"/> (scales in pixels): a new set of leaves.</summary>
    public (GaussianImage Image, DensityChange Change) Densify(double[] gradientNorm, DensitySettings settings, Rng rng)
    {
        var (p, change) = AdaptiveDensityControl.Apply(Parameters, 3, gradientNorm, settings, Sample, rng);
        return (new GaussianImage(p[0], p[1], p[2], p[3], p[4]), change);
    }

    /// <summary>A point drawn from Gaussian i (pixels).</summary>
    public double[] Sample(int i, Rng rng)
    {
        var m = Op.Slice(Means.Detach(), 0, i, 1).ToDoubleArray();
        var s = Op.Exp(Op.Slice(LogScales.Detach(), 0, i, 1)).ToDoubleArray();
        double a = Op.Slice(Angles.Detach(), 0, i, 1).Item(), e1 = rng.NextNormal() * s[0], e2 = rng.NextNormal() * s[1];
        return [m[0] + Math.Cos(a) * e1 - Math.Sin(a) * e2, m[1] + Math.Sin(a) * e1 + Math.Cos(a) * e2];
    }
}
