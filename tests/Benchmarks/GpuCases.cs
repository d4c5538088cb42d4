using System.Runtime.InteropServices;
using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Backends.Cuda;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using Device = MachinePerception.Tensors.Device;

namespace MachinePerception.Benchmarks;

/// <summary>
/// The CUDA backend's cases: GEMM against cuBLAS on the same GPU, and training steps of an MLP and a CNN on the GPU
/// against the same steps on the CPU. Every GPU step ends with a synchronisation, so the time is the work's, not the
/// launch's. Without a CUDA GPU each case reports why it was skipped.
/// </summary>
static class GpuCases
{
    public static readonly BenchmarkCase[] All =
    [
        new CudaGemmCase(1024), new CudaGemmCase(4096), new CudaGemmCase(8192),
        new CudaMlpStepCase(), new CudaCnnStepCase(),
    ];

    static readonly Lazy<CudaBackend?> gpu = new(() => Backend.IsAvailable(Device.Cuda) ? (CudaBackend)Backend.Get(Device.Cuda) : null);

    public static CudaBackend? Gpu => gpu.Value;

    public static string? NoGpuReason => Gpu is null ? "no CUDA GPU (or driver) found" : null;
}

/// <summary>Square float32 GEMM on the GPU: the backend's tiled kernel against cublasSgemm on the same device buffers.</summary>
sealed class CudaGemmCase(int n) : BenchmarkCase
{
    public override string Name => $"cuda-gemm-{n}";
    protected override double Flops => 2.0 * n * n * n;
    protected override string? SkipReason => GpuCases.NoGpuReason ?? CuBlas.MissingReason;

    protected override (Action ours, Action reference) Setup()
    {
        var gpu = GpuCases.Gpu!;
        var rng = new Rng(n);
        var a = rng.Normal(new Shape(n, n)).To(Device.Cuda);
        var b = rng.Normal(new Shape(n, n)).To(Device.Cuda);
        var c1 = gpu.Allocate(new Shape(n, n), DType.Float32);
        var c2 = gpu.Allocate(new Shape(n, n), DType.Float32);
        var cublas = new CuBlas();
        void Ours()
        {
            gpu.MatMul(a, b, c1, 1, n, n, n, false, false);
            gpu.Synchronize();
        }
        void Reference()
        {
            cublas.Sgemm(a, b, c2, n);
            gpu.Synchronize();
        }
        Ours();
        Reference();
        var x = c1.ToFloatArray();
        var y = c2.ToFloatArray();
        double worst = 0;
        for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(x[i] - y[i]) / (1 + Math.Abs(y[i])));
        SameWork = FormattableString.Invariant($"max relative difference from cuBLAS {worst:G3}");
        return (Ours, Reference);
    }
}

/// <summary>
/// One SGD step of a ReLU MLP 784-1024-1024-10 on a batch of 512 (mean squared error), built from the ops:
/// on the GPU against the same program on the CPU.
/// </summary>
sealed class CudaMlpStepCase : BenchmarkCase
{
    static readonly int[] Sizes = [784, 1024, 1024, 10];
    const int Batch = 512;

    public override string Name => "cuda-mlp-step";
    protected override string? SkipReason => GpuCases.NoGpuReason;

    // three products per layer (forward, ∂W, ∂a), 2·batch·in·out flops each
    protected override double Flops => Enumerable.Range(0, Sizes.Length - 1).Sum(l => 3 * 2.0 * Batch * Sizes[l] * Sizes[l + 1]);

    protected override (Action ours, Action reference) Setup()
    {
        var (gpuStep, gpuLoss) = Build(Device.Cuda);
        var (cpuStep, cpuLoss) = Build(Device.Cpu);
        SameWork = FormattableString.Invariant($"first loss GPU {gpuLoss:G6}, CPU {cpuLoss:G6}");
        return (gpuStep, cpuStep);
    }

    static (Action step, double firstLoss) Build(Device device)
    {
        var rng = new Rng(1);
        var weights = new List<Tensor>();
        for (int l = 0; l + 1 < Sizes.Length; l++)
        {
            weights.Add(rng.Normal(new Shape(Sizes[l], Sizes[l + 1]), 0, Math.Sqrt(2.0 / Sizes[l])).To(device).RequireGrad());
            weights.Add(Tensor.Zeros(new Shape(Sizes[l + 1]), device: device).RequireGrad());
        }
        var x = rng.Normal(new Shape(Batch, Sizes[0])).To(device);
        var target = rng.Normal(new Shape(Batch, Sizes[^1])).To(device);
        double Step()
        {
            var h = x;
            for (int l = 0; l < weights.Count; l += 2)
            {
                h = Op.MatMul(h, weights[l]) + weights[l + 1];
                if (l + 2 < weights.Count) h = Op.Relu(h);
            }
            var d = h - target;
            var loss = Op.Mean(d * d);
            loss.Backward();
            using (Autograd.NoGrad())
                for (int i = 0; i < weights.Count; i++)
                {
                    // w ← w − η·∂L/∂w, as a new leaf (ops never change their inputs)
                    weights[i] = (weights[i] - weights[i].Grad! * 0.01).Detach().RequireGrad();
                }
            return loss.Detach().Item(); // Item() copies one number back: the step has finished on the device
        }
        double first = Step();
        return (() => Step(), first);
    }
}

/// <summary>
/// One SGD step of a small CNN (conv 3×3 → ReLU → max-pool → conv 3×3 → ReLU → global average → linear) on
/// 64 images of 3×32×32: on the GPU against the same program on the CPU.
/// </summary>
sealed class CudaCnnStepCase : BenchmarkCase
{
    public override string Name => "cuda-cnn-step";
    protected override string? SkipReason => GpuCases.NoGpuReason;

    protected override (Action ours, Action reference) Setup()
    {
        var (gpuStep, gpuLoss) = Build(Device.Cuda);
        var (cpuStep, cpuLoss) = Build(Device.Cpu);
        SameWork = FormattableString.Invariant($"first loss GPU {gpuLoss:G6}, CPU {cpuLoss:G6}");
        return (gpuStep, cpuStep);
    }

    static (Action step, double firstLoss) Build(Device device)
    {
        var rng = new Rng(2);
        Tensor[] p =
        [
            rng.Normal(new Shape(32, 3, 3, 3), 0, Math.Sqrt(2.0 / 27)).To(device).RequireGrad(),
            Tensor.Zeros(new Shape(32), device: device).RequireGrad(),
            rng.Normal(new Shape(64, 32, 3, 3), 0, Math.Sqrt(2.0 / 288)).To(device).RequireGrad(),
            Tensor.Zeros(new Shape(64), device: device).RequireGrad(),
            rng.Normal(new Shape(64, 10), 0, Math.Sqrt(1.0 / 64)).To(device).RequireGrad(),
        ];
        var x = rng.Normal(new Shape(64, 3, 32, 32)).To(device);
        var target = rng.Normal(new Shape(64, 10)).To(device);
        double Step()
        {
            var h = Op.MaxPool2d(Op.Relu(Op.Conv2d(x, p[0], p[1], padding: 1)), 2);   // [64, 32, 16, 16]
            h = Op.Relu(Op.Conv2d(h, p[2], p[3], padding: 1));                         // [64, 64, 16, 16]
            var features = Op.Mean(h, [2, 3]);                                          // [64, 64]
            var d = Op.MatMul(features, p[4]) - target;
            var loss = Op.Mean(d * d);
            loss.Backward();
            using (Autograd.NoGrad())
                for (int i = 0; i < p.Length; i++) p[i] = (p[i] - p[i].Grad! * 0.01).Detach().RequireGrad();
            return loss.Detach().Item();
        }
        double first = Step();
        return (() => Step(), first);
    }
}

/// <summary>
/// cuBLAS's single-precision GEMM through its C interface, on the device buffers of the CUDA backend (the reference
/// for the GEMM kernel). cuBLAS is column-major: a row-major C = A·B is the column-major Cᵀ = Bᵀ·Aᵀ, so the
/// operands are passed swapped.
/// </summary>
sealed unsafe class CuBlas
{
    static readonly string[] Names = ["libcublas.so.12", "libcublas.so.13", "libcublas.so.11", "libcublas.so"];
    static readonly IntPtr library = Names.Select(n => NativeLibrary.TryLoad(n, out var h) ? h : IntPtr.Zero).FirstOrDefault(h => h != IntPtr.Zero);

    public static string? MissingReason => library == IntPtr.Zero ? "cuBLAS (libcublas.so) not found" : null;

    readonly IntPtr handle;
    readonly delegate* unmanaged<IntPtr, int, int, int, int, int, float*, IntPtr, int, IntPtr, int, float*, IntPtr, int, int> sgemm;

    public CuBlas()
    {
        var create = (delegate* unmanaged<IntPtr*, int>)NativeLibrary.GetExport(library, "cublasCreate_v2");
        IntPtr h;
        Check(create(&h), "cublasCreate_v2");
        handle = h;
        sgemm = (delegate* unmanaged<IntPtr, int, int, int, int, int, float*, IntPtr, int, IntPtr, int, float*, IntPtr, int, int>)
            NativeLibrary.GetExport(library, "cublasSgemm_v2");
    }

    /// <summary>c = a·b for n×n row-major float32 tensors on the GPU.</summary>
    public void Sgemm(Tensor a, Tensor b, Tensor c, int n)
    {
        float alpha = 1, beta = 0;
        const int noTranspose = 0; // CUBLAS_OP_N
        Check(sgemm(handle, noTranspose, noTranspose, n, n, n, &alpha, Pointer(b), n, Pointer(a), n, &beta, Pointer(c), n), "cublasSgemm_v2");
    }

    static IntPtr Pointer(Tensor t) => ((CudaStorage<float>)t.Storage).Buffer.NativePtr;

    static void Check(int status, string call)
    {
        if (status != 0) throw new InvalidOperationException($"{call} failed with cuBLAS status {status}");
    }
}
