using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The summary's training algorithm (§6) for vectors, as the chapter's toy experiments run it: repeat { x_0 from the data,
/// t ~ Unif{1 … T}, ε ~ N(0, I), a gradient step on ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖² }, with Adam and a cosine
/// decay of the learning rate. Returns the mean loss of each block of logEvery steps.
/// </summary>
public static class DiffusionTraining
{
    public static double[] Train<TModel>(TModel model, NoiseSchedule schedule, Tensor data, int steps, int batchSize, double learningRate,
        Rng rng, int logEvery = 100) where TModel : Module, INoisePredictor
    {
        if (data.Rank != 2) throw new ArgumentException($"DiffusionTraining.Train: expected data [N, D], got {data.Shape}");
        if (steps < 1 || batchSize < 1 || logEvery < 1) throw new ArgumentException($"DiffusionTraining.Train: steps, batch size and logEvery must be ≥ 1, got {steps}, {batchSize}, {logEvery}");
        var adam = new Adam(model.Parameters(), learningRate);
        var rate = new CosineDecay(learningRate, steps);
        var log = new List<double>();
        double block = 0;
        for (int step = 0; step < steps; step++)
        {
            var rows = Enumerable.Range(0, batchSize).Select(_ => rng.NextInt(data.Shape[0])).ToArray();
            rate.Apply(adam, step);
            adam.ZeroGrad();
            var loss = Ddpm.Loss(model, schedule, Op.IndexSelect(data, 0, rows), rng);
            loss.Backward();
            adam.Step();
            block += loss.Item();
            if ((step + 1) % logEvery == 0) { log.Add(block / logEvery); block = 0; }
        }
        return [.. log];
    }
}
