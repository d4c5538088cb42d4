using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>A training run: the loss and the gradient norm (before clipping) of every update, and the final test MSE.</summary>
public sealed record TrainingRun(double[] Loss, double[] GradientNorm, double TestMse);

/// <summary>
/// Training loops for the recurrent experiments of §12: full BPTT on the adding problem (a sequence-to-one task),
/// and truncated BPTT on a stream (the state is carried from chunk to chunk, its gradient is cut after κ steps),
/// both with optional gradient clipping by norm.
/// </summary>
public static class RecurrentTraining
{
    /// <summary>
    /// Full BPTT on the adding problem: every update draws a fresh batch of sequences of <paramref name="length"/>
    /// steps; the test MSE is measured on <paramref name="testSize"/> sequences drawn once from <paramref name="rng"/>.
    /// </summary>
    public static TrainingRun AddingProblem(RecurrentRegressor model, Optimizer optimizer, int length, int steps, int batch, Rng rng,
        double? clipNorm = null, int testSize = 500)
    {
        var dtype = model.Parameters()[0].DType;
        var (testX, testY) = Rnn.AddingProblem.Sample(testSize, length, rng.Fork(), dtype);
        var loss = new double[steps];
        var norms = new double[steps];
        for (int s = 0; s < steps; s++)
        {
            var (x, y) = Rnn.AddingProblem.Sample(batch, length, rng, dtype);
            optimizer.ZeroGrad();
            var l = Losses.Mse(model.PredictLast(x), y);
            l.Backward();
            loss[s] = l.Item();
            norms[s] = Update(optimizer, clipNorm);
        }
        double test;
        using (Autograd.NoGrad()) test = Losses.Mse(model.PredictLast(testX), testY).Item();
        return new(loss, norms, test);
    }

    /// <summary>
    /// Truncated BPTT on the delayed echo: <paramref name="batch"/> streams are cut into chunks of κ =
    /// <paramref name="window"/> steps; each chunk is one update, and the state enters the next chunk detached, so no
    /// gradient reaches further back than κ steps. The test MSE is over a fresh stream of <paramref name="testLength"/>
    /// steps, run in one piece, skipping the first <paramref name="delay"/> steps (their targets are 0 by definition).
    /// </summary>
    public static TrainingRun TruncatedBptt(RecurrentRegressor model, Optimizer optimizer, int delay, int window, int steps, int batch, Rng rng,
        double? clipNorm = null, int testLength = 400)
    {
        if (window < 1) throw new ArgumentException($"RecurrentTraining.TruncatedBptt: window κ = {window} must be ≥ 1");
        var dtype = model.Parameters()[0].DType;
        var (testX, testY) = EchoTask.Sample(16, testLength, delay, rng.Fork(), dtype);
        var (x, y) = EchoTask.Sample(batch, steps * window, delay, rng, dtype);
        var loss = new double[steps];
        var norms = new double[steps];
        RecurrentState? state = null;
        for (int s = 0; s < steps; s++)
        {
            optimizer.ZeroGrad();
            var (pred, last) = model.PredictEach(Op.Slice(x, 0, s * window, window), state?.Detach());
            var l = Losses.Mse(pred, Op.Slice(y, 0, s * window, window));
            l.Backward();
            loss[s] = l.Item();
            norms[s] = Update(optimizer, clipNorm);
            state = last;
        }
        double test;
        using (Autograd.NoGrad())
        {
            var (pred, _) = model.PredictEach(testX);
            test = Losses.Mse(Op.Slice(pred, 0, delay, testLength - delay), Op.Slice(testY, 0, delay, testLength - delay)).Item();
        }
        return new(loss, norms, test);
    }

    /// <summary>Clips (when asked) and steps; returns the gradient norm before clipping.</summary>
    static double Update(Optimizer optimizer, double? clipNorm)
    {
        double norm = clipNorm is double c
            ? GradientClipping.ClipByGlobalNorm(optimizer.Parameters, c)
            : GradientClipping.ClipByGlobalNorm(optimizer.Parameters, double.PositiveInfinity);
        optimizer.Step();
        return norm;
    }
}
