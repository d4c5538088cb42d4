using MachinePerception.Geometry;
using MachinePerception.Implicit;
using MachinePerception.Implicit.Gpu;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>Chapter 8's rendering kernels on the CPU accelerator against their CPU twins in Implicit/.</summary>
[Collection("Cuda")]
public class RenderingKernelTests(CpuAcceleratorFixture fx)
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Sphere_tracing_finds_the_depths_of_the_cpu_tracer(DType dtype)
    {
        var scene = PrimitiveScene.Default();
        var camera = Camera.LookAt(new Vec3(2.5, -1.5, 1.2), default, 9, 7, 40);
        var (o, d) = camera.Rays();
        var gpu = fx.Backend.Down(RenderingGpu.SphereTrace(fx.Backend, scene, o, d, 1.5, 5, dtype)).ToDoubleArray();
        int hits = 0;
        for (int r = 0; r < gpu.Length; r++)
        {
            var cpu = scene.Trace(new Vec3(o[3 * r], o[3 * r + 1], o[3 * r + 2]), new Vec3(d[3 * r], d[3 * r + 1], d[3 * r + 2]), 1.5, 5);
            Assert.Equal(cpu is null, double.IsNaN(gpu[r]));
            if (cpu is double t) { Assert.Equal(t, gpu[r], dtype == DType.Float32 ? 1e-3 : 1e-9); hits++; }
        }
        Assert.InRange(hits, 5, gpu.Length - 5);   // the test sees both hits and misses
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Volume_composite_matches_the_fused_cpu_op(DType dtype)
    {
        var rng = new Rng(1);
        var sigma = rng.Uniform([5, 7], 0, 3, dtype);
        var values = rng.Uniform([5, 7, 3], 0, 1, dtype);
        var delta = rng.Uniform([5, 7], 0.05, 0.4, dtype);
        var background = Tensor.FromArray([1.0, 0.5, 0.25]).To(dtype);
        Kit.Near(VolumeRendering.Composite(sigma, values, delta, background), fx.Backend.Down(RenderingGpu.Composite(fx.Backend, sigma, values, delta, background)), Kit.Tol(dtype));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Hash_grid_lookup_matches_the_cpu_encoding(DType dtype)
    {
        var config = new HashGridConfig(Levels: 3, Log2TableSize: 6, Features: 2, MinResolution: 2, MaxResolution: 9);   // dense and hashed levels
        var rng = new Rng(2);
        var unit = Enumerable.Range(0, 33).Select(_ => rng.NextDouble() * 1.1 - 0.05).ToArray();                     // some outside [0, 1]: clamped
        var table = rng.Normal([3 * 64, 2], dtype: dtype);
        Kit.Near(HashGridEncoding.Encode(unit, 11, table, config), fx.Backend.Down(RenderingGpu.HashGridLookup(fx.Backend, unit, table, config)), Kit.Tol(dtype));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Splat_rasterization_matches_the_cpu_forward_pass(DType dtype)
    {
        var rng = new Rng(3);
        int n = 25, w = 21, h = 17;
        var means = Enumerable.Range(0, 2 * n).Select(i => i % 2 == 0 ? w * rng.NextDouble() : h * rng.NextDouble()).ToArray();
        var cov = Enumerable.Range(0, n).SelectMany(_ => { double a = 1 + 4 * rng.NextDouble(), c = 1 + 4 * rng.NextDouble(); return new[] { a, 0.3 * Math.Sqrt(a * c), c }; }).ToArray();
        var opacity = Enumerable.Range(0, n).Select(_ => 0.2 + 0.7 * rng.NextDouble()).ToArray();
        var colours = Enumerable.Range(0, 3 * n).Select(_ => rng.NextDouble()).ToArray();
        var depth = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var settings = new SplatSettings(w, h, TileSize: 8);
        var bins = SplatRasterizer.Bin(means, cov, depth, settings);
        var (cpu, _) = SplatRasterizer.Forward(bins, means, opacity, colours, 3, [1, 1, 1], settings);
        var gpu = fx.Backend.Down(RenderingGpu.Rasterize(fx.Backend, bins, means, opacity, colours, 3, [1, 1, 1], settings, dtype));
        Kit.Near(Tensor.FromArray(cpu, 3, h, w), gpu, dtype == DType.Float32 ? 1e-5 : 1e-12);
    }
}
