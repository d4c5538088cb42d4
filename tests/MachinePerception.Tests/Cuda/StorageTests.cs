using System.Runtime.CompilerServices;
using MachinePerception.Backends.Cuda;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>Device memory: explicit disposal, and buffers of collected tensors freed on the next allocation.</summary>
[Collection("Cuda")]
public class StorageTests(CpuAcceleratorFixture fx)
{
    [Fact]
    public void A_disposed_storage_says_so_when_used()
    {
        var t = fx.Backend.Allocate([3], DType.Float32);
        var storage = Assert.IsType<CudaStorage<float>>(t.Storage);
        Assert.Equal(3, storage.Length);
        Assert.True(storage.Buffer.Length >= 3);
        storage.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => storage.View);
        Assert.Contains("CudaStorage", e.Message);
        storage.Dispose(); // twice is harmless
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void AllocateAndDrop(int count)
    {
        for (int i = 0; i < count; i++) fx.Backend.Allocate([64], DType.Float64);
    }

    [Fact]
    public void Collected_tensors_hand_their_buffers_back_and_the_next_allocation_frees_them()
    {
        AllocateAndDrop(5);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int pending = fx.Backend.PendingReleases;
        Assert.True(pending >= 5, $"{pending} buffers handed back, expected at least 5");
        fx.Backend.Allocate([1], DType.Float32);
        Assert.True(fx.Backend.PendingReleases < pending);
    }

    [Fact]
    public void An_empty_tensor_round_trips()
    {
        var t = fx.Backend.Up(Tensor.FromArray(Array.Empty<float>(), 0, 4));
        Assert.Equal(0, t.Size);
        Assert.Equal([0, 4], fx.Backend.Down(t).Shape.ToArray());
    }
}
