using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

// Matrix products. The backward of C = A·B is ∂L/∂A = ∂L/∂C · Bᵀ and ∂L/∂B = Aᵀ · ∂L/∂C,
// written with the transpose flags so that no transposed copy is made.
public static partial class Op
{
    /// <summary>
    /// op(a) · op(b) where op transposes the last two axes when asked. Ranks: a vector (1), a matrix (2) or
    /// a batch of matrices (3); a 2-D operand is shared by every matrix of a batched one.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        Guard.SameDTypeAndDevice("matmul", a, b);
        if (a.Rank == 1 || b.Rank == 1)
        {
            if (transA || transB) throw new ArgumentException("matmul: transpose flags need matrices");
            // a vector is a 1×K row on the left or a K×1 column on the right
            var a2 = a.Rank == 1 ? Reshape(a, 1, a.Size) : a;
            var b2 = b.Rank == 1 ? Reshape(b, b.Size, 1) : b;
            var c2 = MatMul(a2, b2);
            var dims = c2.Shape.ToArray().ToList();
            if (b.Rank == 1) dims.RemoveAt(dims.Count - 1);
            if (a.Rank == 1) dims.RemoveAt(dims.Count - (b.Rank == 1 ? 1 : 2));
            return Reshape(c2, dims.ToArray());
        }
        Guard.Rank("matmul", a, 2, 3);
        Guard.Rank("matmul", b, 2, 3);
        int m = transA ? a.Shape[-1] : a.Shape[-2], k = transA ? a.Shape[-2] : a.Shape[-1];
        int kb = transB ? b.Shape[-1] : b.Shape[-2], n = transB ? b.Shape[-2] : b.Shape[-1];
        if (k != kb)
            throw new ArgumentException($"matmul: inner dimensions differ: {a.Shape}{(transA ? "ᵀ" : "")} · {b.Shape}{(transB ? "ᵀ" : "")} ({k} vs {kb})");
        int batchA = a.Rank == 3 ? a.Shape[0] : 1, batchB = b.Rank == 3 ? b.Shape[0] : 1;
        if (batchA != batchB && batchA != 1 && batchB != 1)
            throw new ArgumentException($"matmul: batch sizes differ: {a.Shape} · {b.Shape}");
        int batch = Math.Max(batchA, batchB);
        var y = Empty(a, a.Rank == 3 || b.Rank == 3 ? new Shape(batch, m, n) : new Shape(m, n));
        B(a).MatMul(a, b, y, batch, m, n, k, transA, transB);
        // an operand that needs no gradient (a network's input) gets none: that product would be a third of the backward work
        return Autograd.Record(y, "matmul", [a, b], g =>
            [a.RequiresGrad ? SumTo(GradA(g), a.Shape) : null, b.RequiresGrad ? SumTo(GradB(g), b.Shape) : null]);

        Tensor GradA(Tensor g) => (transA, transB) switch
        {
            (false, false) => MatMul(g, b, false, true),
            (true, false) => MatMul(b, g, false, true),
            (false, true) => MatMul(g, b, false, false),
            (true, true) => MatMul(b, g, true, true),
        };

        Tensor GradB(Tensor g) => (transA, transB) switch
        {
            (false, false) => MatMul(a, g, true, false),
            (true, false) => MatMul(a, g, false, false),
            (false, true) => MatMul(g, a, true, false),
            (true, true) => MatMul(g, a, true, true),
        };
    }
    /// <summary>
    /// x · wᵀ + b for x [N, in], w [out, in], b [out] (a linear layer, §10): the product's fresh result takes the bias in
    /// place, one pass and one tensor fewer than MatMul then Add. Backward: ∂x = g·w, ∂w = gᵀ·x, ∂b = Σ_rows g.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor w, Tensor? b = null)
    {
        Guard.SameDTypeAndDevice("linear", x, w);
        if (x.Rank != 2 || w.Rank != 2 || x.Shape[1] != w.Shape[1])
            throw new ArgumentException($"linear: expected x [N, in] and w [out, in], got x {x.Shape} and w {w.Shape}");
        int n = x.Shape[0], inFeatures = x.Shape[1], outFeatures = w.Shape[0];
        if (b is not null)
        {
            Guard.SameDTypeAndDevice("linear", x, b);
            if (b.Rank != 1 || b.Shape[0] != outFeatures)
                throw new ArgumentException($"linear: bias must be [{outFeatures}], got {b.Shape} (w {w.Shape})");
        }
        var y = Empty(x, new Shape(n, outFeatures));
        B(x).MatMul(x, w, y, 1, n, outFeatures, inFeatures, false, true);
        if (b is null)
            return Autograd.Record(y, "linear", [x, w], g => [x.RequiresGrad ? MatMul(g, w) : null, w.RequiresGrad ? MatMul(g, x, transA: true) : null]);
        B(x).Binary(BinaryOp.Add, y, b, y); // y is this op's own fresh result
        return Autograd.Record(y, "linear", [x, w, b], g => [
            x.RequiresGrad ? MatMul(g, w) : null,
            w.RequiresGrad ? MatMul(g, x, transA: true) : null,
            b.RequiresGrad ? Sum(g, [0]) : null]);
    }
}
