using MachinePerception.Checkpoints;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// The training loop of the image flows of §4 (Glow, SRFlow), one step at a time for <c>book train</c>: draw a batch of
/// training images with a seeded <see cref="Rng"/>, dequantize it with the same generator, and take an Adam step on the
/// mean negative log-likelihood in bits per dimension (the −log 256 per pixel included), with a linear warm-up and a
/// cosine decay of the learning rate and clipping of the gradient's global norm. Returns each step's bits/dim.
/// </summary>
public sealed class DequantizedImageTrainer : ITrainer
{
    readonly Module model;
    readonly Func<Tensor, Tensor, int[], Tensor> logProb;
    readonly Tensor images;
    readonly int batchSize;
    readonly double clipNorm;
    readonly Adam optimizer;
    readonly LearningRateSchedule schedule;
    readonly Rng rng;
    readonly int dimensions;
    int step;

    // logProb(y, x, rows): log p of the dequantized batch y [B, C, H, W], given the original batch x and the rows drawn
    // (for conditions computed from x); images: the training set in [0, 1], [N, C, H, W]
    public DequantizedImageTrainer(Module model, Func<Tensor, Tensor, int[], Tensor> logProb, Tensor images, int batchSize, double learningRate,
        int warmupSteps, int totalSteps, double clipNorm, Rng rng, int initializationBatch = 0)
    {
        this.model = model;
        this.logProb = logProb;
        this.images = images;
        this.batchSize = batchSize;
        this.clipNorm = clipNorm;
        this.rng = rng;
        dimensions = images.Size / images.Shape[0];
        optimizer = new Adam(model.Parameters(), learningRate);
        schedule = new LinearWarmup(warmupSteps, new CosineDecay(learningRate, Math.Max(1, totalSteps - warmupSteps), learningRate / 10));
        if (initializationBatch > 0)
        {
            // ActNorm's data-dependent initialisation sees one larger batch before the first step
            var rows = Rows(initializationBatch);
            var x = Op.IndexSelect(images, 0, rows);
            logProb(Dequantization.Uniform(x, rng), x, rows);
        }
    }

    int[] Rows(int n)
    {
        var rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = rng.NextInt(images.Shape[0]);
        return rows;
    }

    public double Step()
    {
        schedule.Apply(optimizer, step++);
        var rows = Rows(batchSize);
        var x = Op.IndexSelect(images, 0, rows);
        var nats = -Op.Mean(logProb(Dequantization.Uniform(x, rng), x, rows));
        var bits = (nats + dimensions * Math.Log(Dequantization.Levels)) * (1 / (dimensions * Math.Log(2)));
        optimizer.ZeroGrad();
        bits.Backward();
        if (clipNorm > 0) GradientClipping.ClipByGlobalNorm(model.Parameters(), clipNorm);
        optimizer.Step();
        return bits.Item();
    }
}
