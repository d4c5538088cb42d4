using System.Text.Json.Nodes;
using MachinePerception.Checkpoints;
using MachinePerception.Geometry;
using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// The NeRFs of chapter 8, trained by <c>book train</c>: the architecture, the training settings and the views differ;
/// the scene (<see cref="PrimitiveScene.Default"/>, 64×64 views, 4 held-out views between the training ones) is shared.
/// <see cref="Evaluate"/> renders the held-out views from the weights and reports their mean PSNR.
/// </summary>
public abstract class NerfRecipeBase : TrainingRecipe
{
    public const int Size = 64, TestViews = 4;
    protected abstract NerfConfig Model { get; }
    protected abstract NerfTrainingConfig Training { get; }
    protected virtual int TrainViews => 50;
    public override string Chapter => "08";
    public override int LogEvery => 20;
    public override int VerifySteps => 20;
    public override IReadOnlyList<string> DataFiles => [];

    public MultiViewData Data => MultiViewData.OfDefaultScene(TrainViews, TestViews, Size);

    public override JsonObject Configuration => new()
    {
        ["scene"] = PrimitiveScene.Default().Describe(),
        ["views"] = TrainViews, ["test_views"] = TestViews, ["size"] = Size,
        ["model"] = Model.ToString(), ["hash_grid"] = Model.HashGrid?.ToString() ?? "none", ["training"] = Training.ToString(),
    };

    public override Module CreateModel() => new NerfModel(Model, new Rng(Seed));

    public override ITrainer CreateTrainer(Module model, int totalSteps) => new NerfTrainer((NerfModel)model, Data, Training, totalSteps, Seed + 1);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model) =>
        new Dictionary<string, double> { ["held_out_psnr_db"] = HeldOut((NerfModel)model).Psnr };

    /// <summary>The renders of the first <paramref name="views"/> held-out views (default: all) and their mean PSNR.</summary>
    public (double Psnr, Tensor[] Renders) HeldOut(NerfModel model, int? views = null)
    {
        int n = Math.Min(views ?? Data.TestCameras.Length, Data.TestCameras.Length);
        var renders = Data.TestCameras.Take(n).Select(c => model.RenderImage(c, Data.Near, Data.Far, Training.Samples, MultiViewData.White)).ToArray();
        return (ImageMetrics.MeanPsnr(renders, Data.TestImages.Take(n).ToArray()), renders);
    }
}

/// <summary>The plain NeRF: positional encoding with 8 frequencies, 4 × 128 ReLU trunk, 50 views.</summary>
public sealed class NerfRecipe : NerfRecipeBase
{
    public override string Name => "nerf-primitives";
    public override string Description => "NeRF (positional encoding L = 8, 4×128 MLP) on 50 views of the primitive scene, 64×64";
    public override int DefaultSteps => 1000;
    public override int LogEvery => 5;
    protected override NerfConfig Model => new(PositionFrequencies: 8);
    protected override NerfTrainingConfig Training => new(LearningRate: 2e-3, FinalLearningRate: 1e-4);
}

/// <summary>The same NeRF on raw coordinates (no positional encoding): the spectral-bias comparison.</summary>
public sealed class NerfNoEncodingRecipe : NerfRecipeBase
{
    public override string Name => "nerf-primitives-no-encoding";
    public override string Description => "the same NeRF without positional encoding (raw x, y, z), same steps: spectral bias";
    public override int DefaultSteps => 1000;
    public override int LogEvery => 5;
    protected override NerfConfig Model => new(PositionFrequencies: 0);
    protected override NerfTrainingConfig Training => new(LearningRate: 2e-3, FinalLearningRate: 1e-4);
}

/// <summary>Instant-NGP's recipe: a 12-level hash grid and a one-layer 64-wide MLP.</summary>
public sealed class HashGridNerfRecipe : NerfRecipeBase
{
    public override string Name => "nerf-primitives-hash-grid";
    public override string Description => "NeRF with a multiresolution hash grid (12 levels, 2^14 entries, 2 features) and a 1×64 MLP";
    public override int DefaultSteps => 2000;
    public static readonly HashGridConfig Grid = new(Levels: 12, Log2TableSize: 14, Features: 2, MinResolution: 8, MaxResolution: 256);
    protected override NerfConfig Model => new(HashGrid: Grid, Width: 64, Depth: 1);
    protected override NerfTrainingConfig Training => new(LearningRate: 1e-2, FinalLearningRate: 5e-4, AdamEpsilon: 1e-15);
}

/// <summary>The hash-grid NeRF from 8 views only, without a regulariser.</summary>
public sealed class SparseNerfRecipe : NerfRecipeBase
{
    public override string Name => "nerf-sparse";
    public override string Description => "the hash-grid NeRF from 8 views, no regulariser";
    public override int DefaultSteps => 800;
    public override int LogEvery => 10;
    protected override int TrainViews => 8;
    protected override NerfConfig Model => new(HashGrid: HashGridNerfRecipe.Grid, Width: 64, Depth: 1);
    protected override NerfTrainingConfig Training => new(LearningRate: 1e-2, FinalLearningRate: 5e-4, AdamEpsilon: 1e-15);
}

/// <summary>The hash-grid NeRF from 8 views with RegNeRF's depth-smoothness regulariser on unseen viewpoints.</summary>
public sealed class SparseRegularisedNerfRecipe : NerfRecipeBase
{
    public override string Name => "nerf-sparse-regularised";
    public override string Description => "the hash-grid NeRF from 8 views with depth smoothness on patches from unseen viewpoints";
    public override int DefaultSteps => 800;
    public override int LogEvery => 10;
    protected override int TrainViews => 8;
    protected override NerfConfig Model => new(HashGrid: HashGridNerfRecipe.Grid, Width: 64, Depth: 1);
    protected override NerfTrainingConfig Training => new(LearningRate: 1e-2, FinalLearningRate: 5e-4, AdamEpsilon: 1e-15, DepthSmoothness: 0.1, PatchSize: 8, Patches: 4);
}

/// <summary>3-D Gaussian splatting of the primitive scene: 3,000 Gaussians from random positions, 50 views.</summary>
public sealed class SplatSceneRecipe : TrainingRecipe
{
    public const int Count = 3000;
    public override string Name => "splat-primitives";
    public override string Chapter => "08";
    public override string Description => "3,000 3-D Gaussians (random start in the scene's ball) fitted to 50 views of the primitive scene, 64×64";
    public override int DefaultSteps => 1500;
    public override int LogEvery => 10;
    public override int VerifySteps => 50;
    public override IReadOnlyList<string> DataFiles => [];
    public static readonly SplatTrainingConfig Training = new(LearningRate: 0.02, PositionLearningRate: 0.002);
    public MultiViewData Data => MultiViewData.OfDefaultScene(50, NerfRecipeBase.TestViews, NerfRecipeBase.Size);

    public override JsonObject Configuration => new()
    {
        ["scene"] = PrimitiveScene.Default().Describe(), ["views"] = 50, ["size"] = NerfRecipeBase.Size,
        ["count"] = Count, ["init_radius"] = 1.1, ["init_scale"] = 0.05, ["training"] = Training.ToString(),
    };

    public override Module CreateModel() => new GaussianSceneModel(GaussianCloud.Random(Count, 1.1, 0.05, new Rng(Seed)));

    public override ITrainer CreateTrainer(Module model, int totalSteps) => SplatTrainer.ForScene(((GaussianSceneModel)model).Cloud, Data, Training, Seed + 1);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var cloud = ((GaussianSceneModel)model).Cloud;
        using var _ = Autodiff.Autograd.NoGrad();
        var renders = Data.TestCameras.Select(c => cloud.Render(c, MultiViewData.White).To(DType.Float64)).ToArray();
        return new Dictionary<string, double> { ["held_out_psnr_db"] = ImageMetrics.MeanPsnr(renders, Data.TestImages) };
    }
}

/// <summary>The shape-learning models of §8.1, on generated shapes (<see cref="ShapeCollection"/>).</summary>
public abstract class ShapeRecipeBase : TrainingRecipe
{
    public override string Chapter => "08";
    public override int LogEvery => 10;
    public override int VerifySteps => 50;
    public override IReadOnlyList<string> DataFiles => [];
    public static readonly Vec3 Lo = new(-1, -1, -1), Hi = new(1, 1, 1);
    public const int GridSamples = 40;

    /// <summary>The training shapes and the unseen test shapes (different seeds).</summary>
    public static GeneratedShape[] TrainShapes => ShapeCollection.Random(60, 1);
    public static GeneratedShape[] TestShapes => ShapeCollection.Random(10, 2);

    /// <summary>IoU of a learned field's level set with a true shape, both on the same 40³ grid over [−1, 1]³.</summary>
    public static double IoU(SampledGrid learned, GeneratedShape truth) =>
        ShapeMetrics.IoU(learned, SampledGrid.Sample(truth.Sdf, Lo, Hi, GridSamples));
}

/// <summary>The occupancy network, conditioned on 8³ voxels, trained on 60 shapes.</summary>
public sealed class OccupancyRecipe : ShapeRecipeBase
{
    public override string Name => "occupancy-shapes";
    public override string Description => "occupancy network (8³ voxels → code 64, decoder 4×128) trained on 60 generated shapes with cross-entropy";
    public override int DefaultSteps => 2000;
    public static readonly OccupancyConfig Config = new();
    public override JsonObject Configuration => new() { ["model"] = Config.ToString(), ["shapes"] = "ShapeCollection.Random(60, 1)", ["batch"] = "16 shapes × 256 points", ["lr"] = 1e-3 };
    public override Module CreateModel() => new OccupancyNetwork(Config, new Rng(Seed));
    public override ITrainer CreateTrainer(Module model, int totalSteps) => new OccupancyTrainer((OccupancyNetwork)model, TrainShapes, 16, 256, 1e-3, Seed + 1);

    public static double IoU(OccupancyNetwork net, GeneratedShape shape) =>
        IoU(SampledGrid.FromBatches(net.Field(ShapeCollection.Voxels(shape, net.Config.VoxelResolution)), Lo, Hi, GridSamples, level: 0.5), shape);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model) => Evaluate((OccupancyNetwork)model, 5, 10);

    /// <summary>Mean IoU over the first training and test shapes.</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(OccupancyNetwork net, int train, int test) => new Dictionary<string, double>
    {
        ["train_iou"] = TrainShapes.Take(train).Average(s => IoU(net, s)),
        ["test_iou"] = TestShapes.Take(test).Average(s => IoU(net, s)),
    };
}

/// <summary>DeepSDF on 10 shapes (two of each kind) with the clamp δ of the recipe.</summary>
public abstract class DeepSdfRecipeBase : ShapeRecipeBase
{
    protected abstract double Clamp { get; }
    public DeepSdfConfig Config => new(10, Clamp: Clamp);
    public static GeneratedShape[] Shapes => ShapeCollection.Random(10, 3);
    public override int DefaultSteps => 1500;
    public override JsonObject Configuration => new() { ["model"] = Config.ToString(), ["shapes"] = "ShapeCollection.Random(10, 3)", ["batch"] = "8 shapes × 256 points", ["lr"] = 1e-3 };
    public override Module CreateModel() => new DeepSdf(Config, new Rng(Seed));
    public override ITrainer CreateTrainer(Module model, int totalSteps) => new DeepSdfTrainer((DeepSdf)model, Shapes, 8, 256, 1e-3, Seed + 1);

    public static double IoU(DeepSdf net, int shape) =>
        IoU(SampledGrid.FromBatches(net.Field(Ops.Op.Slice(net.Codes, 0, shape, 1)), Lo, Hi, GridSamples), Shapes[shape]);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model) => Evaluate((DeepSdf)model, 10);

    /// <summary>Mean IoU over the first <paramref name="shapes"/> training shapes.</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(DeepSdf net, int shapes) =>
        new Dictionary<string, double> { ["train_iou"] = Enumerable.Range(0, shapes).Average(i => IoU(net, i)) };
}

/// <summary>DeepSDF with the paper's clamp δ = 0.1.</summary>
public sealed class DeepSdfRecipe : DeepSdfRecipeBase
{
    public override string Name => "deepsdf-shapes";
    public override string Description => "DeepSDF auto-decoder (codes 32, decoder 4×128), clamp δ = 0.1, 10 generated shapes";
    protected override double Clamp => 0.1;
}

/// <summary>DeepSDF with δ = 2, larger than any distance in the box: no clamping.</summary>
public sealed class DeepSdfUnclampedRecipe : DeepSdfRecipeBase
{
    public override string Name => "deepsdf-shapes-unclamped";
    public override string Description => "the same DeepSDF with δ = 2 (no clamping: every distance in the box is fitted)";
    protected override double Clamp => 2;
}

/// <summary>An SDF learned from a point cloud of a torus alone with the eikonal term (IGR).</summary>
public sealed class EikonalRecipe : ShapeRecipeBase
{
    public override string Name => "eikonal-torus";
    public override string Description => "SDF network (softplus β = 100, 4×128, geometric init) from 4,000 points on a torus, |f|² + 0.1·(‖∇f‖ − 1)²";
    public override int DefaultSteps => 2000;
    public static GeneratedShape Shape => ShapeCollection.Make(2, new Rng(5));
    public static double[] Cloud => ShapeCollection.SurfacePoints(Shape, 4000, new Rng(6));
    public override JsonObject Configuration => new() { ["model"] = "SdfNetwork(128, 4, r 0.5, β 100)", ["shape"] = "ShapeCollection.Make(2, Rng(5))", ["cloud"] = 4000, ["batch"] = 512, ["lambda"] = 0.1, ["lr"] = 1e-3 };
    public override Module CreateModel() => new SdfNetwork(128, 4, 0.5, new Rng(Seed));
    public override ITrainer CreateTrainer(Module model, int totalSteps) => new EikonalTrainer((SdfNetwork)model, Cloud, 512, 0.1, 1e-3, Seed + 1);

    /// <summary>The Chamfer distance of the extracted mesh to the true torus and the mean |‖∇f‖ − 1| at uniform points.</summary>
    public static (double Chamfer, double EikonalError, Mesh Mesh) Measure(SdfNetwork net, int gridSamples = 72)
    {
        var mesh = MarchingCubes.Extract(SampledGrid.FromBatches(net.Forward, Lo, Hi, gridSamples));
        double chamfer = ShapeMetrics.ChamferToSurface(mesh, Shape.Sdf, ShapeCollection.SurfacePoints(Shape, 3000, new Rng(9)), 3000, new Rng(10));
        var rng = new Rng(11);
        var pts = new double[3000 * 3];
        for (int i = 0; i < pts.Length; i++) pts[i] = 2 * rng.NextDouble() - 1;
        var (_, g) = net.ValueAndGradient(Tensor.FromArray(pts, 3000, 3).To(DType.Float32));
        var norms = Ops.Op.Sqrt(Ops.Op.Sum(Ops.Op.Square(g), 1)).ToDoubleArray();
        return (chamfer, norms.Average(n => Math.Abs(n - 1)), mesh);
    }

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var (chamfer, eikonal, _) = Measure((SdfNetwork)model);
        return new Dictionary<string, double> { ["chamfer"] = chamfer, ["mean_abs_grad_norm_minus_1"] = eikonal };
    }
}

/// <summary>DVR: an SDF and a texture field fitted to 16 views of two overlapping spheres (32×32).</summary>
public sealed class DvrRecipe : TrainingRecipe
{
    public override string Name => "dvr-two-spheres";
    public override string Chapter => "08";
    public override string Description => "differentiable volumetric rendering: SDF net (2×64) + texture field fitted to 16 views (32×32) of two spheres";
    public override int DefaultSteps => 800;
    public override int LogEvery => 5;
    public override int VerifySteps => 25;
    public override IReadOnlyList<string> DataFiles => [];
    public static readonly PrimitiveScene Scene = new(
    [
        new(PrimitiveKind.Sphere, new Vec3(-0.3, 0, 0), new Vec3(0.5, 0, 0), new Vec3(0.85, 0.2, 0.15)),
        new(PrimitiveKind.Sphere, new Vec3(0.35, 0.1, 0.1), new Vec3(0.4, 0, 0), new Vec3(0.2, 0.45, 0.9)),
    ]);
    static readonly Lazy<MultiViewData> data = new(() => new MultiViewData(Scene, 16, 4, 32, sceneRadius: 1.1));
    public static MultiViewData Data => data.Value;
    public override JsonObject Configuration => new() { ["scene"] = Scene.Describe(), ["views"] = 16, ["size"] = 32, ["model"] = "SdfNetwork(64, 2, r 0.6, β 10) + TextureField(L 4, 64)", ["rays"] = 256, ["lr"] = 3e-3, ["mask_weight"] = 10 };
    public override Module CreateModel() => new DvrModel(64, 2, 0.6, new Rng(Seed));
    public override ITrainer CreateTrainer(Module model, int totalSteps) => new DvrTrainer((DvrModel)model, Data, 256, 3e-3, Seed + 1, maskWeight: 10);

    public override IReadOnlyDictionary<string, double> Evaluate(Module model)
    {
        var m = (DvrModel)model;
        var renders = Data.TestCameras.Select(c => m.Render(c, Data.Near, Data.Far, MultiViewData.White)).ToArray();
        var truth = SampledGrid.Sample(Scene.Distance, new Vec3(-1, -1, -1), new Vec3(1, 1, 1), 48);
        var learned = SampledGrid.FromBatches(m.Shape.Forward, new Vec3(-1, -1, -1), new Vec3(1, 1, 1), 48, dtype: DType.Float64);
        return new Dictionary<string, double> { ["held_out_psnr_db"] = ImageMetrics.MeanPsnr(renders, Data.TestImages), ["iou"] = ShapeMetrics.IoU(learned, truth) };
    }
}
