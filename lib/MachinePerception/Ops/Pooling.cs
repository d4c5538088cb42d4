using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Ops;

/// <summary>Max pooling's values and, for each, the flat index h·W + w of the winning input within its H×W plane (§11, max-unpooling).</summary>
public sealed record MaxPoolResult(Tensor Values, Tensor Indices);

/// <summary>How <see cref="Op.Upsample"/> fills each scale×scale block (§11, unpooling).</summary>
public enum UpsampleMode
{
    /// <summary>Nearest neighbour: the value is duplicated over the whole block.</summary>
    Nearest,
    /// <summary>Bed of nails: the value goes to the block's top-left corner, the rest is 0.</summary>
    BedOfNails,
}

// Pooling and unpooling (§11). Windows follow the convolution's geometry: Out = ⌊(in + 2·pad − k) / stride⌋ + 1,
// stride defaults to the kernel (non-overlapping windows), and padding is at most half the kernel so that every
// window holds at least one input.
//
// Max pooling z = max_i x_i has ∂z/∂x_i = [i = i*] (§11): the backward routes δ to the argmax and nowhere else.
// That routing is max-unpooling (a scatter to the remembered positions), whose own backward is the gather at those
// positions, so both directions are differentiable ops and second derivatives flow through pooling layers.
// Average pooling is linear; its backward is its adjoint (spread δ / (KH·KW) over the window), and the adjoint's
// backward is average pooling again.
public static partial class Op
{
    /// <summary>
    /// Max pooling over x [N, C, H, W] → [N, C, OutH, OutW] (§11). Padding never wins a window.
    /// The gradient goes to the window's argmax (the first maximum on ties).
    /// </summary>
    public static Tensor MaxPool2d(Tensor x, Size2d kernel, Size2d? stride = null, Size2d? padding = null) =>
        MaxPool2dWithIndices(x, kernel, stride, padding).Values;

    /// <summary>Max pooling that also returns where each maximum came from, for <see cref="MaxUnpool2d"/> (§11).</summary>
    public static MaxPoolResult MaxPool2dWithIndices(Tensor x, Size2d kernel, Size2d? stride = null, Size2d? padding = null)
    {
        Guard.Rank("max_pool2d", x, 4);
        return MaxPool(x, PoolWindow("max_pool2d", x.Shape, kernel, stride ?? kernel, padding ?? 0));
    }

    /// <summary>
    /// Max-unpooling (§11): y [N, C, OutH, OutW] placed at the positions <paramref name="indices"/> (from
    /// <see cref="MaxPool2dWithIndices"/>) of a zero [N, C, H, W] map, H × W = <paramref name="outputSize"/>.
    /// Values landing on the same position (overlapping windows) add, which makes it exactly max pooling's backward.
    /// </summary>
    public static Tensor MaxUnpool2d(Tensor y, Tensor indices, Size2d outputSize)
    {
        const string op = "max_unpool2d";
        Guard.Rank(op, y, 4);
        if (!indices.Shape.Equals(y.Shape))
            throw new ArgumentException($"{op}: indices {indices.Shape} must have the shape of y {y.Shape}");
        if (indices.Device != y.Device)
            throw new ArgumentException($"{op}: indices on {indices.Device} but y {y.Shape} on {y.Device}");
        if (outputSize.H < 1 || outputSize.W < 1)
            throw new ArgumentException($"{op}: output size {outputSize} must be positive (y {y.Shape})");
        int planes = y.Shape[0] * y.Shape[1], cells = y.Shape[2] * y.Shape[3], size = outputSize.H * outputSize.W;
        var x = New(y, new Shape(y.Shape[0], y.Shape[1], outputSize.H, outputSize.W));
        try { B(y).ScatterAdd(y, indices, x, planes, cells, size, 1); }
        catch (ArgumentException e) { throw new ArgumentException($"{op}: {e.Message} (y {y.Shape}, output {outputSize})", e); }
        return Autograd.Record(x, op, [y], gx => [GatherFromPlanes(gx, indices)]);
    }

    /// <summary>The adjoint of max-unpooling: out[n, c, o] = x[n, c, indices[n, c, o]] (the values max pooling picked).</summary>
    static Tensor GatherFromPlanes(Tensor x, Tensor indices)
    {
        int planes = x.Shape[0] * x.Shape[1], size = x.Shape[2] * x.Shape[3], cells = indices.Shape[2] * indices.Shape[3];
        var y = Empty(x, indices.Shape);
        B(x).Gather(x, indices, y, planes, size, cells, 1);
        var outputSize = new Size2d(x.Shape[2], x.Shape[3]);
        return Autograd.Record(y, "max_pool2d_gather", [x], gy => [MaxUnpool2d(gy, indices, outputSize)]);
    }

    /// <summary>
    /// Average pooling over x [N, C, H, W] → [N, C, OutH, OutW] (§11): each output is the window's sum divided by
    /// KH·KW (padded positions count as zeros).
    /// </summary>
    public static Tensor AvgPool2d(Tensor x, Size2d kernel, Size2d? stride = null, Size2d? padding = null)
    {
        Guard.Rank("avg_pool2d", x, 4);
        return AvgPool(x, PoolWindow("avg_pool2d", x.Shape, kernel, stride ?? kernel, padding ?? 0));
    }

    /// <summary>1-D max pooling: x [N, C, L] → [N, C, Lout], Lout = ⌊(L + 2·pad − k) / stride⌋ + 1 (§11).</summary>
    public static Tensor MaxPool1d(Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        Guard.Rank("max_pool1d", x, 3);
        var g = PoolWindow("max_pool1d", x.Shape, (1, kernel), (1, stride ?? kernel), (0, padding));
        var y = MaxPool(Reshape(x, x.Shape[0], x.Shape[1], 1, x.Shape[2]), g).Values;
        return Reshape(y, y.Shape[0], y.Shape[1], y.Shape[3]);
    }

    /// <summary>1-D average pooling: x [N, C, L] → [N, C, Lout] (§11).</summary>
    public static Tensor AvgPool1d(Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        Guard.Rank("avg_pool1d", x, 3);
        var g = PoolWindow("avg_pool1d", x.Shape, (1, kernel), (1, stride ?? kernel), (0, padding));
        var y = AvgPool(Reshape(x, x.Shape[0], x.Shape[1], 1, x.Shape[2]), g);
        return Reshape(y, y.Shape[0], y.Shape[1], y.Shape[3]);
    }

    /// <summary>
    /// Unpooling by an integer factor (§11): x [N, C, H, W] → [N, C, H·sH, W·sW], each value filling its block
    /// (nearest neighbour) or only the block's top-left corner (bed of nails). Differentiable: the backward sums each
    /// block (nearest) or reads its corner (bed of nails).
    /// </summary>
    public static Tensor Upsample(Tensor x, Size2d scale, UpsampleMode mode = UpsampleMode.Nearest)
    {
        Guard.Rank("upsample", x, 4);
        if (scale.H < 1 || scale.W < 1) throw new ArgumentException($"upsample: scale must be ≥ 1, got {scale} (x {x.Shape})");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var x6 = Reshape(x, n, c, h, 1, w, 1);                                  // [N, C, H, 1, W, 1]
        var blocks = new Shape(n, c, h, scale.H, w, scale.W);                   // [N, C, H, sH, W, sW]
        Tensor y;
        if (mode == UpsampleMode.Nearest) y = BroadcastTo(x6, blocks);
        else
        {
            // a constant one-hot block: 1 at its top-left corner
            var corner = new double[scale.H * scale.W];
            corner[0] = 1;
            var mask = Tensor.FromArray(corner, 1, 1, 1, scale.H, 1, scale.W).To(x.DType).To(x.Device);
            y = x6 * mask;
        }
        return Reshape(y, n, c, h * scale.H, w * scale.W);
    }

    // ---------- shared pieces ----------

    static MaxPoolResult MaxPool(Tensor x, ConvGeometry g)
    {
        // the argmax is stored in x's dtype; float32 holds every integer exactly only up to 2²⁴
        if (x.DType == DType.Float32 && (long)g.H * g.W > 1 << 24)
            throw new ArgumentException($"max_pool2d: a plane of {g.H}×{g.W} positions is too large for exact float32 argmax indices (x {x.Shape}); use float64");
        var shape = new Shape(g.N, g.C, g.OutH, g.OutW);
        var y = Empty(x, shape);
        var argmax = Empty(x, shape);
        B(x).MaxPool2d(x, y, argmax, g);
        var outputSize = new Size2d(g.H, g.W);
        var values = Autograd.Record(y, "max_pool2d", [x], gy => [MaxUnpool2d(gy, argmax, outputSize)]);
        return new MaxPoolResult(values, argmax);
    }

    static Tensor AvgPool(Tensor x, ConvGeometry g)
    {
        var y = Empty(x, new Shape(g.N, g.C, g.OutH, g.OutW));
        B(x).AvgPool2d(x, y, g);
        return Autograd.Record(y, "avg_pool2d", [x], gy => [AvgPoolAdjoint(gy, g)]);
    }

    // The adjoint of average pooling, recorded as an op of its own so that its backward (average pooling) can be
    // differentiated again.
    static Tensor AvgPoolAdjoint(Tensor gy, ConvGeometry g)
    {
        var gx = Empty(gy, new Shape(g.N, g.C, g.H, g.W));
        B(gy).AvgPool2dBackward(gy, gx, g);
        return Autograd.Record(gx, "avg_pool2d_backward", [gy], gg => [AvgPool(gg, g)]);
    }

    /// <summary>The geometry of a pooling window over x [N, C, (H,) W], with its checks.</summary>
    static ConvGeometry PoolWindow(string op, Shape x, Size2d kernel, Size2d stride, Size2d padding)
    {
        bool oneD = x.Rank == 3;
        int h = oneD ? 1 : x[2], w = x[-1];
        if (x.Size == 0) throw new ArgumentException($"{op}: empty input x {x}");
        if (kernel.H < 1 || kernel.W < 1)
            throw new ArgumentException($"{op}: kernel must be ≥ 1, got {Dims(kernel.H, kernel.W, oneD)} (x {x})");
        if (stride.H < 1 || stride.W < 1)
            throw new ArgumentException($"{op}: stride must be ≥ 1, got {Dims(stride.H, stride.W, oneD)} (x {x})");
        if (padding.H < 0 || padding.W < 0 || padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
            throw new ArgumentException($"{op}: padding {Dims(padding.H, padding.W, oneD)} must be between 0 and half the kernel {Dims(kernel.H, kernel.W, oneD)} (x {x})");
        if (kernel.H > h + 2 * padding.H || kernel.W > w + 2 * padding.W)
            throw new ArgumentException($"{op}: kernel {Dims(kernel.H, kernel.W, oneD)} is larger than the padded input {Dims(h + 2 * padding.H, w + 2 * padding.W, oneD)} (x {x})");
        return new ConvGeometry(x[0], x[1], h, w, kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W);
    }
}
