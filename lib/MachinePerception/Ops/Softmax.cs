using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

// Softmax and log-softmax along an axis. The backend computes both on the last axis of a [rows, n] view,
// subtracting the row maximum first (softmax is shift-invariant), so large logits never overflow; other axes
// use the same shifted formula built from reductions along that axis.
public static partial class Op
{
    /// <summary>
    /// softmax(x)_j = e^{x_j} / Σ_k e^{x_k} along <paramref name="axis"/> (§3.1 attention weights, §10 cross-entropy).
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
        Tensor y;
        if (a == x.Rank - 1)
        {
            int n = x.Shape[a], rows = n == 0 ? 0 : x.Size / n;
            y = Empty(x, x.Shape);
            if (x.Size > 0) B(x).Softmax(x, y, rows, n, log);
        }
        else if (x.Size == 0) y = New(x, x.Shape);
        else
        {
            // another axis: the same shifted formula from reductions along it (no transposed copies)
            using var _ = Autograd.NoGrad();
            var shifted = x - ReduceAxis(ReduceOp.Max, x, a);
            var e = Exp(shifted);
            var sum = Sum(e, [a], keepDims: true);
            y = log ? shifted - Log(sum) : e / sum;
        }
        // both rules use the op's own output y, so a gradient of the gradient flows through it
        return Autograd.Record(y, name, [x], g => log
            ? [g - Exp(y) * Sum(g, [a], keepDims: true)]
            : [y * (g - Sum(g * y, [a], keepDims: true))]);
    }
}
