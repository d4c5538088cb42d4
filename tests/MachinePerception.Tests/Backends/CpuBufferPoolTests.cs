using System.Runtime.CompilerServices;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Backends;

/// <summary>
/// The pool hands an array to a new tensor only after the collector has found its old tensor unreachable, and a
/// zero-filled allocation is zero even when its array was used before. Each test uses a length of its own, so tests
/// running in parallel never share a bucket.
/// </summary>
public class CpuBufferPoolTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    static float[] AllocateFillAndDrop(int length)
    {
        var t = CpuBackend.Instance.AllocateUninitialized(new Shape(length), DType.Float32);
        t.AsSpan<float>().Fill(7);
        return ((CpuStorage<float>)t.Storage).Data;
    }

    [Fact]
    public void An_array_is_reused_once_its_tensor_is_unreachable_and_comes_back_zeroed_when_asked()
    {
        int length = CpuBufferPool.MinLength + 101;
        var array = AllocateFillAndDrop(length);
        GC.Collect();
        var again = CpuBackend.Instance.Allocate(new Shape(length), DType.Float32);
        Assert.Same(array, ((CpuStorage<float>)again.Storage).Data);
        Assert.All(again.AsSpan<float>().ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void An_array_is_never_shared_by_live_tensors()
    {
        int length = CpuBufferPool.MinLength + 202;
        var live = new List<Tensor>();
        for (int i = 0; i < 20; i++)
        {
            live.Add(CpuBackend.Instance.AllocateUninitialized(new Shape(length), DType.Float32));
            live.Add(MachinePerception.Ops.Op.Reshape(live[^1], 2, length / 2)); // a reshape shares its storage: the array stays lent
            GC.Collect();
        }
        var arrays = live.Select(t => ((CpuStorage<float>)t.Storage).Data).Distinct(ReferenceEqualityComparer.Instance).Count();
        Assert.Equal(20, arrays);
    }

    [Fact]
    public void Small_arrays_are_left_to_the_collector()
    {
        int length = CpuBufferPool.MinLength - 1;
        var array = AllocateFillAndDrop(length);
        GC.Collect();
        var again = CpuBackend.Instance.AllocateUninitialized(new Shape(length), DType.Float32);
        Assert.NotSame(array, ((CpuStorage<float>)again.Storage).Data);
    }
}
