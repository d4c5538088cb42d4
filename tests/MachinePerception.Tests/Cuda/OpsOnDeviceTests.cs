using MachinePerception.Backends;
using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>
/// Whole programs through the ops and autodiff with tensors on <see cref="Device.Cuda"/>: the CUDA backend
/// (on a real GPU when present, else on the CPU accelerator) gives the CPU's numbers, and its gradients
/// pass the float64 gradient check.
/// </summary>
[Collection("Cuda")]
public class OpsOnDeviceTests
{
    public OpsOnDeviceTests(CpuAcceleratorFixture fx) => Backend.Register(Gpu.Present ? Gpu.Backend : fx.Backend);

    // a two-layer perceptron with a squared loss: matmul, broadcast add, tanh, reductions, and all their backwards
    static Tensor Loss(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor target)
    {
        var h = Op.Tanh(Op.MatMul(x, w1) + b1);
        var d = Op.MatMul(h, w2) - target;
        return Op.Mean(d * d);
    }

    [Fact]
    public void Training_step_gives_the_cpu_numbers_on_the_device()
    {
        var rng = new Rng(42);
        Tensor[] cpu = [rng.Normal([6, 3], dtype: DType.Float64), rng.Normal([3, 5], dtype: DType.Float64), rng.Normal([5], dtype: DType.Float64),
            rng.Normal([5, 2], dtype: DType.Float64), rng.Normal([6, 2], dtype: DType.Float64)];
        var dev = cpu.Select(t => t.To(Device.Cuda)).ToArray();
        Assert.All(dev, t => Assert.Equal(Device.Cuda, t.Device));
        foreach (var set in new[] { cpu, dev })
            for (int i = 1; i <= 3; i++) set[i].RequireGrad();

        var lossCpu = Loss(cpu[0], cpu[1], cpu[2], cpu[3], cpu[4]);
        var lossDev = Loss(dev[0], dev[1], dev[2], dev[3], dev[4]);
        Assert.Equal(Device.Cuda, lossDev.Device); // tensors stay on the device between ops
        lossCpu.Backward();
        lossDev.Backward();

        Assert.Equal(lossCpu.Item(), lossDev.Item(), 12);
        for (int i = 1; i <= 3; i++)
        {
            Assert.Equal(Device.Cuda, dev[i].Grad!.Device);
            Kit.Near(cpu[i].Grad!, dev[i].Grad!.ToCpu(), 1e-12);
        }
    }

    [Fact]
    public void Gradients_through_device_kernels_pass_the_gradient_check()
    {
        var rng = new Rng(7);
        var r = GradCheck.Run(xs =>
        {
            var a = xs[0].To(Device.Cuda);
            var b = xs[1].To(Device.Cuda);
            var y = Op.Sigmoid(Op.MatMul(a, b, transB: true)) * Op.Exp(Op.Sum(a, 1, keepDims: true) * 0.1);
            return y.ToCpu();
        }, [rng.Normal([4, 3], dtype: DType.Float64), rng.Normal([5, 3], dtype: DType.Float64)]);
        Assert.True(r.Passed, r.Summary);
    }

    // a small CNN: convolution with stride and padding, max and average pooling, a grouped convolution
    static Tensor Cnn(Tensor x, Tensor w1, Tensor b1, Tensor w2)
    {
        var h = Op.Relu(Op.Conv2d(x, w1, b1, stride: 1, padding: 1));
        h = Op.MaxPool2d(h, 2);
        h = Op.Conv2d(h, w2, padding: (1, 0), groups: 2);
        return Op.AvgPool2d(Op.Tanh(h), (2, 1), stride: 1);
    }

    [Fact]
    public void Cnn_forward_and_backward_on_the_device_match_the_cpu()
    {
        var rng = new Rng(11);
        Tensor[] cpu = [rng.Normal([2, 3, 6, 5], dtype: DType.Float64), rng.Normal([4, 3, 3, 3], dtype: DType.Float64),
            rng.Normal([4], dtype: DType.Float64), rng.Normal([4, 2, 3, 2], dtype: DType.Float64)];
        var dev = cpu.Select(t => t.To(Device.Cuda)).ToArray();
        foreach (var set in new[] { cpu, dev })
            foreach (var t in set) t.RequireGrad();
        var yCpu = Cnn(cpu[0], cpu[1], cpu[2], cpu[3]);
        var yDev = Cnn(dev[0], dev[1], dev[2], dev[3]);
        Assert.Equal(Device.Cuda, yDev.Device);
        Kit.Near(yCpu, yDev.ToCpu(), 1e-12);
        Op.Sum(yCpu * yCpu).Backward();
        Op.Sum(yDev * yDev).Backward();
        for (int i = 0; i < cpu.Length; i++) Kit.Near(cpu[i].Grad!, dev[i].Grad!.ToCpu(), 1e-12);
    }

    [Fact]
    public void Cnn_gradients_through_device_kernels_pass_the_gradient_check()
    {
        var rng = new Rng(12);
        var r = GradCheck.Run(xs => Cnn(xs[0].To(Device.Cuda), xs[1].To(Device.Cuda), xs[2].To(Device.Cuda), xs[3].To(Device.Cuda)).ToCpu(),
            // weights of std 0.3 keep tanh out of saturation, where gradients would be too small to difference
            [rng.Normal([1, 3, 4, 4], dtype: DType.Float64), rng.Normal([4, 3, 3, 3], 0, 0.3, DType.Float64),
             rng.Normal([4], 0, 0.3, DType.Float64), rng.Normal([4, 2, 3, 2], 0, 0.3, DType.Float64)],
            tolerance: 1e-6); // looser than 1e-7: ReLU and max pooling have kinks (measured worst 2.3e-7 at this seed)
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void Float32_on_the_device_agrees_with_float32_on_the_cpu()
    {
        var x = new Rng(3).Normal([7, 9]);
        var w = new Rng(4).Normal([9, 4]);
        var cpu = Op.Sum(Op.Relu(Op.MatMul(x, w)), 0);
        var dev = Op.Sum(Op.Relu(Op.MatMul(x.To(Device.Cuda), w.To(Device.Cuda))), 0);
        Kit.Near(cpu, dev.ToCpu(), 1e-5);
    }
}

/// <summary>Choosing the device: MP_DEVICE and the defaults.</summary>
public class DeviceSelectionTests
{
    [Fact]
    public void Mp_device_names_the_cpu_and_rejects_unknown_devices()
    {
        Assert.Equal(Device.Cpu, Backend.ChooseDevice("cpu"));
        Assert.Equal(Device.Cpu, Backend.ChooseDevice(" CPU "));
        var e = Assert.Throws<InvalidOperationException>(() => Backend.ChooseDevice("tpu"));
        Assert.Equal("Backend: MP_DEVICE=tpu is not one of cpu, cuda", e.Message);
    }

    [Fact]
    public void The_cpu_backend_is_always_there()
    {
        Assert.True(Backend.IsAvailable(Device.Cpu));
        Assert.Same(CpuBackend.Instance, Backend.Get(Device.Cpu));
    }
}
