using MachinePerception.Checkpoints;
using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>The occupancy network's sizes: the r³ voxel observation, the code, and the decoder MLP.</summary>
public sealed record OccupancyConfig(int VoxelResolution = 8, int Code = 64, int Width = 128, int Depth = 4)
{
    public int VoxelCount => VoxelResolution * VoxelResolution * VoxelResolution;
}

/// <summary>
/// An occupancy network (Mescheder et al. 2019; §8 "predict probability that point is inside the shape", conditioned on
/// an input): an encoder turns the observation, here a coarse r³ voxel grid of the shape, into a code z; the decoder
/// maps (x, z) to the logit of o(x) = P(x inside), trained with cross-entropy on sampled points (§8.1.1). The surface is
/// the level set o = ½, extracted by marching cubes at any resolution: the network turns an 8³ observation into a
/// continuous shape (the paper's voxel super-resolution). The code is appended to the point (the paper uses
/// conditional batch normalisation; concatenation is the simplest form of conditioning).
/// </summary>
public sealed class OccupancyNetwork : Module
{
    public OccupancyConfig Config { get; }
    readonly Sequential encoder, decoder;

    public OccupancyNetwork(OccupancyConfig config, Rng rng)
    {
        Config = config;
        encoder = RegisterModule("encoder", new Sequential(new Linear(config.VoxelCount, config.Width, rng), new ReLU(), new Linear(config.Width, config.Code, rng)));
        var layers = new List<Layer>();
        for (int l = 0; l < config.Depth; l++) { layers.Add(new Linear(l == 0 ? 3 + config.Code : config.Width, config.Width, rng)); layers.Add(new ReLU()); }
        layers.Add(new Linear(config.Width, 1, rng));
        decoder = RegisterModule("decoder", new Sequential([.. layers]));
    }

    /// <summary>Voxel grids [B, r³] → codes [B, code].</summary>
    public Tensor Encode(Tensor voxels) => encoder.Forward(voxels);

    /// <summary>Codes [B, code] and points [B, P, 3] → occupancy logits [B, P].</summary>
    public Tensor Logits(Tensor codes, Tensor points)
    {
        int b = points.Shape[0], p = points.Shape[1];
        var z = Op.BroadcastTo(Op.Unsqueeze(codes, 1), new Shape(b, p, Config.Code));
        var h = decoder.Forward(Op.Reshape(Op.Concat([points, z], 2), b * p, 3 + Config.Code));
        return Op.Reshape(h, b, p);
    }

    /// <summary>
    /// The field marching cubes meshes for one observation: points [N, 3] → 1 − o(x), so that "inside" (o &gt; ½) is
    /// below the level ½ (use <c>SampledGrid.FromBatches(field, …, level: 0.5)</c>).
    /// </summary>
    public Func<Tensor, Tensor> Field(double[] voxels)
    {
        Tensor code;
        using (Autograd.NoGrad()) code = Encode(Tensor.FromArray(voxels, 1, voxels.Length).To(DType.Float32));
        return x => 1 - Op.Sigmoid(Op.Reshape(Logits(code, Op.Unsqueeze(x, 0)), x.Shape[0]));
    }
}

/// <summary>
/// Trains an <see cref="OccupancyNetwork"/> on a set of generated shapes: each step takes B shapes, P of each shape's
/// pre-drawn sample points (half uniform, half near the surface), and the binary cross-entropy between the predicted
/// logits and the true occupancy (SDF &lt; 0).
/// </summary>
public sealed class OccupancyTrainer : ITrainer
{
    readonly OccupancyNetwork model;
    readonly Adam adam;
    readonly Rng rng;
    readonly double[][] voxels, points, inside;
    readonly int shapesPerStep, pointsPerShape;

    public OccupancyTrainer(OccupancyNetwork model, IReadOnlyList<GeneratedShape> shapes, int shapesPerStep, int pointsPerShape, double learningRate, ulong seed, int pool = 4096)
    {
        (this.model, this.shapesPerStep, this.pointsPerShape) = (model, shapesPerStep, pointsPerShape);
        rng = new Rng(seed);
        adam = new Adam(model.Parameters(), learningRate);
        voxels = shapes.Select(s => ShapeCollection.Voxels(s, model.Config.VoxelResolution)).ToArray();
        var samples = shapes.Select(s => ShapeCollection.Samples(s, pool, rng)).ToArray();
        points = samples.Select(s => s.Points).ToArray();
        inside = samples.Select(s => s.Sdf.Select(d => d < 0 ? 1.0 : 0.0).ToArray()).ToArray();
    }

    public double Step()
    {
        int b = shapesPerStep, p = pointsPerShape;
        var vox = new double[b * voxels[0].Length];
        var x = new double[b * p * 3];
        var y = new double[b * p];
        for (int s = 0; s < b; s++)
        {
            int shape = rng.NextInt(voxels.Length);
            voxels[shape].CopyTo(vox, s * voxels[0].Length);
            for (int k = 0; k < p; k++)
            {
                int i = rng.NextInt(inside[shape].Length);
                for (int a = 0; a < 3; a++) x[(s * p + k) * 3 + a] = points[shape][3 * i + a];
                y[s * p + k] = inside[shape][i];
            }
        }
        adam.ZeroGrad();
        var logits = model.Logits(model.Encode(Tensor.FromArray(vox, b, voxels[0].Length).To(DType.Float32)), Tensor.FromArray(x, b, p, 3).To(DType.Float32));
        var loss = Losses.BceWithLogits(logits, Tensor.FromArray(y, b, p).To(DType.Float32));
        loss.Backward();
        adam.Step();
        return loss.Item();
    }
}
