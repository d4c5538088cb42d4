using MachinePerception.Autodiff;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

// Softmax and log-softmax along an axis. The backend computes both on the last axis of a [rows, n] view,
// subtracting the row maximum first (softmax is shift-invariant), so large logits never overflow.
public static partial class Op
{
    /// <summary>
    /// softmax(x)_j = e^{x_j} / Σ_k e^{x_k} along <paramref name="axis"/> (§10.2 classification, §3 attention weights).
    /// Backward (Jacobian diag(y) − y yᵀ applied to g): y ⊙ (g − Σ_k g_k y_k).
    /// </summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => SoftmaxAlong(x, axis, log: false);

    /// <summary>
    /// log softmax(x)_j = x_j − log Σ_k e^{x_k} along <paramref name="axis"/>: the log-probabilities of a categorical
    /// distribution, exact even where softmax underflows. Backward: g − softmax(x) · Σ_k g_k.
    /// </summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => SoftmaxAlong(x, axis, log: true);

    static Tensor SoftmaxAlong(Tensor x, int axis, bool log)
    {
        string name = log ? "log_softmax" : "softmax";
        if (x.Rank == 0) throw new ArgumentException($"{name}: needs at least one axis, got a scalar {x.Shape}");
        int a = Shape.NormalizeAxis(axis, x.Rank, name);
        if (a != x.Rank - 1)
        {
            // swap the axis to the end and back (a swap is its own inverse)
            var swap = Enumerable.Range(0, x.Rank).ToArray();
            (swap[a], swap[^1]) = (swap[^1], swap[a]);
            return Permute(SoftmaxAlong(Permute(x, swap), -1, log), swap);
        }
        int n = x.Shape[a], rows = n == 0 ? 0 : x.Size / n;
        var y = New(x, x.Shape);
        if (x.Size > 0) B(x).Softmax(x, y, rows, n, log);
        // both rules use the op's own output y, so a gradient of the gradient flows through it
        return Autograd.Record(y, name, [x], g => log
            ? [g - Exp(y) * Sum(g, [-1], keepDims: true)]
            : [y * (g - Sum(g * y, [-1], keepDims: true))]);
    }
}
