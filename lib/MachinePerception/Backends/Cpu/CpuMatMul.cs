using System.Numerics;
using System.Numerics.Tensors;
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
        bool batchA = a.Length > m * k, batchB = b.Length > k * n;
        for (int p = 0; p < batch; p++)
            Gemm.Multiply(a.AsMemory(batchA ? p * m * k : 0, m * k), b.AsMemory(batchB ? p * k * n : 0, k * n),
                c.AsMemory(p * m * n, m * n), m, n, k, transA, transB);
    }
}
