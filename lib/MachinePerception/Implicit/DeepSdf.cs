using MachinePerception.Checkpoints;
using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// DeepSDF's sizes and loss settings: shapes in the training set, code size, decoder MLP, the clamp δ, the standard
/// deviation codes start with, and the weight of the code prior (1/σ²)‖z‖².
/// </summary>
public sealed record DeepSdfConfig(int Shapes, int Code = 32, int Width = 128, int Depth = 4, double Clamp = 0.1, double CodeInit = 0.01, double CodePrior = 1e-4)
{
    public void Validate()
    {
        if (Shapes < 1 || Code < 1 || Width < 2 || Depth < 1 || !(Clamp > 0) || !(CodeInit > 0) || !(CodePrior >= 0))
            throw new ArgumentException($"DeepSdfConfig: invalid {this}");
    }
}

/// <summary>
/// DeepSDF (Park et al. 2019; §8 "DeepSDF: predict SDF"): an <b>auto-decoder</b>. There is no encoder: every training
/// shape i owns a latent code z_i, a free parameter optimised jointly with the decoder f(z, x) ≈ SDF_i(x). Codes start
/// small (N(0, 0.01²)) and a Gaussian prior (1/σ²)‖z‖² keeps the code space compact, so codes between training shapes
/// still decode to shapes. The loss is |clamp(f, δ) − clamp(s, δ)| with clamp(·, δ) = min(δ, max(−δ, ·)): only the band
/// |s| &lt; δ around the surface is fitted exactly, so the network spends its capacity where marching cubes looks. A new
/// shape is reconstructed by optimising a fresh code with the decoder frozen (<see cref="FitCode"/>).
/// </summary>
public sealed class DeepSdf : Module
{
    public DeepSdfConfig Config { get; }
    readonly Sequential decoder;

    public Tensor Codes => Parameter("codes"); // [shapes, code]

    public DeepSdf(DeepSdfConfig config, Rng rng)
    {
        config.Validate();
        Config = config;
        RegisterParameter("codes", rng.Normal([config.Shapes, config.Code], 0, config.CodeInit));
        var layers = new List<Layer>();
        for (int l = 0; l < config.Depth; l++) { layers.Add(new Linear(l == 0 ? 3 + config.Code : config.Width, config.Width, rng)); layers.Add(new ReLU()); }
        var output = new Linear(config.Width, 1, rng);
        // start the output near 0, inside the band |f| < δ: outside it the clamped loss is flat (no gradient at all)
        using (Autograd.NoGrad())
        {
            Optim.InPlace.Scale(output.Weight, 0.01);
            Optim.InPlace.Scale(output.Bias!, 0);
        }
        layers.Add(output);
        decoder = RegisterModule("decoder", new Sequential([.. layers]));
    }

    /// <summary>Codes [B, code] and points [B, P, 3] → SDF values [B, P].</summary>
    public Tensor Sdf(Tensor codes, Tensor points)
    {
        int b = points.Shape[0], p = points.Shape[1];
        var z = Op.BroadcastTo(Op.Unsqueeze(codes, 1), new Shape(b, p, Config.Code));
        return Op.Reshape(decoder.Forward(Op.Reshape(Op.Concat([points, z], 2), b * p, 3 + Config.Code)), b, p);
    }

    /// <summary>clamp(x, δ) = min(δ, max(−δ, x)).</summary>
    public Tensor ClampDelta(Tensor x) => Op.Clamp(x, -Config.Clamp, Config.Clamp);

    /// <summary>The clamped L1 loss of predictions against true SDF values, both [B, P].</summary>
    public Tensor Loss(Tensor predicted, Tensor truth) => Op.Mean(Op.Abs(ClampDelta(predicted) - ClampDelta(truth)));

    /// <summary>The field of one code for marching cubes: points [N, 3] → f(z, x) [N] (level 0).</summary>
    public Func<Tensor, Tensor> Field(Tensor code)
    {
        var z = Op.Reshape(code.Detach(), 1, Config.Code);
        return x => Op.Reshape(Sdf(z, Op.Unsqueeze(x, 0)), x.Shape[0]);
    }

    /// <summary>
    /// Auto-decoding a new shape from SDF samples (points [n·3], values [n]): a code starting at 0, optimised with Adam
    /// on the same clamped loss plus the prior while the decoder stays fixed.
    /// </summary>
    public Tensor FitCode(double[] points, double[] sdf, int steps, double learningRate, int batch, Rng rng)
    {
        var code = Tensor.Zeros([1, Config.Code]).RequireGrad();
        var adam = new Adam([code], learningRate);
        for (int s = 0; s < steps; s++)
        {
            var (x, y) = Draw(points, sdf, batch, rng);
            adam.ZeroGrad();
            var loss = Loss(Sdf(code, x), y) + Config.CodePrior * Op.Sum(Op.Square(code));
            code.Grad = Autograd.Grad(loss, code);
            adam.Step();
        }
        return code.Detach();
    }

    internal static (Tensor Points, Tensor Sdf) Draw(double[] points, double[] sdf, int count, Rng rng)
    {
        var x = new double[count * 3];
        var y = new double[count];
        for (int k = 0; k < count; k++)
        {
            int i = rng.NextInt(sdf.Length);
            for (int a = 0; a < 3; a++) x[3 * k + a] = points[3 * i + a];
            y[k] = sdf[i];
        }
        return (Tensor.FromArray(x, 1, count, 3).To(DType.Float32), Tensor.FromArray(y, 1, count).To(DType.Float32));
    }
}

/// <summary>
/// Trains <see cref="DeepSdf"/>: each step takes B shapes and P of each one's pre-drawn samples, and minimises the
/// clamped L1 loss plus (1/σ²)‖z‖² over the B codes (decoder and codes together, one Adam).
/// </summary>
public sealed class DeepSdfTrainer : ITrainer
{
    readonly DeepSdf model;
    readonly Adam adam;
    readonly Rng rng;
    readonly double[][] points, sdf;
    readonly int shapesPerStep, pointsPerShape;

    public DeepSdfTrainer(DeepSdf model, IReadOnlyList<GeneratedShape> shapes, int shapesPerStep, int pointsPerShape, double learningRate, ulong seed, int pool = 4096)
    {
        if (shapes.Count != model.Config.Shapes) throw new ArgumentException($"DeepSdfTrainer: the model has {model.Config.Shapes} codes for {shapes.Count} shapes");
        (this.model, this.shapesPerStep, this.pointsPerShape) = (model, shapesPerStep, pointsPerShape);
        rng = new Rng(seed);
        adam = new Adam(model.Parameters(), learningRate);
        var samples = shapes.Select(s => ShapeCollection.Samples(s, pool, rng)).ToArray();
        points = samples.Select(s => s.Points).ToArray();
        sdf = samples.Select(s => s.Sdf).ToArray();
    }

    public double Step()
    {
        int b = shapesPerStep, p = pointsPerShape;
        var ids = new int[b];
        var xs = new List<Tensor>();
        var ys = new List<Tensor>();
        for (int s = 0; s < b; s++)
        {
            ids[s] = rng.NextInt(points.Length);
            var (x, y) = DeepSdf.Draw(points[ids[s]], sdf[ids[s]], p, rng);
            xs.Add(x);
            ys.Add(y);
        }
        adam.ZeroGrad();
        var codes = Op.IndexSelect(model.Codes, 0, ids);                             // [B, code]
        var loss = model.Loss(model.Sdf(codes, Op.Concat(xs, 0)), Op.Concat(ys, 0));
        var total = loss + model.Config.CodePrior * Op.Sum(Op.Square(codes)) / b;
        total.Backward();
        adam.Step();
        return loss.Item();
    }
}
