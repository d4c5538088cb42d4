using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>
/// A delayed echo, the stream task used to show truncated BPTT (§12): inputs x_t uniform in [−1, 1] and targets
/// y_t = x_{t−d} (0 for t ≤ d). The output at t depends on an input d steps back, so a gradient that is cut after
/// κ &lt; d steps never sees where the answer came from. Predicting 0 gives MSE = Var(x) = 1/3.
/// </summary>
public static class EchoTask
{
    /// <summary>The MSE of predicting 0 everywhere.</summary>
    public const double BaselineMse = 1.0 / 3;

    /// <summary>A batch of streams: X [T, B, 1] and Y [T, B, 1].</summary>
    public static (Tensor X, Tensor Y) Sample(int batch, int length, int delay, Rng rng, DType dtype = DType.Float32)
    {
        if (batch <= 0 || length <= 0 || delay < 0)
            throw new ArgumentException($"EchoTask.Sample: need batch, length ≥ 1 and delay ≥ 0, got {batch}, {length}, {delay}");
        var x = new double[length * batch];
        var y = new double[length * batch];
        for (int i = 0; i < x.Length; i++) x[i] = 2 * rng.NextDouble() - 1; // [t, b]
        for (int t = delay; t < length; t++)
            for (int b = 0; b < batch; b++) y[t * batch + b] = x[(t - delay) * batch + b];
        return (Tensor.FromArray(x, length, batch, 1).To(dtype), Tensor.FromArray(y, length, batch, 1).To(dtype));
    }
}
