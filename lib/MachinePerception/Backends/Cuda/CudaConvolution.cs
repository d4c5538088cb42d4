using ILGPU;
using MachinePerception.Tensors;

namespace MachinePerception.Backends.Cuda;

// Convolution lowering (im2col / col2im, §11) and pooling. Every adjoint is written as a gather: each input
// element sums the outputs that read it, in a fixed order, so there are no atomics and results are deterministic.
public sealed partial class CudaBackend
{
    public override void Im2Col(Tensor x, Tensor cols, ConvGeometry g) => ConvLaunch(ConvolutionKernels.Im2Col<float>, ConvolutionKernels.Im2Col<double>, x, cols, g, cols.Size);

    public override void Col2Im(Tensor cols, Tensor x, ConvGeometry g) => ConvLaunch(ConvolutionKernels.Col2Im<float, Float32Math>, ConvolutionKernels.Col2Im<double, Float64Math>, cols, x, g, x.Size);

    public override void AvgPool2d(Tensor x, Tensor y, ConvGeometry g) => ConvLaunch(ConvolutionKernels.AvgPool2d<float, Float32Math>, ConvolutionKernels.AvgPool2d<double, Float64Math>, x, y, g, y.Size);

    public override void AvgPool2dBackward(Tensor gy, Tensor gx, ConvGeometry g) => ConvLaunch(ConvolutionKernels.AvgPool2dBackward<float, Float32Math>, ConvolutionKernels.AvgPool2dBackward<double, Float64Math>, gy, gx, g, gx.Size);

    public override void MaxPool2d(Tensor x, Tensor y, Tensor argmax, ConvGeometry g)
    {
        if (x.DType == DType.Float32)
            kernels.Launch(ConvolutionKernels.MaxPool2d<float, Float32Math>, kernels.Elements(y.Size), new PoolArgs<float>(View<float>(x), View<float>(y), View<float>(argmax), g));
        else
            kernels.Launch(ConvolutionKernels.MaxPool2d<double, Float64Math>, kernels.Elements(y.Size), new PoolArgs<double>(View<double>(x), View<double>(y), View<double>(argmax), g));
    }

    void ConvLaunch(Action<WindowArgs<float>> f32, Action<WindowArgs<double>> f64, Tensor from, Tensor to, ConvGeometry g, int outputs)
    {
        if (from.DType == DType.Float32) kernels.Launch(f32, kernels.Elements(outputs), new WindowArgs<float>(View<float>(from), View<float>(to), g));
        else kernels.Launch(f64, kernels.Elements(outputs), new WindowArgs<double>(View<double>(from), View<double>(to), g));
    }
}

/// <summary>A sliding-window map from <c>X</c> to <c>Y</c> (one thread per element of Y).</summary>
public readonly record struct WindowArgs<T>(ArrayView<T> X, ArrayView<T> Y, ConvGeometry G) where T : unmanaged;
/// <summary>Max pooling of X into Y, with the flat h·W + w of each maximum in ArgMax.</summary>
public readonly record struct PoolArgs<T>(ArrayView<T> X, ArrayView<T> Y, ArrayView<T> ArgMax, ConvGeometry G) where T : unmanaged;

/// <summary>Kernels of the sliding-window primitives.</summary>
public static class ConvolutionKernels
{
    /// <summary>cols[n, (c, kh, kw), (oh, ow)] = x[n, c, oh·sh − ph + kh·dh, ow·sw − pw + kw·dw], 0 outside the image.</summary>
    [Kernel]
    public static void Im2Col<T>(WindowArgs<T> p) where T : unmanaged
    {
        var g = p.G;
        int outHW = g.OutH * g.OutW, rowsPerImage = g.C * g.KH * g.KW;
        for (int e = Grid.GlobalIndex.X; e < p.Y.IntLength; e += ElementwiseKernels.GridStride)
        {
            int q = e % outHW, row = e / outHW % rowsPerImage, n = e / outHW / rowsPerImage;
            int c = row / (g.KH * g.KW), kh = row / g.KW % g.KH, kw = row % g.KW;
            int h = q / g.OutW * g.StrideH - g.PadH + kh * g.DilH;
            int w = q % g.OutW * g.StrideW - g.PadW + kw * g.DilW;
            p.Y[e] = h >= 0 && h < g.H && w >= 0 && w < g.W ? p.X[((n * g.C + c) * g.H + h) * g.W + w] : default;
        }
    }

    /// <summary>
    /// x[n, c, h, w] = Σ over window taps (kh, kw) whose output position (oh, ow) reads (h, w) of cols[...]:
    /// oh = (h + ph − kh·dh) / sh when that division is exact and in range.
    /// </summary>
    [Kernel]
    public static void Col2Im<T, TMath>(WindowArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        var g = p.G;
        for (int e = Grid.GlobalIndex.X; e < p.Y.IntLength; e += ElementwiseKernels.GridStride)
        {
            int w = e % g.W, h = e / g.W % g.H, c = e / g.W / g.H % g.C, n = e / g.W / g.H / g.C;
            T s = m.Zero;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int th = h + g.PadH - kh * g.DilH;
                if (th < 0 || th % g.StrideH != 0 || th / g.StrideH >= g.OutH) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int tw = w + g.PadW - kw * g.DilW;
                    if (tw < 0 || tw % g.StrideW != 0 || tw / g.StrideW >= g.OutW) continue;
                    int row = (n * g.C + c) * g.KH * g.KW + kh * g.KW + kw;
                    s = m.Add(s, p.X[(row * g.OutH + th / g.StrideH) * g.OutW + tw / g.StrideW]);
                }
            }
            p.Y[e] = s;
        }
    }

    /// <summary>Max over each window, skipping padding; the first maximum wins ties. argmax = h·W + w within the plane.</summary>
    [Kernel]
    public static void MaxPool2d<T, TMath>(PoolArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        var g = p.G;
        for (int e = Grid.GlobalIndex.X; e < p.Y.IntLength; e += ElementwiseKernels.GridStride)
        {
            int ow = e % g.OutW, oh = e / g.OutW % g.OutH, plane = e / g.OutW / g.OutH;
            T best = m.NegativeInfinity;
            int at = -1;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int h = oh * g.StrideH - g.PadH + kh * g.DilH;
                if (h < 0 || h >= g.H) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int w = ow * g.StrideW - g.PadW + kw * g.DilW;
                    if (w < 0 || w >= g.W) continue;
                    T v = p.X[(plane * g.H + h) * g.W + w];
                    if (at < 0 || m.Greater(v, best)) { best = v; at = h * g.W + w; }
                }
            }
            // a window wholly in the padding (which the ops rule out) has no input: 0 at index −1, as on the CPU
            p.Y[e] = at < 0 ? m.Zero : best;
            p.ArgMax[e] = m.FromInt(at);
        }
    }

    /// <summary>Mean over each window, dividing by KH·KW (padding counts as zeros).</summary>
    [Kernel]
    public static void AvgPool2d<T, TMath>(WindowArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        var g = p.G;
        T area = m.FromInt(g.KH * g.KW);
        for (int e = Grid.GlobalIndex.X; e < p.Y.IntLength; e += ElementwiseKernels.GridStride)
        {
            int ow = e % g.OutW, oh = e / g.OutW % g.OutH, plane = e / g.OutW / g.OutH;
            T s = m.Zero;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int h = oh * g.StrideH - g.PadH + kh * g.DilH;
                if (h < 0 || h >= g.H) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int w = ow * g.StrideW - g.PadW + kw * g.DilW;
                    if (w >= 0 && w < g.W) s = m.Add(s, p.X[(plane * g.H + h) * g.W + w]);
                }
            }
            p.Y[e] = m.Div(s, area);
        }
    }

    /// <summary>gx[n, c, h, w] = Σ over the windows that contain (h, w) of gy / (KH·KW): the adjoint of the mean.</summary>
    [Kernel]
    public static void AvgPool2dBackward<T, TMath>(WindowArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        var g = p.G;
        T area = m.FromInt(g.KH * g.KW);
        for (int e = Grid.GlobalIndex.X; e < p.Y.IntLength; e += ElementwiseKernels.GridStride)
        {
            int w = e % g.W, h = e / g.W % g.H, plane = e / g.W / g.H;
            T s = m.Zero;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int th = h + g.PadH - kh * g.DilH;
                if (th < 0 || th % g.StrideH != 0 || th / g.StrideH >= g.OutH) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int tw = w + g.PadW - kw * g.DilW;
                    if (tw < 0 || tw % g.StrideW != 0 || tw / g.StrideW >= g.OutW) continue;
                    s = m.Add(s, p.X[(plane * g.OutH + th / g.StrideH) * g.OutW + tw / g.StrideW]);
                }
            }
            p.Y[e] = m.Div(s, area);
        }
    }
}
