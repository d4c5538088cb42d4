using MachinePerception.Tensors;

namespace MachinePerception.Backends;

/// <summary>Elementwise maps y = f(x; a, b). The scalars a, b are parameters some maps take (slope, exponent, bounds).</summary>
public enum UnaryOp
{
    Neg, Exp, Log, Log1p, Sqrt, Abs, Sign, Tanh, Sigmoid, Softplus, Relu, Square, Reciprocal, Sin, Cos,
    /// <summary>x^a.</summary>
    PowScalar,
    /// <summary>x + a.</summary>
    AddScalar,
    /// <summary>x · a.</summary>
    MulScalar,
    /// <summary>x if x &gt; 0 else a·x.</summary>
    LeakyRelu,
    /// <summary>x if x &gt; 0 else a·(eˣ − 1).</summary>
    Elu,
    /// <summary>min(max(x, a), b).</summary>
    Clamp,
    /// <summary>1 where x &gt; a, else 0 (a mask; not differentiable).</summary>
    GreaterThanScalar,
    /// <summary>1 where a ≤ x ≤ b, else 0 (a mask; not differentiable).</summary>
    InRange,
}

/// <summary>Elementwise y = f(a, b) with NumPy broadcasting.</summary>
public enum BinaryOp
{
    Add, Sub, Mul, Div, Pow, Max, Min,
    /// <summary>1 where a &gt; b else 0 (masks; not differentiable).</summary>
    Greater,
    /// <summary>1 where a ≥ b else 0.</summary>
    GreaterEqual,
    /// <summary>1 where a == b else 0.</summary>
    Equal,
    /// <summary>a where b &gt; 0, else 0: a gradient passed back through a ReLU whose input was b.</summary>
    PassWherePositive,
}

/// <summary>Reductions along one axis.</summary>
public enum ReduceOp { Sum, Max, Min, LogSumExp, ArgMax, ArgMin }

/// <summary>
/// The seam between the ops (shapes, checks, autodiff: <c>Ops/</c>) and the kernels that touch the numbers.
/// The CPU backend implements every primitive; the CUDA backend (ILGPU) implements them on device memory.
/// All tensors passed to one call live on this backend's device and are contiguous; outputs are preallocated.
/// </summary>
public abstract class Backend
{
    static readonly Dictionary<Device, Backend> backends = new() { [Device.Cpu] = CpuBackend.Instance };

    public abstract Device Device { get; }

    /// <summary>The backend of a device, or a clear error if that device was not set up. The CUDA backend starts on first use when a GPU is present.</summary>
    public static Backend Get(Device device) =>
        backends.TryGetValue(device, out var b) ? b
            : device == Device.Cuda && StartCuda() is { } cuda ? cuda
            : throw new InvalidOperationException($"Backend: no backend for device {device} (is a CUDA GPU present and the CUDA backend initialised?)");

    // Looks for a GPU (once per process: CudaBackend.Shared); registers the CUDA backend when one is found.
    static Backend? StartCuda()
    {
        lock (backends)
        {
            if (backends.TryGetValue(Device.Cuda, out var b)) return b;
            var cuda = Cuda.CudaBackend.Shared;
            if (cuda is not null) backends[Device.Cuda] = cuda;
            return cuda;
        }
    }

    /// <summary>True when tensors can be placed on <paramref name="device"/> (for CUDA: a GPU and driver were found).</summary>
    public static bool IsAvailable(Device device) => device == Device.Cpu || backends.ContainsKey(device) || StartCuda() is not null;

    static Device? defaultDevice;

    /// <summary>
    /// The device a program puts its tensors on: the environment variable MP_DEVICE=cpu|cuda forces one;
    /// unset, CUDA when a GPU is present, else the CPU. Assign to force either from code. The same program
    /// gives the same numbers on both, within float32 rounding.
    /// </summary>
    public static Device DefaultDevice
    {
        get => defaultDevice ??= ChooseDevice(Environment.GetEnvironmentVariable("MP_DEVICE"));
        set => defaultDevice = value == Device.Cuda && !IsAvailable(Device.Cuda)
            ? throw new InvalidOperationException("Backend.DefaultDevice: no CUDA GPU was found; use Device.Cpu")
            : value;
    }

    internal static Device ChooseDevice(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" => IsAvailable(Device.Cuda) ? Device.Cuda : Device.Cpu,
        "cpu" => Device.Cpu,
        "cuda" or "gpu" => IsAvailable(Device.Cuda) ? Device.Cuda
            : throw new InvalidOperationException("Backend: MP_DEVICE=cuda but no CUDA GPU was found"),
        _ => throw new InvalidOperationException($"Backend: MP_DEVICE={setting} is not one of cpu, cuda"),
    };

    /// <summary>Installs the backend of a device (the CUDA backend calls this when it starts).</summary>
    public static void Register(Backend backend) => backends[backend.Device] = backend;

    /// <summary>A zero-filled tensor on this device.</summary>
    public abstract Tensor Allocate(Shape shape, DType dtype);

    /// <summary>
    /// A tensor for a result whose every element the caller overwrites: its contents are unspecified (the CPU skips
    /// the zero fill; by default this is <see cref="Allocate"/>).
    /// </summary>
    public virtual Tensor AllocateUninitialized(Shape shape, DType dtype) => Allocate(shape, dtype);

    /// <summary>
    /// A copy of <paramref name="source"/> on <paramref name="to"/> (an explicit transfer). Accelerator backends
    /// handle both directions between the CPU and their device.
    /// </summary>
    public abstract Tensor Transfer(Tensor source, Device to);

    public abstract void Fill(Tensor y, double value);

    /// <summary>y ← x, same size (dtype conversion allowed).</summary>
    public abstract void Copy(Tensor x, Tensor y);

    /// <summary>y[i] ← x[offset + Σ_k idx_k·strides_k] for every multi-index idx of y: permute, slice, expand in one primitive.</summary>
    public abstract void StridedCopy(Tensor x, int offset, int[] strides, Tensor y);

    public abstract void Unary(UnaryOp op, Tensor x, Tensor y, double a = 0, double b = 0);

    /// <summary>y = op(a, b) where a and b broadcast to y's shape.</summary>
    public abstract void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y);

    /// <summary>y = cond ≠ 0 ? a : b, all broadcast to y's shape.</summary>
    public abstract void Where(Tensor cond, Tensor a, Tensor b, Tensor y);

    /// <summary>x viewed as [outer, n, inner] reduced over the middle axis into y [outer, inner]. Arg-reductions write indices as numbers.</summary>
    public abstract void Reduce(ReduceOp op, Tensor x, Tensor y, int outer, int n, int inner);

    /// <summary>
    /// Batched matrix product c[b] = op(a[b]) · op(b[b]) where op transposes when asked.
    /// a is [batchA, M, K] (or [batchA, K, M] transposed), b is [batchB, K, N] (or [batchB, N, K]),
    /// c is [batch, M, N]; a batch of 1 is broadcast.
    /// </summary>
    public abstract void MatMul(Tensor a, Tensor b, Tensor c, int batch, int m, int n, int k, bool transA, bool transB);

    /// <summary>Softmax (or log-softmax) of x viewed as [rows, n] along n.</summary>
    public abstract void Softmax(Tensor x, Tensor y, int rows, int n, bool log);

    // ---------- moving elements by index ----------

    /// <summary>y[offset + Σ_k idx_k·strides_k] ← x[idx] for every multi-index idx of x (the dual of StridedCopy: concat, pad, slice backward). Positions of y not written keep their values.</summary>
    public abstract void StridedWrite(Tensor x, Tensor y, int offset, int[] strides);

    /// <summary>
    /// Gather along the middle axis: x is [outer, nIn, inner], index is [outer, nOut, inner] (integers stored as numbers),
    /// y[o, j, i] = x[o, index[o, j, i], i].
    /// </summary>
    public abstract void Gather(Tensor x, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner);

    /// <summary>The adjoint of <see cref="Gather"/>: y[o, index[o, j, i], i] += src[o, j, i]; y is [outer, nOut, inner], src and index are [outer, nIn, inner].</summary>
    public abstract void ScatterAdd(Tensor src, Tensor index, Tensor y, int outer, int nIn, int nOut, int inner);

    // ---------- convolution and pooling ----------

    /// <summary>im2col: x [N, C, H, W] → cols [N, C·KH·KW, OutH·OutW]; padded positions read as 0.</summary>
    public abstract void Im2Col(Tensor x, Tensor cols, ConvGeometry g);

    /// <summary>col2im, the adjoint of <see cref="Im2Col"/>: cols [N, C·KH·KW, OutH·OutW] summed into x [N, C, H, W] (x is overwritten).</summary>
    public abstract void Col2Im(Tensor cols, Tensor x, ConvGeometry g);

    /// <summary>
    /// A convolution with one group: y [N, Cout, OutH, OutW] = Σ_{c, kh, kw} w[o, c, kh, kw] · x[n, c, …] (+ bias [Cout] when
    /// given), x [N, C, H, W], w [Cout, C, KH, KW], y overwritten. The default lowers it to <see cref="Im2Col"/> and one
    /// <see cref="MatMul"/> (the CUDA backend uses it); the CPU backend overrides it with an implicit GEMM.
    /// </summary>
    public virtual void Conv2d(Tensor x, Tensor w, Tensor? bias, Tensor y, ConvGeometry g)
    {
        int cout = w.Shape[0], rows = g.C * g.KH * g.KW, cells = g.OutH * g.OutW;
        var cols = Allocate(new Shape(g.N, rows, cells), x.DType);
        Im2Col(x, cols, g);
        MatMul(w, cols, y, g.N, cout, cells, rows, false, false); // w [Cout, rows] is shared by the batch
        if (bias is not null) Binary(BinaryOp.Add, y, new Tensor(new Shape(1, cout, 1, 1), bias.Storage), y);
    }

    /// <summary>
    /// The gradient of <see cref="Conv2d"/> with respect to its input (a transposed convolution): gx [N, C, H, W] =
    /// col2im(wᵀ · gy), gy [N, Cout, OutH, OutW], gx overwritten. Default: <see cref="MatMul"/> and <see cref="Col2Im"/>.
    /// </summary>
    public virtual void Conv2dInputGrad(Tensor gy, Tensor w, Tensor gx, ConvGeometry g)
    {
        int cout = w.Shape[0], rows = g.C * g.KH * g.KW, cells = g.OutH * g.OutW;
        var cols = Allocate(new Shape(g.N, rows, cells), gy.DType);
        MatMul(w, gy, cols, g.N, rows, cells, cout, true, false);
        Col2Im(cols, gx, g);
    }

    /// <summary>
    /// The gradient of <see cref="Conv2d"/> with respect to its kernel: gw [Cout, C, KH, KW] = Σ_n gy[n] · im2col(x)[n]ᵀ,
    /// summed over the batch in order, gw overwritten. Default: <see cref="Im2Col"/>, a batched <see cref="MatMul"/> and
    /// a <see cref="Reduce"/> over the batch.
    /// </summary>
    public virtual void Conv2dWeightGrad(Tensor x, Tensor gy, Tensor gw, ConvGeometry g)
    {
        int cout = gw.Shape[0], rows = g.C * g.KH * g.KW, cells = g.OutH * g.OutW;
        var cols = Allocate(new Shape(g.N, rows, cells), x.DType);
        Im2Col(x, cols, g);
        var perImage = Allocate(new Shape(g.N, cout, rows), x.DType);
        MatMul(gy, cols, perImage, g.N, cout, rows, cells, false, true);
        Reduce(ReduceOp.Sum, perImage, gw, 1, g.N, cout * rows);
    }

    /// <summary>Max pooling: y [N, C, OutH, OutW] and argmax, the flat index (h·W + w) of each window's maximum within its H×W plane; padding never wins.</summary>
    public abstract void MaxPool2d(Tensor x, Tensor y, Tensor argmax, ConvGeometry g);

    /// <summary>Average pooling over each window, dividing by KH·KW (padded positions count as zeros).</summary>
    public abstract void AvgPool2d(Tensor x, Tensor y, ConvGeometry g);

    /// <summary>The adjoint of <see cref="AvgPool2d"/>: gy [N, C, OutH, OutW] spread over the windows into gx [N, C, H, W] (overwritten).</summary>
    public abstract void AvgPool2dBackward(Tensor gy, Tensor gx, ConvGeometry g);
}

/// <summary>
/// Shape of a 2-D sliding window (convolution or pooling) over x [N, C, H, W]. A 1-D convolution is the case H = KH = 1.
/// Output size per axis: ⌊(in + 2·pad − dil·(k − 1) − 1) / stride⌋ + 1 (§11).
/// </summary>
public readonly record struct ConvGeometry(int N, int C, int H, int W, int KH, int KW,
    int StrideH = 1, int StrideW = 1, int PadH = 0, int PadW = 0, int DilH = 1, int DilW = 1)
{
    public int OutH => OutputSize(H, KH, StrideH, PadH, DilH);
    public int OutW => OutputSize(W, KW, StrideW, PadW, DilW);

    /// <summary>Outputs along one axis of a convolution or pooling: ⌊(in + 2·pad − dil·(kern − 1) − 1) / stride⌋ + 1 (§11).</summary>
    public static int OutputSize(int input, int kernel, int stride = 1, int padding = 0, int dilation = 1) =>
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;

    /// <summary>
    /// Outputs along one axis of a transposed convolution: (in − 1)·stride − 2·pad + dil·(kern − 1) + outputPadding + 1
    /// (§11). It inverts <see cref="OutputSize"/>: a convolution with the same settings maps this length back to
    /// <paramref name="input"/>, and outputPadding ∈ [0, stride) picks one of the stride lengths that do.
    /// </summary>
    public static int TransposedOutputSize(int input, int kernel, int stride = 1, int padding = 0, int outputPadding = 0, int dilation = 1) =>
        (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}
