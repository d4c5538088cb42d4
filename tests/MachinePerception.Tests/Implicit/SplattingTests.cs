using MachinePerception.Checks;
using MachinePerception.Geometry;
using MachinePerception.Implicit;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Implicit;

public class SplattingTests
{
    static (Tensor Means, Tensor Cov, Tensor Opacity, Tensor Colours, double[] Depth) RandomSplats(int n, int w, int h, int seed)
    {
        var rng = new Rng(seed);
        var means = new double[2 * n];
        var cov = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            (means[2 * i], means[2 * i + 1]) = (1 + rng.NextDouble() * (w - 2), 1 + rng.NextDouble() * (h - 2));
            double a = 1.5 + 3 * rng.NextDouble(), c = 1.5 + 3 * rng.NextDouble(), b = (rng.NextDouble() - 0.5) * Math.Sqrt(a * c);
            (cov[3 * i], cov[3 * i + 1], cov[3 * i + 2]) = (a, b, c);
        }
        return (Tensor.FromArray(means, n, 2), Tensor.FromArray(cov, n, 3), rng.Uniform([n], 0.2, 0.8, DType.Float64),
            rng.Uniform([n, 3], 0, 1, DType.Float64), Enumerable.Range(0, n).Select(_ => 1 + rng.NextDouble()).ToArray());
    }

    [Fact]
    public void One_splat_composites_alpha_times_colour_over_the_background()
    {
        var image = SplatRasterizer.Render(Tensor.FromArray([3.5, 2.5], 1, 2), Tensor.FromArray([2.0, 0.5, 1.0], 1, 3), Tensor.FromArray([0.8], 1),
            Tensor.FromArray([1.0, 0.0, 0.0], 1, 3), [1.0], [0, 0, 1], SplatSettings.Exact(6, 5));
        // pixel (5, 1): centre (5.5, 1.5), d = (2, −1); Σ⁻¹ = [[1, −0.5], [−0.5, 2]]/1.75
        double q = (2 * 2 * 1 + 2 * 2 * -1 * -0.5 + 1 * 2) / 1.75, alpha = 0.8 * Math.Exp(-0.5 * q);
        Assert.Equal(alpha, image[0, 1, 5], 14);
        Assert.Equal(1 - alpha, image[2, 1, 5], 14);
    }

    [Fact]
    public void Nearer_splats_cover_farther_ones_whatever_their_index()
    {
        var settings = new SplatSettings(8, 8);
        var means = Tensor.FromArray([4.0, 4.0, 4.0, 4.0], 2, 2);
        var cov = Tensor.FromArray([4.0, 0, 4.0, 4.0, 0, 4.0], 2, 3);
        var opacity = Tensor.FromArray([0.9, 0.9]);
        var colours = Tensor.FromArray([1.0, 0, 0, 0, 1.0, 0], 2, 3);
        var redInFront = SplatRasterizer.Render(means, cov, opacity, colours, [1, 2], [1, 1, 1], settings);
        var greenInFront = SplatRasterizer.Render(means, cov, opacity, colours, [2, 1], [1, 1, 1], settings);
        Assert.True(redInFront[0, 4, 4] > 0.85 && greenInFront[1, 4, 4] > 0.85);
        var behind = SplatRasterizer.Render(means, cov, opacity, colours, [-1, double.NaN], [1, 1, 1], settings);
        Assert.Equal(1.0, behind[0, 4, 4]);   // behind the camera: not drawn
    }

    [Fact]
    public void Rasterizer_gradients_pass_the_float64_check()
    {
        var (m, c, o, col, depth) = RandomSplats(7, 12, 10, 5);
        var r = GradCheck.Run(x => SplatRasterizer.Render(x[0], x[1], x[2], x[3], depth, [0.2, 0.5, 0.9], SplatSettings.Exact(12, 10)), [m, c, o, col]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Tiles_and_thresholds_change_the_image_only_by_what_they_cut()
    {
        var (m, c, o, col, depth) = RandomSplats(40, 40, 36, 6);
        var exact = SplatRasterizer.Render(m, c, o, col, depth, [1, 1, 1], SplatSettings.Exact(40, 36));
        var tiled = SplatRasterizer.Render(m, c, o, col, depth, [1, 1, 1], new SplatSettings(40, 36, TileSize: 8));
        Assert.True(Op.Max(Op.Abs(exact - tiled)).Item() < 0.03);
    }

    [Fact]
    public void Covariance_from_quaternion_and_scales_is_r_s_squared_r_transpose()
    {
        var q = Tensor.FromArray([0.9, 0.2, -0.3, 0.4], 1, 4);
        var logS = Tensor.FromArray([Math.Log(0.5), Math.Log(0.2), Math.Log(1.3)], 1, 3);
        var sigma = GaussianCloud.Covariances(q, logS).ToDoubleArray();
        var r = GaussianCloud.RotationMatrices(q).ToDoubleArray();
        double[] s2 = [0.25, 0.04, 1.69];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(Enumerable.Range(0, 3).Sum(k => r[3 * i + k] * s2[k] * r[3 * j + k]), sigma[3 * i + j], 13);
        // R is a rotation: RᵀR = I
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(i == j ? 1 : 0, Enumerable.Range(0, 3).Sum(k => r[3 * k + i] * r[3 * k + j]), 13);
    }

    [Fact]
    public void Projection_of_an_axis_aligned_gaussian_in_front_of_the_camera_is_f_over_z_squared_times_its_covariance()
    {
        // camera at the origin looking down +z (W = I, t = 0), focal 50, 64×64
        var camera = new Camera([1, 0, 0, 0, 1, 0, 0, 0, 1], default, 50, 64, 64);
        var means = Tensor.FromArray([0.0, 0.0, 2.0], 1, 3);
        var cov = Tensor.FromArray(new double[,] { { 0.01, 0, 0 }, { 0, 0.04, 0 }, { 0, 0, 0.09 } });
        var (m2, c2, depth) = GaussianCloud.Project(means, Op.Reshape(cov, 1, 3, 3), camera);
        Assert.Equal(32, m2[0, 0], 12);
        Assert.Equal(2, depth[0]);
        double k = 50.0 / 2 * (50.0 / 2);                                       // (f/z)²
        Assert.Equal(k * 0.01 + GaussianCloud.Dilation, c2[0, 0], 12);
        Assert.Equal(0, c2[0, 1], 12);
        Assert.Equal(k * 0.04 + GaussianCloud.Dilation, c2[0, 2], 12);
    }

    [Fact]
    public void Projected_covariance_matches_the_covariance_of_projected_samples_for_a_small_gaussian()
    {
        var camera = Camera.LookAt(new Vec3(3, -2, 1), default, 64, 64, 40);
        var q = Tensor.FromArray([0.8, 0.3, 0.1, -0.5], 1, 4);
        var logS = Tensor.FromArray([Math.Log(0.02), Math.Log(0.01), Math.Log(0.03)], 1, 3);
        var mean = Tensor.FromArray([0.2, 0.1, -0.1], 1, 3);
        var (_, c2, _) = GaussianCloud.Project(mean, GaussianCloud.Covariances(q, logS), camera);
        var cloud = new GaussianCloud(mean, logS, q, Tensor.Zeros([1], DType.Float64), Tensor.Zeros([1, 3], DType.Float64));
        var rng = new Rng(3);
        const int n = 200_000;
        double su = 0, sv = 0, suu = 0, suv = 0, svv = 0;
        for (int i = 0; i < n; i++)
        {
            var p = cloud.Sample(0, rng);
            var (u, v, _) = camera.Project(new Vec3(p[0], p[1], p[2]));
            (su, sv, suu, suv, svv) = (su + u, sv + v, suu + u * u, suv + u * v, svv + v * v);
        }
        double a = suu / n - su / n * (su / n), b = suv / n - su / n * (sv / n), c = svv / n - sv / n * (sv / n);
        Assert.Equal(a, c2[0, 0] - GaussianCloud.Dilation, 0.02 * Math.Max(a, c));
        Assert.Equal(b, c2[0, 1], 0.02 * Math.Max(a, c));
        Assert.Equal(c, c2[0, 2] - GaussianCloud.Dilation, 0.02 * Math.Max(a, c));
    }

    [Fact]
    public void Rendering_a_cloud_is_differentiable_in_all_its_parameters_float64()
    {
        var camera = Camera.LookAt(new Vec3(0, -3, 0.5), default, 10, 8, 40);
        var cloud = GaussianCloud.Random(5, 0.5, 0.25, new Rng(9), DType.Float64);
        var settings = SplatSettings.Exact(10, 8);
        var r = GradCheck.Run(x => new GaussianCloud(x[0], x[1], x[2], x[3], x[4]).Render(camera, [1, 1, 1], settings),
            [cloud.Means, cloud.LogScales, new Rng(2).Normal([5, 4], dtype: DType.Float64), new Rng(3).Normal([5], dtype: DType.Float64), new Rng(4).Normal([5, 3], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Density_control_clones_small_splits_large_and_prunes_transparent_gaussians()
    {
        var means = Tensor.FromArray([0.0, 0, 5, 5, 9, 9, 2, 2], 4, 2);
        var logS = Tensor.FromArray([Math.Log(0.5), Math.Log(0.5), Math.Log(3), Math.Log(2), Math.Log(1), Math.Log(1), Math.Log(1), Math.Log(1)], 4, 2);
        var image = new GaussianImage(means, logS, Tensor.Zeros([4], DType.Float64), Tensor.FromArray([0.0, 0.0, -8.0, 0.0]), Tensor.Zeros([4, 3], DType.Float64));
        // large gradients on 0 (small: clone) and 1 (large: split); 2 is nearly transparent (pruned); 3 stays
        var (next, change) = image.Densify([1.0, 1.0, 1.0, 0.0], new DensitySettings(GradientThreshold: 0.5, ScaleThreshold: 1.0), new Rng(1));
        Assert.Equal(new DensityChange(4, 1, 1, 1, 5), change);
        Assert.Equal(5, next.Count);
        var scales = next.LogScales.ToDoubleArray();
        Assert.Equal(Math.Log(3) - Math.Log(1.6), scales[2], 12);        // split: the kept half shrunk, in place
        Assert.Equal(Math.Log(3) - Math.Log(1.6), scales[8], 12);        // and its second half appended last
        Assert.Equal(0, next.Means[3, 0]);                                 // the clone (appended) sits where its original is
        Assert.True(next.Means.IsLeaf && next.Means.RequiresGrad);
    }

    [Fact]
    public void Fitting_gaussians_to_an_image_raises_its_psnr()
    {
        var target = PrimitiveScene.Default().Render(Camera.LookAt(new Vec3(-2.5, -1.5, 1.5), default, 32, 32, 32), 1, 6).Image;
        var trainer = SplatTrainer.ForImage(GaussianImage.Random(100, 32, 32, 3, new Rng(1)), target, [1, 1, 1], new SplatTrainingConfig(PositionLearningRate: 0.1), 2);
        double first = trainer.Step(), last = 0;
        for (int i = 0; i < 60; i++) last = trainer.Step();
        Assert.True(ImageMetrics.PsnrFromMse(last) > ImageMetrics.PsnrFromMse(first) + 5, $"{first} → {last}");
    }
}
