using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// Maximum likelihood for flows (§4): minimise the mean negative log-likelihood −(1/B) Σ_i log p(x_i) over random
/// mini-batches with Adam. The exact likelihood is the objective itself: no bound, no discriminator.
/// </summary>
public static class FlowTraining
{
    /// <summary>
    /// <paramref name="steps"/> Adam steps on batches drawn with replacement from the rows of <paramref name="data"/>
    /// (and the matching rows of <paramref name="condition"/>); returns the loss −mean log p of every step.
    /// </summary>
    public static double[] Fit(Module model, Func<Tensor, Tensor?, Tensor> logProb, Tensor data, int steps, int batchSize, double learningRate,
        Rng rng, Tensor? condition = null, double clipNorm = 0)
    {
        if (condition is not null && condition.Shape[0] != data.Shape[0])
            throw new ArgumentException($"FlowTraining.Fit: {condition.Shape[0]} conditions for {data.Shape[0]} data rows");
        var optimizer = new Adam(model.Parameters(), learningRate);
        var losses = new double[steps];
        int n = data.Shape[0];
        for (int step = 0; step < steps; step++)
        {
            var rows = new int[batchSize];
            for (int i = 0; i < batchSize; i++) rows[i] = rng.NextInt(n);
            var x = Op.IndexSelect(data, 0, rows);
            var c = condition is null ? null : Op.IndexSelect(condition, 0, rows);
            var loss = -Op.Mean(logProb(x, c));
            optimizer.ZeroGrad();
            loss.Backward();
            if (clipNorm > 0) GradientClipping.ClipByGlobalNorm(model.Parameters(), clipNorm);
            optimizer.Step();
            losses[step] = loss.Item();
        }
        return losses;
    }

    /// <summary>The mean of −log p over all rows, in batches without gradients (a test NLL in nats).</summary>
    public static double MeanNegativeLogLikelihood(Func<Tensor, Tensor?, Tensor> logProb, Tensor data, Tensor? condition = null, int batchSize = 1000)
    {
        using var _ = Autodiff.Autograd.NoGrad();
        double total = 0;
        int n = data.Shape[0];
        for (int start = 0; start < n; start += batchSize)
        {
            int len = Math.Min(batchSize, n - start);
            var x = Op.Slice(data, 0, start, len);
            var c = condition is null ? null : Op.Slice(condition, 0, start, len);
            total -= Op.Sum(logProb(x, c)).Item();
        }
        return total / n;
    }
}
