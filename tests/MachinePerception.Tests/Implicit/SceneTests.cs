using MachinePerception.Geometry;
using MachinePerception.Implicit;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Implicit;

public class SceneTests
{
    [Fact]
    public void A_camera_projects_points_on_its_rays_back_to_their_pixels()
    {
        var camera = Camera.LookAt(new Vec3(2, -3, 1.5), new Vec3(0.1, 0, 0), 40, 30, 45);
        var rng = new Rng(1);
        var c = camera.Center;
        Assert.Equal(2, c.X, 12);
        for (int i = 0; i < 20; i++)
        {
            double u = 40 * rng.NextDouble(), v = 30 * rng.NextDouble(), t = 1 + 3 * rng.NextDouble();
            var (pu, pv, depth) = camera.Project(c + t * camera.Direction(u, v));
            Assert.Equal(u, pu, 9);
            Assert.Equal(v, pv, 9);
            Assert.True(depth > 0);
        }
        var (pu0, pv0, _) = camera.Project(new Vec3(0.1, 0, 0));
        Assert.Equal(20, pu0, 9);   // the target is at the image centre
        Assert.Equal(15, pv0, 9);
    }

    [Fact]
    public void Sphere_tracing_finds_the_analytic_depth_of_a_sphere_and_misses_give_white()
    {
        var scene = new PrimitiveScene([new(PrimitiveKind.Sphere, new Vec3(0, 0, 0), new Vec3(0.7, 0, 0), new Vec3(1, 0, 0))]);
        var camera = Camera.LookAt(new Vec3(0, -3, 0), default, 16, 16, 40);
        var (image, depth, hit) = scene.Render(camera, 1, 5, DType.Float64);
        var (o, d) = camera.Rays();
        for (int i = 0; i < 256; i++)
        {
            double b = o[3 * i] * d[3 * i] + o[3 * i + 1] * d[3 * i + 1] + o[3 * i + 2] * d[3 * i + 2], cc = 9 - 0.49, disc = b * b - cc;
            Assert.Equal(disc > 0, hit[i]);
            if (hit[i] && disc > 1e-3) Assert.Equal(-b - Math.Sqrt(disc), depth[i], 4);
            if (!hit[i]) Assert.Equal(1.0, image[0, i / 16, i % 16]);
        }
    }

    [Fact]
    public void Multi_view_data_lists_every_training_pixel_as_a_ray_with_its_colour()
    {
        var data = new MultiViewData(PrimitiveScene.Default(), 3, 2, 8);
        Assert.Equal(3 * 64, data.RayCount);
        var (o, d, colours) = data.Batch([64 + 9], DType.Float64);
        Assert.Equal(data.TrainImages[1][1, 1, 1], colours[0, 1]);
        var (o2, d2) = data.TrainCameras[1].Rays();
        Assert.Equal(o2[27..30], o);
        Assert.Equal(d2[27..30], d);
        Assert.Equal(2, data.TestImages.Length);
    }

    [Fact]
    public void Psnr_is_minus_ten_log10_of_the_mean_squared_error()
    {
        var a = Tensor.Zeros([3, 2, 2], DType.Float64);
        Assert.Equal(20, ImageMetrics.Psnr(a, a + 0.1), 12);
    }
}
