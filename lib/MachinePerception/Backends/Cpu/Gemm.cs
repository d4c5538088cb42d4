using System.Numerics;
using System.Numerics.Tensors;

namespace MachinePerception.Backends;

/// <summary>
/// General matrix multiply C = op(A)·op(B) on the CPU, row-major. Each row of C is owned by one thread,
/// and summed in a fixed order, so the result does not depend on the number of threads.
/// </summary>
public static class Gemm
{
    public static void Multiply<T>(Memory<T> a, Memory<T> b, Memory<T> c, int m, int n, int k, bool transA, bool transB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // bring both operands to the plain layout: A [m, k], B [k, n]
        var A = transA ? Transpose(a.Span, k, m) : a;
        var B = transB ? Transpose(b.Span, n, k) : b;
        CpuParallel.For(m, 2L * n * k, (i0, i1) =>
        {
            var As = A.Span; var Bs = B.Span; var Cs = c.Span;
            for (int i = i0; i < i1; i++)
            {
                var row = Cs.Slice(i * n, n);
                row.Clear();
                for (int p = 0; p < k; p++)
                {
                    T aip = As[i * k + p];
                    TensorPrimitives.MultiplyAdd(Bs.Slice(p * n, n), aip, row, row);
                }
            }
        });
    }

    static T[] Transpose<T>(ReadOnlySpan<T> x, int rows, int cols)
    {
        var t = new T[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[j * rows + i] = x[i * cols + j];
        return t;
    }
}
