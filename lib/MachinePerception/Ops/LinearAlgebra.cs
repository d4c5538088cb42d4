using MachinePerception.Autodiff;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

// Square-matrix functions that normalizing flows need (§4): the log-determinant of a 1×1 convolution's weight
// and its inverse. Both run an LU factorisation with partial pivoting, P A = L U, in plain float64 loops on the
// CPU (the matrices are C×C with C a channel count: tiny), and return a tensor of A's dtype and device.
//
// Backward rules (matrix calculus, e.g. The Matrix Cookbook, eqs. 51 and 59):
//     ∂ log|det A| / ∂A = A⁻ᵀ,
//     d(A⁻¹) = −A⁻¹ (dA) A⁻¹    ⇒    ∂L/∂A = −A⁻ᵀ (∂L/∂A⁻¹) A⁻ᵀ.
// Both are written with ops (Inverse, MatMul, Transpose), so they can be differentiated again.
public static partial class Op
{
    /// <summary>
    /// log|det A| of a square matrix A [n, n] (a scalar), from the LU factorisation: Σ log|U_ii|. Costs O(n³).
    /// Backward: g · A⁻ᵀ. Throws on a singular matrix (a zero pivot). Used for the full 1×1 convolution of Glow (§4).
    /// </summary>
    public static Tensor LogAbsDet(Tensor a)
    {
        const string op = "logabsdet";
        int n = SquareSize(op, a);
        var (lu, _, _) = LuFactor(op, a.ToDoubleArray(), n);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.Log(Math.Abs(lu[i * n + i]));
        var y = Tensor.Full(new Shape(), sum, a.DType, a.Device);
        return Autograd.Record(y, op, [a], g => [g * Transpose(Inverse(a))]);
    }

    /// <summary>
    /// The sign of det A (+1 or −1) from the LU factorisation: the parity of the row swaps times the signs of the
    /// pivots. Not differentiable (piecewise constant). Together with <see cref="LogAbsDet"/>: det A = sign · e^{log|det A|}.
    /// </summary>
    public static double DetSign(Tensor a)
    {
        const string op = "detsign";
        int n = SquareSize(op, a);
        var (lu, _, swaps) = LuFactor(op, a.ToDoubleArray(), n);
        double sign = swaps % 2 == 0 ? 1 : -1;
        for (int i = 0; i < n; i++) sign *= Math.Sign(lu[i * n + i]);
        return sign;
    }

    /// <summary>
    /// A⁻¹ of a square matrix A [n, n], solving A X = I column by column with the LU factors. Backward:
    /// −A⁻ᵀ G A⁻ᵀ. Throws on a singular matrix. Used for the inverse of a 1×1 convolution (§4).
    /// </summary>
    public static Tensor Inverse(Tensor a)
    {
        const string op = "inverse";
        int n = SquareSize(op, a);
        var (lu, pivot, _) = LuFactor(op, a.ToDoubleArray(), n);
        var inv = new double[n * n];
        var column = new double[n];
        for (int c = 0; c < n; c++)
        {
            // P A = L U: solve L y = P e_c (forward), then U x = y (backward)
            for (int i = 0; i < n; i++) column[i] = pivot[i] == c ? 1 : 0;
            for (int i = 0; i < n; i++)
                for (int k = 0; k < i; k++) column[i] -= lu[i * n + k] * column[k];
            for (int i = n - 1; i >= 0; i--)
            {
                for (int k = i + 1; k < n; k++) column[i] -= lu[i * n + k] * column[k];
                column[i] /= lu[i * n + i];
            }
            for (int i = 0; i < n; i++) inv[i * n + c] = column[i];
        }
        var y = Tensor.FromArray(inv, n, n).To(a.DType).To(a.Device);   // a fresh leaf: nothing is recorded yet
        return Autograd.Record(y, op, [a], g => [Neg(MatMul(MatMul(y, g, transA: true), y, transB: true))]);
    }

    static int SquareSize(string op, Tensor a)
    {
        if (a.Rank != 2 || a.Shape[0] != a.Shape[1] || a.Shape[0] == 0)
            throw new ArgumentException($"{op}: needs a non-empty square matrix [n, n], got {a.Shape}");
        return a.Shape[0];
    }

    /// <summary>
    /// Doolittle LU with partial pivoting of the row-major n×n matrix: returns the packed factors (L below the
    /// diagonal with an implicit unit diagonal, U on and above it), pivot[i] = the original row now in row i, and the
    /// number of row swaps.
    /// </summary>
    internal static (double[] Lu, int[] Pivot, int Swaps) LuFactor(string op, double[] a, int n)
    {
        var lu = (double[])a.Clone();
        var pivot = Enumerable.Range(0, n).ToArray();
        int swaps = 0;
        double scale = 0;
        foreach (var v in a) scale = Math.Max(scale, Math.Abs(v));
        for (int k = 0; k < n; k++)
        {
            int p = k;
            for (int i = k + 1; i < n; i++)
                if (Math.Abs(lu[i * n + k]) > Math.Abs(lu[p * n + k])) p = i;
            if (!(Math.Abs(lu[p * n + k]) > 1e-300) || Math.Abs(lu[p * n + k]) <= scale * n * 1e-15)
                throw new ArgumentException($"{op}: the {n}×{n} matrix is singular (pivot {lu[p * n + k]:G3} in column {k})");
            if (p != k)
            {
                for (int j = 0; j < n; j++) (lu[k * n + j], lu[p * n + j]) = (lu[p * n + j], lu[k * n + j]);
                (pivot[k], pivot[p]) = (pivot[p], pivot[k]);
                swaps++;
            }
            for (int i = k + 1; i < n; i++)
            {
                double f = lu[i * n + k] /= lu[k * n + k];
                for (int j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
            }
        }
        return (lu, pivot, swaps);
    }
}
