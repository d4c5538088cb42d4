using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// Posed images of a <see cref="PrimitiveScene"/> rendered by the library (§8.2 "optimized on many views of the
/// scene"): training views on a Fibonacci orbit, held-out views on the same sphere between them (a turned spiral), and
/// every training pixel as a ray with its colour, ready to be drawn in random batches. The background is white: a
/// ray that hits nothing must composite to white, which the renderer gets by adding T_{S+1}·white.
/// </summary>
public sealed class MultiViewData
{
    public PrimitiveScene Scene { get; }
    public Camera[] TrainCameras { get; }
    public Camera[] TestCameras { get; }
    public Tensor[] TrainImages { get; }   // each [3, H, W]
    public Tensor[] TestImages { get; }
    public double Near { get; }
    public double Far { get; }
    public static readonly double[] White = [1, 1, 1];

    /// <summary>All training rays: origins, directions and colours, [P·3] each, P = views·H·W, pixel by pixel.</summary>
    public double[] RayOrigins { get; }
    public double[] RayDirections { get; }
    public double[] RayColours { get; }

    /// <summary>Whether each training ray hits the scene (its pixel is not background): the silhouettes.</summary>
    public bool[] RayHits { get; }
    public int RayCount => RayColours.Length / 3;

    public MultiViewData(PrimitiveScene scene, int trainViews, int testViews, int size, double radius = 3.2, double fovYDegrees = 40, double sceneRadius = 1.3)
    {
        if (trainViews < 1 || testViews < 0 || size < 4) throw new ArgumentException($"MultiViewData: needs ≥ 1 training view, ≥ 0 test views and size ≥ 4, got {trainViews}, {testViews}, {size}");
        Scene = scene;
        Near = radius - sceneRadius;
        Far = radius + sceneRadius;
        TrainCameras = Camera.Orbit(trainViews, radius, size, size, fovYDegrees);
        TestCameras = Camera.Orbit(testViews, radius, size, size, fovYDegrees, phase: 1.0, maxElevationDegrees: 55);
        var renders = TrainCameras.Select(c => scene.Render(c, Near, Far, DType.Float64)).ToArray();
        TrainImages = renders.Select(r => r.Image).ToArray();
        TestImages = TestCameras.Select(c => scene.Render(c, Near, Far, DType.Float64).Image).ToArray();
        int pixels = size * size;
        RayOrigins = new double[trainViews * pixels * 3];
        RayDirections = new double[trainViews * pixels * 3];
        RayColours = new double[trainViews * pixels * 3];
        RayHits = new bool[trainViews * pixels];
        for (int v = 0; v < trainViews; v++)
        {
            var (o, d) = TrainCameras[v].Rays();
            var image = TrainImages[v].ToDoubleArray();
            o.CopyTo(RayOrigins, v * pixels * 3);
            d.CopyTo(RayDirections, v * pixels * 3);
            renders[v].Hit.CopyTo(RayHits, v * pixels);
            for (int p = 0; p < pixels; p++)
                for (int a = 0; a < 3; a++) RayColours[(v * pixels + p) * 3 + a] = image[a * pixels + p];
        }
    }

    static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, int), Lazy<MultiViewData>> shared = new();

    /// <summary>The book's scene (<see cref="PrimitiveScene.Default"/>) seen from the given numbers of views, rendered once per process.</summary>
    public static MultiViewData OfDefaultScene(int trainViews, int testViews, int size) =>
        shared.GetOrAdd((trainViews, testViews, size), k => new Lazy<MultiViewData>(() => new MultiViewData(PrimitiveScene.Default(), k.Item1, k.Item2, k.Item3))).Value;

    /// <summary>The rays with the given indices: origins, directions [B·3] and target colours [B, 3].</summary>
    public (double[] Origins, double[] Directions, Tensor Colours) Batch(int[] rays, DType dtype)
    {
        var o = new double[rays.Length * 3];
        var d = new double[rays.Length * 3];
        var c = new double[rays.Length * 3];
        for (int i = 0; i < rays.Length; i++)
            for (int a = 0; a < 3; a++)
            {
                o[3 * i + a] = RayOrigins[3 * rays[i] + a];
                d[3 * i + a] = RayDirections[3 * rays[i] + a];
                c[3 * i + a] = RayColours[3 * rays[i] + a];
            }
        return (o, d, Tensor.FromArray(c, rays.Length, 3).To(dtype));
    }
}
