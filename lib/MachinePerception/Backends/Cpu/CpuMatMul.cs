using System.Numerics;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

public sealed partial class CpuBackend
{
    public override void MatMul(Tensor a, Tensor b, Tensor c, int batch, int m, int n, int k, bool transA, bool transB)
    {
        if (a.DType == DType.Float32) MatMul(Data<float>(a), Data<float>(b), Data<float>(c), batch, m, n, k, transA, transB);
        else MatMul(Data<double>(a), Data<double>(b), Data<double>(c), batch, m, n, k, transA, transB);
    }

    static void MatMul<T>(T[] a, T[] b, T[] c, int batch, int m, int n, int k, bool transA, bool transB) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // a batch of 1 is shared by every product of the other operand
        bool batchA = a.Length > m * k, batchB = b.Length > k * n;
        void Product(int p, bool parallel) =>
            Gemm.Multiply(a.AsMemory(batchA ? p * m * k : 0, m * k), b.AsMemory(batchB ? p * k * n : 0, k * n),
                c.AsMemory(p * m * n, m * n), m, n, k, transA, transB, parallel);
        if (batch == 1) { Product(0, parallel: true); return; }
        // Many products: one core per product, split over the batch (each product is then computed serially,
        // so the bits do not depend on the thread count either).
        CpuParallel.For(batch, 2L * m * n * k, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++) Product(p, parallel: false);
        });
    }
}
