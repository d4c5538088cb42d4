using ILGPU;
using MachinePerception.Backends.Cuda;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>Arguments of the example kernel: y ← a·x + y.</summary>
public readonly record struct SaxpyArgs<T>(ArrayView<T> X, ArrayView<T> Y, T A) where T : unmanaged;

/// <summary>A kernel written outside the backend, the way a later chapter adds one (README: "Adding a kernel").</summary>
public static class ExampleKernels
{
    [Kernel]
    public static void Saxpy<T, TMath>(SaxpyArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        for (int i = Grid.GlobalIndex.X; i < p.Y.IntLength; i += ElementwiseKernels.GridStride)
            p.Y[i] = m.MulAdd(p.A, p.X[i], p.Y[i]);
    }
}

[Collection("Cuda")]
public class KernelExtensionTests(CpuAcceleratorFixture fx)
{
    [Fact]
    public void A_kernel_from_outside_the_backend_launches_through_the_cache_on_device_tensors()
    {
        var dev = fx.Backend;
        var x = Kit.Random(1, DType.Float32, 19);
        var y = Kit.Random(2, DType.Float32, 19);
        var yDev = dev.Up(y);
        var args = new SaxpyArgs<float>(((CudaStorage<float>)dev.Up(x).Storage).View, ((CudaStorage<float>)yDev.Storage).View, 3f);
        dev.Kernels.Launch(ExampleKernels.Saxpy<float, Float32Math>, dev.Kernels.Elements(19), args);
        dev.Kernels.Launch(ExampleKernels.Saxpy<float, Float32Math>, dev.Kernels.Elements(19), args); // cached the second time
        var expected = x.ToFloatArray().Zip(y.ToFloatArray(), (a, b) => 3f * a + (3f * a + b)).ToArray();
        Assert.Equal(expected, dev.Down(yDev).ToFloatArray());
    }
}
