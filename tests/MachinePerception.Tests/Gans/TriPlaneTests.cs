using MachinePerception.Checks;
using MachinePerception.Gans;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class TriPlaneTests
{
    [Fact]
    public void Bilinear_sampling_hits_texel_centres_exactly_and_is_bilinear_in_between()
    {
        var rng = new Rng(1);
        var plane = rng.Normal([2, 5, 5], dtype: DType.Float64);
        var p = plane.ToDoubleArray();
        double At(int c, int i, int j) => p[(c * 5 + i) * 5 + j];
        // texel (i, j) sits at u = −1 + i/2, v = −1 + j/2 for R = 5
        var centres = Tensor.FromArray(new[] { -1.0, -1.0, 0.5, 0.0, 1.0, 1.0 }, 3, 2);
        var s = TriPlane.BilinearSample(plane, centres).ToDoubleArray();
        Assert.Equal(At(0, 0, 0), s[0], 14);
        Assert.Equal(At(1, 3, 2), s[3], 14);
        Assert.Equal(At(0, 4, 4), s[4], 14);
        // a point a quarter of the way in both directions inside cell (1, 2)
        var inside = TriPlane.BilinearSample(plane, Tensor.FromArray(new[] { -0.5 + 0.125, 0.125 }, 1, 2)).ToDoubleArray();
        double expected = 0.75 * 0.75 * At(0, 1, 2) + 0.25 * 0.75 * At(0, 2, 2) + 0.75 * 0.25 * At(0, 1, 3) + 0.25 * 0.25 * At(0, 2, 3);
        Assert.Equal(expected, inside[0], 13);
    }

    [Fact]
    public void Features_are_the_sum_of_the_three_plane_samples_and_all_gradients_match_finite_differences()
    {
        var rng = new Rng(2);
        var tri = new TriPlane(3, 6, 5, rng, DType.Float64);
        // points away from texel edges (the derivative in the point jumps there): texel coordinate (u + 1)·2.5 = n + f, f ∈ [0.3, 0.7]
        var pts = Tensor.FromArray(Enumerable.Range(0, 21).Select(_ => (rng.NextInt(5) + 0.3 + 0.4 * rng.NextDouble()) / 2.5 - 1).ToArray(), 7, 3);
        var f = tri.Features(pts);
        var manual = Enumerable.Range(0, 3).Select(k =>
        {
            var (u, v) = TriPlane.PlaneAxes[k];
            return TriPlane.BilinearSample(Op.Index(tri.Planes, 0, k), Op.Concat([Op.Slice(pts, 1, u, 1), Op.Slice(pts, 1, v, 1)], 1));
        }).Aggregate((a, b) => a + b);
        Assert.True(Op.Max(Op.Abs(f - manual)).Item() < 1e-14);
        var leaf = pts.Detach().Clone().RequireGrad();
        var r = GradCheck.RunOn(() => { var (d, c) = tri.Query(leaf); return Op.Concat([Op.Unsqueeze(d, 1), c], 1); }, [.. tri.Parameters(), leaf]);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Compositing_matches_the_product_of_transmittances_and_its_gradient_matches_finite_differences()
    {
        var rng = new Rng(3);
        var sigma = rng.Uniform([4, 6], 0, 3, DType.Float64);
        var values = rng.Uniform([4, 6, 3], 0, 1, DType.Float64);
        var background = Tensor.FromArray(new[] { 1.0, 0.5, 0.2 }, 3);
        var c = RayRendering.Composite(sigma, values, 0.2, background).ToDoubleArray();
        var s = sigma.ToDoubleArray();
        var v = values.ToDoubleArray();
        for (int r = 0; r < 4; r++)
            for (int k = 0; k < 3; k++)
            {
                double t = 1, sum = 0;
                for (int i = 0; i < 6; i++)
                {
                    double alpha = 1 - Math.Exp(-s[r * 6 + i] * 0.2);
                    sum += t * alpha * v[(r * 6 + i) * 3 + k];
                    t *= 1 - alpha;
                }
                Assert.Equal(sum + t * background[k], c[r * 3 + k], 12);
            }
        Assert.True(GradCheck.Run(x => RayRendering.Composite(x[0], x[1], 0.2, background), [sigma, values]).Passed);
    }

    [Fact]
    public void Camera_rays_start_at_the_eye_and_the_centre_ray_points_at_the_origin()
    {
        var (origins, directions) = RayRendering.CameraRays(5, 0.7, 0.3, 3, 0.8);
        var o = origins.ToDoubleArray();
        var d = directions.ToDoubleArray();
        int centre = 12 * 3;   // pixel (2, 2) of 5×5
        Assert.Equal(3, Math.Sqrt(o[0] * o[0] + o[1] * o[1] + o[2] * o[2]), 12);
        for (int a = 0; a < 3; a++) Assert.Equal(-o[a] / 3, d[centre + a], 12);
        Assert.Equal(1, Math.Sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), 12);
    }
}
