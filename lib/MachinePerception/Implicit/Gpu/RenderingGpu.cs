using ILGPU;
using ILGPU.Runtime.CPU;
using MachinePerception.Backends.Cuda;
using MachinePerception.Tensors;
using Device = MachinePerception.Tensors.Device;

namespace MachinePerception.Implicit.Gpu;

/// <summary>
/// Runs the <see cref="RenderingKernels"/> on a CUDA backend (a GPU, or ILGPU's CPU accelerator in the tests). Each
/// method takes the same inputs as its CPU twin, copies what is not on the device yet, launches, and returns the result
/// on the device (read it with <c>ToCpu()</c>). Forward passes only: training runs on the CPU path, which is the
/// default; these are for rendering at GPU speed.
/// </summary>
public static class RenderingGpu
{
    /// <summary>
    /// A CUDA backend over ILGPU's CPU accelerator (a simulated device: groups of 8 threads, one multiprocessor): the
    /// same kernels, run without a GPU, thousands of times slower than the CPU path — for checking them, as the tests
    /// and chapter 8 do. Dispose it when done.
    /// </summary>
    public static CudaBackend CpuAccelerator()
    {
        var context = Context.Create(b => b.CPU(new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1))
            .EnableAlgorithms().Optimize(OptimizationLevel.O1));
        return new CudaBackend(context.CreateCPUAccelerator(0), context);
    }

    /// <summary>Copies a tensor of <paramref name="b"/> to the CPU (for any CUDA backend, not only the process's shared one).</summary>
    public static Tensor Download(CudaBackend b, Tensor t) => b.Transfer(t, Device.Cpu);

    static Tensor Up(CudaBackend b, double[] values, DType dtype) => b.Transfer(Tensor.FromArray(values, values.Length).To(dtype), Device.Cuda);

    static Tensor Up(CudaBackend b, Tensor t) => t.Device == Device.Cuda ? t : b.Transfer(t, Device.Cuda);

    /// <summary>Sphere-traced depths [R] (NaN for a miss) of rays with origins and unit directions [R·3] (like <see cref="PrimitiveScene.Trace"/>).</summary>
    public static Tensor SphereTrace(CudaBackend b, PrimitiveScene scene, double[] origins, double[] directions, double near, double far,
        DType dtype = DType.Float32, int maxSteps = 256, double epsilon = 1e-5)
    {
        int r = origins.Length / 3;
        var depth = b.Allocate(new Shape(r), dtype);
        if (dtype == DType.Float32)
            b.Kernels.Launch(RenderingKernels.SphereTrace<float, Float32Math>, b.Kernels.Elements(r), new SphereTraceArgs<float>(
                CudaBackend.View<float>(Up(b, scene.Pack(), dtype)), scene.Primitives.Count, CudaBackend.View<float>(Up(b, origins, dtype)),
                CudaBackend.View<float>(Up(b, directions, dtype)), CudaBackend.View<float>(depth), (float)near, (float)far, maxSteps, (float)epsilon));
        else
            b.Kernels.Launch(RenderingKernels.SphereTrace<double, Float64Math>, b.Kernels.Elements(r), new SphereTraceArgs<double>(
                CudaBackend.View<double>(Up(b, scene.Pack(), dtype)), scene.Primitives.Count, CudaBackend.View<double>(Up(b, origins, dtype)),
                CudaBackend.View<double>(Up(b, directions, dtype)), CudaBackend.View<double>(depth), near, far, maxSteps, epsilon));
        return depth;
    }

    /// <summary>The composite of <see cref="VolumeRendering.Composite"/> (forward): σ [R, S], values [R, S, K], δ [R, S], background [K] → [R, K].</summary>
    public static Tensor Composite(CudaBackend b, Tensor sigma, Tensor values, Tensor delta, Tensor background)
    {
        int r = sigma.Shape[0], s = sigma.Shape[1], k = values.Shape[2];
        var y = b.Allocate(new Shape(r, k), sigma.DType);
        if (sigma.DType == DType.Float32)
            b.Kernels.Launch(RenderingKernels.VolumeComposite<float, Float32Math>, b.Kernels.Elements(r), new CompositeArgs<float>(
                CudaBackend.View<float>(Up(b, sigma)), CudaBackend.View<float>(Up(b, values)), CudaBackend.View<float>(Up(b, delta)),
                CudaBackend.View<float>(Up(b, background)), CudaBackend.View<float>(y), r, s, k));
        else
            b.Kernels.Launch(RenderingKernels.VolumeComposite<double, Float64Math>, b.Kernels.Elements(r), new CompositeArgs<double>(
                CudaBackend.View<double>(Up(b, sigma)), CudaBackend.View<double>(Up(b, values)), CudaBackend.View<double>(Up(b, delta)),
                CudaBackend.View<double>(Up(b, background)), CudaBackend.View<double>(y), r, s, k));
        return y;
    }

    /// <summary>The lookup of <see cref="HashGridEncoding.Encode"/> (forward): unit coordinates [N·3] and a table [L·T, F] → [N, L·F].</summary>
    public static Tensor HashGridLookup(CudaBackend b, double[] unit, Tensor table, HashGridConfig config)
    {
        int n = unit.Length / 3, levels = config.Levels, f = config.Features;
        var dtype = table.DType;
        var y = b.Allocate(new Shape(n, levels * f), dtype);
        var resolutions = Enumerable.Range(0, levels).Select(l => (double)config.Resolution(l)).ToArray();
        if (dtype == DType.Float32)
            b.Kernels.Launch(RenderingKernels.HashGridLookup<float, Float32Math>, b.Kernels.Elements((long)n * levels), new HashGridArgs<float>(
                CudaBackend.View<float>(Up(b, unit, dtype)), CudaBackend.View<float>(Up(b, table)), CudaBackend.View<float>(Up(b, resolutions, dtype)),
                CudaBackend.View<float>(y), n, levels, config.TableSize, f));
        else
            b.Kernels.Launch(RenderingKernels.HashGridLookup<double, Float64Math>, b.Kernels.Elements((long)n * levels), new HashGridArgs<double>(
                CudaBackend.View<double>(Up(b, unit, dtype)), CudaBackend.View<double>(Up(b, table)), CudaBackend.View<double>(Up(b, resolutions, dtype)),
                CudaBackend.View<double>(y), n, levels, config.TableSize, f));
        return y;
    }

    /// <summary>
    /// The rasterizer's forward pass (<see cref="SplatRasterizer.Forward"/>) for splats binned on the CPU
    /// (<see cref="SplatRasterizer.Bin"/>: sorting and binning stay on the host): the image [C, H, W].
    /// </summary>
    public static Tensor Rasterize(CudaBackend b, SplatBins bins, double[] means, double[] opacity, double[] colours, int channels,
        double[] background, SplatSettings s, DType dtype = DType.Float32)
    {
        var image = b.Allocate(new Shape(channels, s.Height, s.Width), dtype);
        double[] D(int[] v) => v.Length == 0 ? [0] : v.Select(x => (double)x).ToArray();
        var args = (Means: Up(b, means, dtype), Conics: Up(b, bins.Conics, dtype), Opacity: Up(b, opacity, dtype), Colours: Up(b, colours, dtype),
            Entries: Up(b, D(bins.Entries), dtype), Start: Up(b, D(bins.TileStart), dtype), Count: Up(b, D(bins.TileCount), dtype), Background: Up(b, background, dtype));
        int pixels = s.Width * s.Height;
        if (dtype == DType.Float32)
            b.Kernels.Launch(RenderingKernels.SplatRasterize<float, Float32Math>, b.Kernels.Elements(pixels), new SplatArgs<float>(
                CudaBackend.View<float>(args.Means), CudaBackend.View<float>(args.Conics), CudaBackend.View<float>(args.Opacity), CudaBackend.View<float>(args.Colours),
                CudaBackend.View<float>(args.Entries), CudaBackend.View<float>(args.Start), CudaBackend.View<float>(args.Count), CudaBackend.View<float>(args.Background),
                CudaBackend.View<float>(image), s.Width, s.Height, s.TilesX, s.TileSize, channels, (float)s.MinAlpha, (float)s.MaxAlpha, (float)s.MinTransmittance));
        else
            b.Kernels.Launch(RenderingKernels.SplatRasterize<double, Float64Math>, b.Kernels.Elements(pixels), new SplatArgs<double>(
                CudaBackend.View<double>(args.Means), CudaBackend.View<double>(args.Conics), CudaBackend.View<double>(args.Opacity), CudaBackend.View<double>(args.Colours),
                CudaBackend.View<double>(args.Entries), CudaBackend.View<double>(args.Start), CudaBackend.View<double>(args.Count), CudaBackend.View<double>(args.Background),
                CudaBackend.View<double>(image), s.Width, s.Height, s.TilesX, s.TileSize, channels, s.MinAlpha, s.MaxAlpha, s.MinTransmittance));
        return image;
    }
}
