using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Geometry;
using MachinePerception.Implicit;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Implicit;

public class ShapeLearningTests
{
    static readonly Vec3 Lo = new(-1, -1, -1), Hi = new(1, 1, 1);

    [Fact]
    public void Generated_shapes_sit_inside_the_box_and_their_samples_carry_true_distances()
    {
        var shapes = ShapeCollection.Random(10, 1);
        Assert.Equal(ShapeCollection.Kinds, shapes.Take(5).Select(s => s.Name));
        foreach (var s in shapes)
        {
            var grid = SampledGrid.Sample(s.Sdf, Lo, Hi, 17);
            Assert.Equal(0, grid.InsideOnBoundary());
            var (points, sdf) = ShapeCollection.Samples(s, 50, new Rng(2));
            Assert.Equal(s.Sdf(new Vec3(points[30], points[31], points[32])), sdf[10]);
            var surface = ShapeCollection.SurfacePoints(s, 20, new Rng(3));
            for (int i = 0; i < 20; i++) Assert.True(Math.Abs(s.Sdf(new Vec3(surface[3 * i], surface[3 * i + 1], surface[3 * i + 2]))) < 1e-6);
        }
    }

    [Fact]
    public void IoU_and_chamfer_of_known_spheres()
    {
        var a = SampledGrid.Sample(Sdf.Sphere(0.5), Lo, Hi, 81);
        var b = SampledGrid.Sample(Sdf.Sphere(0.4), Lo, Hi, 81);
        Assert.Equal(Math.Pow(0.4 / 0.5, 3), ShapeMetrics.IoU(a, b), 0.02);      // nested balls: (r/R)³
        var mesh = MarchingCubes.Extract(Sdf.Sphere(0.5), Lo, Hi, 41);
        var truth = ShapeCollection.SurfacePoints(new GeneratedShape("ball", Sdf.Sphere(0.5)), 500, new Rng(1));
        Assert.True(ShapeMetrics.ChamferToSurface(mesh, Sdf.Sphere(0.5), truth, 2000, new Rng(2)) < 2e-3);
        var bigger = ShapeCollection.SurfacePoints(new GeneratedShape("ball", Sdf.Sphere(0.6)), 500, new Rng(1));
        Assert.Equal(0.1, ShapeMetrics.DistanceToMesh(mesh, bigger).Average(), 2e-3);
        // the grid search agrees with brute force over all triangles
        var d = ShapeMetrics.DistanceToMesh(mesh, bigger[..30]);
        for (int i = 0; i < 10; i++)
        {
            var p = new Vec3(bigger[3 * i], bigger[3 * i + 1], bigger[3 * i + 2]);
            double brute = mesh.Triangles.Min(t => (ShapeMetrics.ClosestOnTriangle(p, mesh.Vertices[t.A], mesh.Vertices[t.B], mesh.Vertices[t.C]) - p).Norm);
            Assert.Equal(brute, d[i], 12);
        }
    }

    [Fact]
    public void Occupancy_network_training_lowers_the_cross_entropy()
    {
        var net = new OccupancyNetwork(new OccupancyConfig(VoxelResolution: 4, Code: 8, Width: 32, Depth: 2), new Rng(1));
        var trainer = new OccupancyTrainer(net, ShapeCollection.Random(4, 1), 2, 128, 3e-3, 2, pool: 512);
        double first = trainer.Step(), last = 0;
        for (int i = 0; i < 80; i++) last = trainer.Step();
        Assert.True(last < 0.8 * first, $"{first} → {last}");
        var grid = SampledGrid.FromBatches(net.Field(new double[64]), Lo, Hi, 9, level: 0.5);
        Assert.All(grid.Values, v => Assert.InRange(v, 0, 1));
    }

    [Fact]
    public void DeepSdf_clamps_at_delta_trains_codes_with_the_decoder_and_fits_a_code_for_a_new_shape()
    {
        var shapes = ShapeCollection.Random(3, 4);
        var model = new DeepSdf(new DeepSdfConfig(3, Code: 8, Width: 32, Depth: 2, Clamp: 0.1), new Rng(1));
        Assert.InRange(Op.Std(model.Codes).Item(), 0.003, 0.03);                       // codes start small
        Assert.Equal(0.1, model.ClampDelta(Tensor.FromArray([0.7f], 1)).Item(), 6);
        Assert.Equal(0, model.Loss(Tensor.FromArray([0.5f, -0.3f], 1, 2), Tensor.FromArray([0.2f, -0.9f], 1, 2)).Item());  // beyond δ on the same side
        var codes0 = model.Codes.Detach().Clone();
        var trainer = new DeepSdfTrainer(model, shapes, 3, 128, 3e-3, 2, pool: 512);
        var losses = Enumerable.Range(0, 150).Select(_ => trainer.Step()).ToArray();
        double first = losses[..10].Average(), last = losses[^10..].Average();
        Assert.True(last < 0.7 * first, $"{first} → {last}");
        Assert.True(Op.Max(Op.Abs(model.Codes - codes0)).Item() > 1e-3, "the codes are parameters and move");
        var (points, sdf) = ShapeCollection.Samples(shapes[0], 512, new Rng(5));
        var code = model.FitCode(points, sdf, 30, 1e-2, 128, new Rng(6));
        Assert.Equal(new Shape(1, 8), code.Shape);
        Assert.Throws<ArgumentException>(() => new DeepSdfTrainer(model, shapes[..2], 1, 8, 1e-3, 1));
    }

    [Fact]
    public void Geometric_initialisation_starts_at_a_sphere_and_the_eikonal_loss_has_a_correct_second_order_gradient()
    {
        var wide = new SdfNetwork(128, 2, 0.5, new Rng(1), dtype: DType.Float64);
        var rng = new Rng(2);
        double squares = 0;
        for (int i = 0; i < 200; i++)
        {
            var p = new[] { 2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1 };
            double f = wide.Forward(Tensor.FromArray(p, 1, 3)).Item(), r = Math.Sqrt(p.Sum(x => x * x));
            squares += (f - (r - 0.5)) * (f - (r - 0.5));
        }
        Assert.InRange(Math.Sqrt(squares / 200), 0, 0.2);                            // ≈ ‖x‖ − r, up to ~1/√width
        Assert.True(wide.Forward(Tensor.Zeros([1, 3], DType.Float64)).Item() < 0);    // the origin is inside
        var net = new SdfNetwork(32, 2, 0.5, new Rng(1), dtype: DType.Float64);
        var surface = new Rng(3).Normal([6, 3], dtype: DType.Float64);
        var free = new Rng(4).Normal([6, 3], dtype: DType.Float64);
        var check = GradCheck.RunOn(() => EikonalTrainer.Loss(net, surface, free, 0.1).Loss, net.Parameters(), tolerance: 1e-6);
        Assert.True(check.Passed, check.Summary);
    }

    [Fact]
    public void Eikonal_training_from_a_point_cloud_lowers_the_loss()
    {
        var shape = ShapeCollection.Make(0, new Rng(1));
        var net = new SdfNetwork(32, 2, 0.3, new Rng(1));
        var trainer = new EikonalTrainer(net, ShapeCollection.SurfacePoints(shape, 500, new Rng(2)), 128, 0.1, 3e-3, 3);
        double first = trainer.Step(), last = 0;
        for (int i = 0; i < 60; i++) last = trainer.Step();
        Assert.True(last < 0.5 * first, $"{first} → {last}");
    }

    [Fact]
    public void Batched_ray_depths_equal_the_single_ray_finder_and_dvr_training_runs()
    {
        var field = Sdf.Sphere(0.6, new Vec3(0.1, 0, 0));
        Tensor Batched(Tensor p)
        {
            var x = p.ToDoubleArray();
            return Tensor.FromArray(Enumerable.Range(0, p.Shape[0]).Select(i => field(new Vec3(x[3 * i], x[3 * i + 1], x[3 * i + 2]))).ToArray());
        }
        var camera = Camera.LookAt(new Vec3(0, -3, 0.2), default, 6, 5, 40);
        var (o, d) = camera.Rays();
        var (depth, _) = RayDepth.FindAll(Batched, 0, o, d, 1, 5, dtype: DType.Float64);
        for (int i = 0; i < 30; i++)
        {
            var hit = RayDepth.Find(p => field(new Vec3(p[0], p[1], p[2])), 0, o[(3 * i)..(3 * i + 3)], d[(3 * i)..(3 * i + 3)], 1, 5, 64);
            if (hit is null) Assert.True(double.IsNaN(depth[i]));
            else Assert.Equal(hit.Depth, depth[i], 8);
        }
        var scene = new PrimitiveScene([new(PrimitiveKind.Sphere, default, new Vec3(0.6, 0, 0), new Vec3(0.9, 0.2, 0.2))]);
        var data = new MultiViewData(scene, 4, 1, 12, sceneRadius: 1.0);
        var model = new DvrModel(16, 1, 0.4, new Rng(1));
        var trainer = new DvrTrainer(model, data, 64, 3e-3, 2);
        for (int i = 0; i < 5; i++) Assert.True(double.IsFinite(trainer.Step()));
        Assert.Equal(new Shape(3, 12, 12), model.Render(data.TestCameras[0], data.Near, data.Far, MultiViewData.White).Shape);
    }
}
