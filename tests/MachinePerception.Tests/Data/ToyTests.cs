using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Data;

public class ToyTests
{
    static double[][] Rows(Tensor t)
    {
        Assert.Equal(2, t.Rank);
        return t.ToJagged();
    }

    static double Norm(double x, double y) => Math.Sqrt(x * x + y * y);

    [Fact]
    public void Two_moons_lie_on_their_half_circles_with_balanced_labels()
    {
        var m = Toy.TwoMoons(101, new Rng(1), noise: 0, dtype: DType.Float64);
        Assert.Equal([101, 2], m.Points.Shape.ToArray());
        Assert.Equal(51, m.Labels.Count(l => l == 0));
        Assert.Equal(50, m.Labels.Count(l => l == 1));
        var p = Rows(m.Points);
        for (int i = 0; i < p.Length; i++)
        {
            if (m.Labels[i] == 0) { Assert.Equal(1, Norm(p[i][0], p[i][1]), 12); Assert.True(p[i][1] >= 0); }
            else { Assert.Equal(1, Norm(p[i][0] - 1, p[i][1] - 0.5), 12); Assert.True(p[i][1] <= 0.5); }
        }
    }

    [Fact]
    public void Generators_are_reproducible_from_the_seed_and_float32_is_the_rounded_float64()
    {
        var a = Toy.TwoMoons(20, new Rng(9), dtype: DType.Float64).Points.ToDoubleArray();
        var b = Toy.TwoMoons(20, new Rng(9), dtype: DType.Float64).Points.ToDoubleArray();
        var c = Toy.TwoMoons(20, new Rng(10), dtype: DType.Float64).Points.ToDoubleArray();
        var f = Toy.TwoMoons(20, new Rng(9));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(DType.Float32, f.Points.DType);
        Assert.Equal(a.Select(v => (float)v), f.Points.ToFloatArray());

        Assert.Equal(Toy.SwissRoll3D(30, new Rng(4)).Position, Toy.SwissRoll3D(30, new Rng(4)).Position);
        Assert.Equal(Toy.RingOfGaussians(30, new Rng(4)).Labels, Toy.RingOfGaussians(30, new Rng(4)).Labels);
        Assert.Equal(Toy.GaussianMixture(30, new Rng(4), [[0.0], [5.0]]).Points.ToFloatArray(),
                     Toy.GaussianMixture(30, new Rng(4), [[0.0], [5.0]]).Points.ToFloatArray());
    }

    [Fact]
    public void Concentric_rings_have_their_radii()
    {
        var exact = Toy.ConcentricRings(60, new Rng(2), [0.5, 1.0, 2.0], noise: 0, dtype: DType.Float64);
        var p = Rows(exact.Points);
        double[] radii = [0.5, 1.0, 2.0];
        for (int i = 0; i < p.Length; i++) Assert.Equal(radii[exact.Labels[i]], Norm(p[i][0], p[i][1]), 12);
        Assert.All(new[] { 0, 1, 2 }, k => Assert.Equal(20, exact.Labels.Count(l => l == k)));

        // with noise σ = 0.05 the mean radius of each ring stays within a few σ/√n of its radius
        var noisy = Toy.ConcentricRings(2000, new Rng(3));
        var q = Rows(noisy.Points);
        for (int k = 0; k < 2; k++)
        {
            double mean = Enumerable.Range(0, q.Length).Where(i => noisy.Labels[i] == k).Average(i => Norm(q[i][0], q[i][1]));
            Assert.Equal(k == 0 ? 0.5 : 1.0, mean, 0.01);
        }
    }

    [Fact]
    public void Swiss_rolls_have_radius_equal_to_their_position()
    {
        var flat = Toy.SwissRoll2D(200, new Rng(5), dtype: DType.Float64);
        Assert.Equal([200, 2], flat.Points.Shape.ToArray());
        var p = Rows(flat.Points);
        for (int i = 0; i < p.Length; i++)
        {
            Assert.InRange(flat.Position[i], 1.5 * Math.PI, 4.5 * Math.PI);
            Assert.Equal(flat.Position[i], Norm(p[i][0], p[i][1]), 12);
        }

        var roll = Toy.SwissRoll3D(200, new Rng(5), height: 10, dtype: DType.Float64);
        Assert.Equal([200, 3], roll.Points.Shape.ToArray());
        var q = Rows(roll.Points);
        for (int i = 0; i < q.Length; i++)
        {
            Assert.Equal(roll.Position[i], Norm(q[i][0], q[i][2]), 12);
            Assert.InRange(q[i][1], 0, 10);
        }
        Assert.InRange(roll.Position.Average(), 3 * Math.PI - 0.5, 3 * Math.PI + 0.5); // mean of U[1.5π, 4.5π]
    }

    [Fact]
    public void Gaussian_mixture_matches_its_weights_means_and_covariances()
    {
        double[][] means = [[0, 0], [4, -2]];
        double[][,] covs = [new double[,] { { 1, 0.6 }, { 0.6, 0.5 } }, new double[,] { { 0.2, 0 }, { 0, 2 } }];
        int n = 20000;
        var g = Toy.GaussianMixture(n, new Rng(11), means, covs, weights: [0.25, 0.75], dtype: DType.Float64);
        Assert.Equal([n, 2], g.Points.Shape.ToArray());
        var p = Rows(g.Points);
        Assert.Equal(0.25, g.Labels.Count(l => l == 0) / (double)n, 0.015); // binomial σ ≈ 0.003
        for (int k = 0; k < 2; k++)
        {
            var x = Enumerable.Range(0, n).Where(i => g.Labels[i] == k).Select(i => p[i]).ToArray();
            double mx = x.Average(v => v[0]), my = x.Average(v => v[1]);
            Assert.Equal(means[k][0], mx, 0.05);
            Assert.Equal(means[k][1], my, 0.05);
            double cxx = x.Average(v => (v[0] - mx) * (v[0] - mx)), cxy = x.Average(v => (v[0] - mx) * (v[1] - my)),
                   cyy = x.Average(v => (v[1] - my) * (v[1] - my));
            Assert.Equal(covs[k][0, 0], cxx, 0.06);
            Assert.Equal(covs[k][0, 1], cxy, 0.06);
            Assert.Equal(covs[k][1, 1], cyy, 0.1);
        }
    }

    [Fact]
    public void Mixture_log_density_matches_closed_forms_and_integrates_to_one()
    {
        // 1-D: w₁N(μ₁, σ₁²) + w₂N(μ₂, σ₂²) written out with MathNet's normal density (unnormalized weights 1 : 3)
        double[] xs = [-3, -0.5, 0, 0.7, 2, 9];
        var d1 = Toy.GaussianMixtureLogDensity(Tensor.FromArray(xs, 6, 1), [[0.0], [2.0]],
            [new double[,] { { 0.25 } }, new double[,] { { 4 } }], weights: [1, 3]);
        for (int i = 0; i < xs.Length; i++)
        {
            double reference = Math.Log(0.25 * MathNet.Numerics.Distributions.Normal.PDF(0, 0.5, xs[i])
                                      + 0.75 * MathNet.Numerics.Distributions.Normal.PDF(2, 2, xs[i]));
            Assert.Equal(reference, d1[i], 12);
        }

        // 2-D, one component: the 2×2 inverse and determinant by hand, no Cholesky
        double a = 2, b = 0.7, c = 1; // Σ = [[a, b], [b, c]]
        double det = a * c - b * b;
        double[] point = [1.3, -0.4], mu = [0.5, 0.2];
        double dx = point[0] - mu[0], dy = point[1] - mu[1];
        double quad = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
        double expected = -0.5 * quad - 0.5 * Math.Log(det) - Math.Log(2 * Math.PI);
        var d2 = Toy.GaussianMixtureLogDensity(Tensor.FromArray(point, 1, 2), [mu], [new double[,] { { a, b }, { b, c } }]);
        Assert.Equal(expected, d2[0], 12);

        // a 2-D mixture integrates to 1 (midpoint rule on [−10, 10]², step 0.1: exponentially accurate for a smooth,
        // fast-decaying density; the widest tail, y of N(1, 2) beyond 10, is 6.4σ out: mass ≈ 1e-10)
        double[][] means = [[-1, 0], [2, 1]];
        double[][,] covs = [new double[,] { { 1, 0.6 }, { 0.6, 0.5 } }, new double[,] { { 0.3, 0 }, { 0, 2 } }];
        double h = 0.1;
        int m = 200;
        var grid = new double[m * m * 2];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                grid[(i * m + j) * 2] = -10 + h * (i + 0.5);
                grid[(i * m + j) * 2 + 1] = -10 + h * (j + 0.5);
            }
        var logp = Toy.GaussianMixtureLogDensity(Tensor.FromArray(grid, m * m, 2), means, covs, [0.4, 0.6]);
        Assert.Equal(1.0, logp.Sum(Math.Exp) * h * h, 8);

        // far from every mode the log-sum-exp keeps the value finite: log N(x; 0, 1) at x = (40, 0) = −800 − log 2π
        var far = Toy.GaussianMixtureLogDensity(Tensor.FromArray(new[] { 40.0, 0 }, 1, 2), [[0.0, 0]]);
        Assert.Equal(-800 - Math.Log(2 * Math.PI), far[0], 9);
    }

    [Fact]
    public void Gaussian_mixture_rejects_bad_covariances()
    {
        var e = Assert.Throws<ArgumentException>(() => Toy.GaussianMixture(5, new Rng(1), [[0.0, 0]], [new double[,] { { 1, 2 }, { 2, 1 } }]));
        Assert.StartsWith("GaussianMixture: covariance 0 is not positive definite", e.Message);
        e = Assert.Throws<ArgumentException>(() => Toy.GaussianMixture(5, new Rng(1), [[0.0, 0]], [new double[,] { { 1, 0.5 }, { 0, 1 } }]));
        Assert.StartsWith("GaussianMixture: covariance 0 is not symmetric", e.Message);
        e = Assert.Throws<ArgumentException>(() => Toy.GaussianMixture(5, new Rng(1), [[0.0, 0], [1.0]]));
        Assert.StartsWith("GaussianMixture: means have lengths [2, 1]", e.Message);
    }

    [Fact]
    public void Ring_of_gaussians_covers_every_mode_and_count_modes_sees_collapse()
    {
        var ring = Toy.RingOfGaussians(4000, new Rng(6), modes: 8, radius: 2, std: 0.02);
        var p = Rows(ring.Points);
        var centers = Toy.RingCenters(8, 2);
        for (int i = 0; i < p.Length; i++)
            Assert.True(Norm(p[i][0] - centers[ring.Labels[i]][0], p[i][1] - centers[ring.Labels[i]][1]) < 0.02 * 6);
        for (int k = 0; k < 8; k++) Assert.InRange(ring.Labels.Count(l => l == k), 500 - 90, 500 + 90); // ±4 binomial σ

        var all = Toy.CountModes(ring.Points, 8, 2, 0.02);
        Assert.Equal(8, all.Covered);
        Assert.True(all.HighQualityFraction > 0.98); // 3σ in 2-D holds 1 − e^{−4.5} ≈ 98.9%

        // a "collapsed generator" that only produces modes 0, 1 and 5, plus far-off junk
        var collapsed = Enumerable.Range(0, 300).SelectMany(i =>
        {
            var c = centers[new[] { 0, 1, 5 }[i % 3]];
            return i % 10 == 9 ? new[] { 0.0, 0.0 } : c;
        }).ToArray();
        var cov = Toy.CountModes(Tensor.FromArray(collapsed, 300, 2), 8, 2, 0.02);
        Assert.Equal(3, cov.Covered);
        Assert.Equal(0.9, cov.HighQualityFraction, 12);
        Assert.Equal(0, cov.PerMode[2]);
    }

    [Fact]
    public void Xor_is_the_truth_table_and_labels_follow_the_signs()
    {
        var t = Toy.Xor(4, new Rng(0), dtype: DType.Float64);
        Assert.Equal([[-1.0, -1], [-1, 1], [1, -1], [1, 1]], Rows(t.Points));
        Assert.Equal([0, 1, 1, 0], t.Labels);

        var noisy = Toy.Xor(400, new Rng(1), noise: 0.2);
        var p = Rows(noisy.Points);
        int agree = Enumerable.Range(0, 400).Count(i => (p[i][0] * p[i][1] < 0 ? 1 : 0) == noisy.Labels[i]);
        Assert.InRange(agree, 390, 400); // a sign flips with probability Φ(−5) per coordinate
        Assert.Equal(200, noisy.Labels.Sum());
    }

    [Fact]
    public void Blobs_are_centred_on_their_centres()
    {
        double[][] centers = [[0, 0, 0], [3, 3, 3], [-3, 0, 3]];
        var b = Toy.Blobs(3000, new Rng(8), centers, std: 0.5, dtype: DType.Float64);
        Assert.Equal([3000, 3], b.Points.Shape.ToArray());
        var p = Rows(b.Points);
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(centers[k][j], Enumerable.Range(0, 3000).Where(i => b.Labels[i] == k).Average(i => p[i][j]), 0.05);
    }

    [Theory]
    [InlineData(2, 0.5)]
    [InlineData(5, 1.0)]
    public void Linearly_separable_classes_keep_their_margin(int dim, double margin)
    {
        var s = Toy.LinearlySeparable(500, new Rng(12), margin, dim, DType.Float64);
        Assert.Equal([500, dim], s.Points.Shape.ToArray());
        Assert.Equal(250, s.Labels.Sum());
        var p = Rows(s.Points);
        double w = 1 / Math.Sqrt(dim);
        for (int i = 0; i < p.Length; i++)
        {
            double signedDistance = p[i].Sum() * w * (s.Labels[i] == 1 ? 1 : -1);
            Assert.True(signedDistance >= margin / 2, $"point {i} is {signedDistance} from the hyperplane");
        }
    }

    [Fact]
    public void Function_samples_are_sorted_and_follow_the_function()
    {
        var exact = Toy.Function1D(50, new Rng(13), Math.Sin, -3, 3, dtype: DType.Float64);
        var x = exact.X.ToDoubleArray();
        var y = exact.Y.ToDoubleArray();
        Assert.Equal([50, 1], exact.X.Shape.ToArray());
        Assert.Equal(x.Order(), x);
        Assert.All(x, v => Assert.InRange(v, -3, 3));
        for (int i = 0; i < 50; i++) Assert.Equal(Math.Sin(x[i]), y[i]);

        var noisy = Toy.Function1D(4000, new Rng(14), v => v * v, noise: 0.3, dtype: DType.Float64);
        var nx = noisy.X.ToDoubleArray();
        var ny = noisy.Y.ToDoubleArray();
        double residualStd = Math.Sqrt(Enumerable.Range(0, 4000).Average(i => Math.Pow(ny[i] - nx[i] * nx[i], 2)));
        Assert.Equal(0.3, residualStd, 0.015);
    }

    [Fact]
    public void Bad_arguments_name_the_generator()
    {
        Assert.StartsWith("TwoMoons: n = 0", Assert.Throws<ArgumentException>(() => Toy.TwoMoons(0, new Rng(1))).Message);
        Assert.StartsWith("Xor: noise = -1", Assert.Throws<ArgumentException>(() => Toy.Xor(4, new Rng(1), -1)).Message);
        Assert.StartsWith("Function1D: interval [1, 1]", Assert.Throws<ArgumentException>(() => Toy.Function1D(4, new Rng(1), Math.Sin, 1, 1)).Message);
        Assert.StartsWith("CountModes: samples must be [N, 2]", Assert.Throws<ArgumentException>(() => Toy.CountModes(Tensor.Zeros(new Shape(3, 3)))).Message);
    }
}
