using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>
/// The adding problem (Hochreiter &amp; Schmidhuber 1997), a long-range task for §12.1: each step carries a value
/// uniform in [0, 1] and a marker; exactly two markers are 1, one in each half of the sequence, and the target
/// is the sum of the two marked values. The first marker lies at least T/2 steps before the end, so the network
/// must carry it that far. Predicting the mean 1 always gives MSE = Var(u₁ + u₂) = 1/6.
/// </summary>
public static class AddingProblem
{
    /// <summary>The MSE of the constant prediction 1, the score of a network that learned nothing.</summary>
    public const double BaselineMse = 1.0 / 6;

    /// <summary>A batch: X [T, B, 2] (value, marker) and Y [B, 1].</summary>
    public static (Tensor X, Tensor Y) Sample(int batch, int length, Rng rng, DType dtype = DType.Float32)
    {
        if (batch <= 0 || length < 2)
            throw new ArgumentException($"AddingProblem.Sample: need batch ≥ 1 and length ≥ 2, got batch = {batch}, length = {length}");
        var x = new double[length * batch * 2];
        var y = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            int half = length / 2;
            int first = rng.NextInt(half), second = half + rng.NextInt(length - half);
            for (int t = 0; t < length; t++)
            {
                double u = rng.NextDouble();
                int at = (t * batch + b) * 2; // [t, b, channel]
                x[at] = u;
                if (t == first || t == second) { x[at + 1] = 1; y[b] += u; }
            }
        }
        return (Tensor.FromArray(x, length, batch, 2).To(dtype), Tensor.FromArray(y, batch, 1).To(dtype));
    }
}
