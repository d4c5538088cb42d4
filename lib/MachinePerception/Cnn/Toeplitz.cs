using MachinePerception.Tensors;

namespace MachinePerception.Cnn;

/// <summary>
/// 1-D convolution as a matrix product (§11, "1D conv as matmul"). The full convolution y = k * x of a signal
/// x of length n with a kernel k of length K has length n + K − 1 and y_i = Σ_j k_{i−j} x_j, so y = T x with the
/// Toeplitz matrix T_{ij} = k_{i−j} (zero outside 0 ≤ i − j &lt; K): column j is the kernel shifted down by j,
/// the first column reads k₁, k₂, k₃, 0, … as in the summary.
/// </summary>
public static class Toeplitz
{
    /// <summary>The (n + K − 1) × n matrix T with T x = k * x (full convolution), in float64.</summary>
    public static Tensor FullConvolution(double[] kernel, int n)
    {
        if (kernel.Length == 0 || n < 1)
            throw new ArgumentException($"Toeplitz.FullConvolution: kernel length {kernel.Length} and signal length {n} must be positive");
        int rows = n + kernel.Length - 1;
        var t = new double[rows, n];
        for (int j = 0; j < n; j++)
            for (int m = 0; m < kernel.Length; m++)
                t[j + m, j] = kernel[m]; // T_{ij} = k_{i−j}
        return Tensor.FromArray(t);
    }

    /// <summary>
    /// The impulse response of a linear map on length-n signals: its image of the unit impulse e₀. For a linear
    /// shift-equivariant map this one vector determines the map, which is then the convolution with it (§11).
    /// </summary>
    public static double[] ImpulseResponse(Func<double[], double[]> map, int n)
    {
        var impulse = new double[n];
        impulse[0] = 1;
        return map(impulse);
    }
}
