using MachinePerception.Tensors;

namespace MachinePerception.Backends;

// Pending: the indexing primitives land with the indexing ops.
public sealed partial class CpuBackend
{
    public override void StridedWrite(Tensor x, Tensor y, int offset, int[] strides) => throw new NotImplementedException();
    public override void Gather(Tensor x, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner) => throw new NotImplementedException();
    public override void ScatterAdd(Tensor src, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner) => throw new NotImplementedException();
}
