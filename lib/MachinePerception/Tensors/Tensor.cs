using System.Globalization;
using System.Text;
using MachinePerception.Autodiff;
using MachinePerception.Backends;

namespace MachinePerception.Tensors;

/// <summary>
/// An n-dimensional array of float32 or float64 numbers that remembers how it was computed, so that
/// gradients can flow back through it (reverse-mode automatic differentiation, §10.1).
/// Tensors are contiguous and row-major; every op returns a new tensor and never changes its inputs.
/// The ops themselves live in <c>Ops/</c> as static methods of <see cref="Ops.Op"/>, with C# operators here.
/// </summary>
public sealed partial class Tensor
{
    public Shape Shape { get; }
    public DType DType => Storage.DType;
    public Device Device => Storage.Device;
    public Storage Storage { get; }

    /// <summary>The node that produced this tensor, when it was computed from tensors that require gradients.</summary>
    public Node? GradFn { get; internal set; }

    /// <summary>Accumulated gradient of a leaf after <see cref="Backward"/>.</summary>
    public Tensor? Grad { get; set; }

    bool requiresGrad;

    /// <summary>True for leaves whose gradient is wanted, and for every tensor computed from one (while gradients are recorded).</summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (!value && GradFn is not null)
                throw new InvalidOperationException("RequiresGrad: cannot switch off on a computed tensor; use Detach()");
            requiresGrad = value;
        }
    }

    /// <summary>Optional name shown in error messages and by the NaN trap.</summary>
    public string? Name { get; set; }

    public Tensor(Shape shape, Storage storage)
    {
        if (storage.Length != shape.Size)
            throw new ArgumentException($"Tensor: storage holds {storage.Length} elements but shape {shape} needs {shape.Size}");
        Shape = shape;
        Storage = storage;
    }

    public int Rank => Shape.Rank;
    public int Size => Shape.Size;
    public bool IsLeaf => GradFn is null;

    // ---------- creation ----------

    public static Tensor Empty(Shape shape, DType dtype = DType.Float32, Device device = Device.Cpu) =>
        Backend.Get(device).Allocate(shape, dtype);

    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32, Device device = Device.Cpu) =>
        Backend.Get(device).Allocate(shape, dtype);

    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32, Device device = Device.Cpu)
    {
        var t = Backend.Get(device).Allocate(shape, dtype);
        if (value != 0) Backend.Get(device).Fill(t, value);
        return t;
    }

    public static Tensor Ones(Shape shape, DType dtype = DType.Float32, Device device = Device.Cpu) => Full(shape, 1, dtype, device);

    /// <summary>A rank-0 tensor (shape []) holding one value: the only factory that makes one from a number.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full(new Shape(), value, dtype);

    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType, t.Device);
    public static Tensor OnesLike(Tensor t) => Ones(t.Shape, t.DType, t.Device);
    public static Tensor FullLike(Tensor t, double value) => Full(t.Shape, value, t.DType, t.Device);

    /// <summary>
    /// Wraps a copy of <paramref name="data"/> as a float32 tensor of the given shape; without a shape it is 1-D,
    /// [data.Length], whatever the length (<c>FromArray([1f])</c> has shape [1]). A rank-0 tensor comes from
    /// <see cref="Scalar"/>.
    /// </summary>
    public static Tensor FromArray(float[] data, params int[] shape) =>
        new(ShapeOf("FromArray", data.Length, shape), new CpuStorage<float>((float[])data.Clone()));

    /// <summary>The same for float64: shape [data.Length] unless a shape is given; rank 0 only through <see cref="Scalar"/>.</summary>
    public static Tensor FromArray(double[] data, params int[] shape) =>
        new(ShapeOf("FromArray", data.Length, shape), new CpuStorage<double>((double[])data.Clone()));

    static Shape ShapeOf(string op, int length, int[] shape)
    {
        var s = shape.Length == 0 ? new Shape(length) : new Shape(shape);
        if (s.Size != length)
            throw new ArgumentException($"Tensor.{op}: {length} values do not fill the shape {s} ({s.Size} entries)");
        return s;
    }

    /// <summary>A tensor from a rectangular 2-D array.</summary>
    public static Tensor FromArray(double[,] data, DType dtype = DType.Float64)
    {
        int r = data.GetLength(0), c = data.GetLength(1);
        var flat = new double[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                flat[i * c + j] = data[i, j];
        var t = FromArray(flat, r, c);
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    /// <summary>0, 1, ..., n-1.</summary>
    public static Tensor Arange(int n, DType dtype = DType.Float32) => Linspace(0, n - 1, n, dtype);

    /// <summary>n evenly spaced values from start to stop, both included.</summary>
    public static Tensor Linspace(double start, double stop, int n, DType dtype = DType.Float32)
    {
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = n == 1 ? start : start + (stop - start) * i / (n - 1);
        var t = FromArray(d, n);
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Eye(int n, DType dtype = DType.Float32)
    {
        var d = new double[n * n];
        for (int i = 0; i < n; i++) d[i * n + i] = 1;
        var t = FromArray(d, n, n);
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    // ---------- reading values (CPU) ----------

    /// <summary>The elements as a span, for CPU tensors of element type <typeparamref name="T"/>.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (Storage is CpuStorage<T> s) return s.Data;
        throw new InvalidOperationException(
            $"AsSpan<{typeof(T).Name}>: tensor {Shape} is {DType.Name()} on {Device}; call .To(...) or .ToCpu() first");
    }

    /// <summary>A copy of the elements as doubles (works for either dtype and device).</summary>
    public double[] ToDoubleArray()
    {
        var t = ToCpu();
        if (t.Storage is CpuStorage<double> d) return (double[])d.Data.Clone();
        var f = ((CpuStorage<float>)t.Storage).Data;
        var r = new double[f.Length];
        for (int i = 0; i < f.Length; i++) r[i] = f[i];
        return r;
    }

    /// <summary>A copy of the elements as floats.</summary>
    public float[] ToFloatArray()
    {
        var t = ToCpu();
        if (t.Storage is CpuStorage<float> f) return (float[])f.Data.Clone();
        var d = ((CpuStorage<double>)t.Storage).Data;
        var r = new float[d.Length];
        for (int i = 0; i < d.Length; i++) r[i] = (float)d[i];
        return r;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item: tensor has shape {Shape} ({Size} elements), not one element");
        return ToDoubleArray()[0];
    }

    /// <summary>Reads one element (CPU), e.g. <c>t[1, 2]</c>.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[params int[] index]
    {
        get
        {
            if (index.Length != Rank) throw new ArgumentException($"index: {index.Length} indices for a tensor of shape {Shape}");
            int flat = 0;
            var strides = Shape.Strides();
            for (int i = 0; i < Rank; i++)
            {
                if (index[i] < 0 || index[i] >= Shape[i])
                    throw new IndexOutOfRangeException($"index: [{string.Join(", ", index)}] is outside shape {Shape}");
                flat += index[i] * strides[i];
            }
            var t = ToCpu();
            return t.Storage is CpuStorage<double> d ? d.Data[flat] : ((CpuStorage<float>)t.Storage).Data[flat];
        }
    }

    /// <summary>Rows of a matrix as a jagged array (for display and exercises).</summary>
    public double[][] ToJagged()
    {
        if (Rank != 2) throw new InvalidOperationException($"ToJagged: needs a matrix, got shape {Shape}");
        var d = ToDoubleArray();
        int r = Shape[0], c = Shape[1];
        var rows = new double[r][];
        for (int i = 0; i < r; i++) rows[i] = d.AsSpan(i * c, c).ToArray();
        return rows;
    }

    // ---------- device and dtype ----------

    /// <summary>The same values on the CPU (no copy if already there). An explicit transfer boundary.</summary>
    public Tensor ToCpu() => Device == Device.Cpu ? this : To(Device.Cpu);

    /// <summary>The same values on another device: an explicit transfer, differentiable.</summary>
    public Tensor To(Device device) => Ops.Op.ToDevice(this, device);

    /// <summary>The same values in another dtype (a differentiable cast).</summary>
    public Tensor To(DType dtype) => Ops.Op.Cast(this, dtype);

    /// <summary>The same values, cut off from the graph: no gradient flows through the result.</summary>
    public Tensor Detach() => new(Shape, Storage) { Name = Name };

    /// <summary>A deep copy, detached from the graph.</summary>
    public Tensor Clone()
    {
        var t = Backend.Get(Device).Allocate(Shape, DType);
        Backend.Get(Device).Copy(this, t);
        return t;
    }

    /// <summary>Marks this leaf as wanting gradients; returns it for chaining.</summary>
    public Tensor RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }

    // ---------- autodiff entry points ----------

    /// <summary>
    /// Reverse-mode sweep from this scalar: adds d(this)/d(leaf) into <see cref="Grad"/> of every leaf that requires it.
    /// Gradients accumulate across calls; zero them (the optimizers' ZeroGrad) between steps.
    /// </summary>
    public void Backward(Tensor? gradient = null) => Autograd.Backward(this, gradient);

    // ---------- printing ----------

    public override string ToString() => Format(this, 6);

    /// <summary>Numbers in NumPy-like nested brackets, with the shape and dtype.</summary>
    public static string Format(Tensor t, int digits)
    {
        var d = t.ToDoubleArray();
        var sb = new StringBuilder();
        sb.Append("tensor(");
        if (t.Rank == 0) sb.Append(Num(d[0], digits));
        else AppendLevel(sb, d, t.Shape, 0, 0, digits, "       ");
        sb.Append(", shape=").Append(t.Shape).Append(", ").Append(t.DType.Name()).Append(')');
        return sb.ToString();
    }

    static void AppendLevel(StringBuilder sb, double[] d, Shape shape, int axis, int offset, int digits, string indent)
    {
        const int edge = 3; // long axes show their first and last three entries
        int n = shape[axis], stride = 1;
        for (int i = axis + 1; i < shape.Rank; i++) stride *= shape[i];
        sb.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (n > 2 * edge + 1 && i == edge) { sb.Append(axis == shape.Rank - 1 ? "..., " : "...,\n" + indent + new string(' ', axis + 1)); i = n - edge - 1; continue; }
            if (axis == shape.Rank - 1) sb.Append(Num(d[offset + i], digits));
            else AppendLevel(sb, d, shape, axis + 1, offset + i * stride, digits, indent);
            if (i < n - 1) sb.Append(axis == shape.Rank - 1 ? ", " : ",\n" + indent + new string(' ', axis + 1));
        }
        sb.Append(']');
    }

    static string Num(double v, int digits) => v.ToString("G" + digits, CultureInfo.InvariantCulture);
}
