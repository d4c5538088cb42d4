using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// Weight initialisation: every scheme draws from a seeded <see cref="Rng"/>, so the same seed gives the same
/// weights on every machine. The variance-preserving schemes keep activations and gradients at a similar scale
/// from layer to layer (Glorot &amp; Bengio 2010; He et al. 2015); orthogonal weights keep every singular value at 1,
/// which matters for recurrent matrices (§12, vanishing and exploding gradients).
/// </summary>
public static class Init
{
    /// <summary>
    /// (fan_in, fan_out) of a weight: a matrix [out, in] has fan_in = in, fan_out = out; a convolution kernel
    /// [out, in, k...] multiplies both by the number of kernel taps (each input feeds that many products).
    /// </summary>
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        if (shape.Rank < 2) throw new ArgumentException($"Init.Fans: a weight needs rank ≥ 2, got {shape}");
        int taps = 1;
        for (int i = 2; i < shape.Rank; i++) taps *= shape[i];
        return (shape[1] * taps, shape[0] * taps);
    }

    /// <summary>Uniform in [lo, hi).</summary>
    public static Tensor Uniform(Shape shape, Rng rng, double lo, double hi, DType dtype = DType.Float32) =>
        rng.Uniform(shape, lo, hi, dtype);

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public static Tensor Normal(Shape shape, Rng rng, double mean, double std, DType dtype = DType.Float32) =>
        rng.Normal(shape, mean, std, dtype);

    /// <summary>All zeros (biases).</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32) => Tensor.Zeros(shape, dtype);

    /// <summary>Every entry equal to <paramref name="value"/> (e.g. LayerNorm's gain 1, an LSTM forget-gate bias).</summary>
    public static Tensor Constant(Shape shape, double value, DType dtype = DType.Float32) => Tensor.Full(shape, value, dtype);

    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = gain·√(6/(fan_in + fan_out)), so Var = gain²·2/(fan_in + fan_out).</summary>
    public static Tensor XavierUniform(Shape shape, Rng rng, double gain = 1, DType dtype = DType.Float32)
    {
        var (fanIn, fanOut) = Fans(shape);
        double a = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return rng.Uniform(shape, -a, a, dtype);
    }

    /// <summary>Glorot/Xavier normal: N(0, σ²) with σ = gain·√(2/(fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Shape shape, Rng rng, double gain = 1, DType dtype = DType.Float32)
    {
        var (fanIn, fanOut) = Fans(shape);
        return rng.Normal(shape, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), dtype);
    }

    /// <summary>
    /// Kaiming/He uniform: U(−a, a) with a = gain·√(3/fan), Var = gain²/fan. The default gain √2 compensates
    /// ReLU zeroing half of its inputs; fan is fan_in (forward pass) or fan_out (backward pass).
    /// </summary>
    public static Tensor KaimingUniform(Shape shape, Rng rng, double gain = 1.4142135623730951, bool fanOut = false, DType dtype = DType.Float32)
    {
        var fans = Fans(shape);
        double a = gain * Math.Sqrt(3.0 / (fanOut ? fans.FanOut : fans.FanIn));
        return rng.Uniform(shape, -a, a, dtype);
    }

    /// <summary>Kaiming/He normal: N(0, σ²) with σ = gain/√fan (default gain √2, for ReLU).</summary>
    public static Tensor KaimingNormal(Shape shape, Rng rng, double gain = 1.4142135623730951, bool fanOut = false, DType dtype = DType.Float32)
    {
        var fans = Fans(shape);
        return rng.Normal(shape, 0, gain / Math.Sqrt(fanOut ? fans.FanOut : fans.FanIn), dtype);
    }

    /// <summary>
    /// A (semi-)orthogonal matrix times <paramref name="gain"/>: the Q of the QR factorisation of a Gaussian matrix,
    /// with Q's columns multiplied by the signs of R's diagonal so that Q is uniformly distributed (Haar measure),
    /// not biased by the factorisation's sign convention. A [rows, cols...] shape is treated as rows × (the rest):
    /// WᵀW = I when rows ≥ cols, WWᵀ = I otherwise.
    /// </summary>
    public static Tensor Orthogonal(Shape shape, Rng rng, double gain = 1, DType dtype = DType.Float32)
    {
        if (shape.Rank < 2) throw new ArgumentException($"Init.Orthogonal: needs rank ≥ 2, got {shape}");
        int rows = shape[0], cols = shape.Size / Math.Max(rows, 1);
        int tall = Math.Max(rows, cols), wide = Math.Min(rows, cols);
        var g = rng.Normal([tall, wide], dtype: DType.Float64).ToDoubleArray();
        var a = Matrix<double>.Build.Dense(tall, wide, (i, j) => g[i * wide + j]);
        var qr = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var q = qr.Q; // [tall, wide], orthonormal columns
        var r = qr.R;
        var w = new double[rows * cols];
        for (int i = 0; i < tall; i++)
            for (int j = 0; j < wide; j++)
            {
                double v = gain * q[i, j] * (r[j, j] < 0 ? -1 : 1);
                // rows < cols: the wanted matrix is Qᵀ, whose rows are orthonormal
                if (rows >= cols) w[i * cols + j] = v;
                else w[j * cols + i] = v;
            }
        var t = Tensor.FromArray(w, shape.ToArray());
        return dtype == DType.Float64 ? t : t.To(dtype);
    }
}
