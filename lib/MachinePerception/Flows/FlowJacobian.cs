using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Flows;

/// <summary>
/// The full Jacobian of a map of one example by reverse-mode autodiff, one row per output entry (n backward passes
/// for n outputs), and its log-determinant by MathNet's LU factorisation — the brute-force O(n³) reference that a
/// flow layer's cheap log|det| is checked against (§4).
/// </summary>
public static class FlowJacobian
{
    /// <summary>∂f(x)/∂x as an n×n matrix (n = x.Size), x a single example such as [1, D] or [1, C, H, W]; float64.</summary>
    public static Matrix<double> Of(Func<Tensor, Tensor> f, Tensor x)
    {
        if (x.DType != DType.Float64) throw new ArgumentException($"FlowJacobian.Of: use float64 inputs for a reference Jacobian, got {x.DType.Name()}");
        var leaf = x.Detach().Clone().RequireGrad();
        var y = f(leaf);
        if (y.Size != x.Size) throw new ArgumentException($"FlowJacobian.Of: f maps {x.Shape} to {y.Shape}; a flow keeps the number of entries");
        int n = x.Size;
        var j = Matrix<double>.Build.Dense(n, n);
        var flat = Op.Reshape(y, n);
        for (int r = 0; r < n; r++)
        {
            var e = new double[n];
            e[r] = 1;
            var row = Autograd.Grad([flat], [leaf], [Tensor.FromArray(e, n)])[0]!.ToDoubleArray();
            for (int c = 0; c < n; c++) j[r, c] = row[c];
        }
        return j;
    }

    /// <summary>log|det J| from an LU factorisation (MathNet), O(n³).</summary>
    public static double LogAbsDet(Matrix<double> j)
    {
        var lu = j.LU();
        return lu.U.Diagonal().Sum(v => Math.Log(Math.Abs(v)));
    }
}
