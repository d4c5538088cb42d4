using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Backends;

/// <summary>
/// The CPU backend's convolution primitives (implicit GEMM for stride 1, im2col per image otherwise) against loops
/// written from the definition (§11): y = Σ w·x, and the two gradients as the scatters that the forward's
/// sum implies. Geometries cover both kernel-gradient layouts (by channel for C ≥ 16, by column otherwise), k longer
/// than one block (C·KH·KW = 576 &gt; 320), channel and row counts that leave partial panels, dilation, padding from 0
/// to beyond dil·(K − 1), strides 2 and 3 (split into phases, some of which no tap reaches), 1-D and single images.
/// </summary>
public class ConvolutionPrimitiveTests
{
    static readonly ConvGeometry[] Geometries =
    [
        new(N: 3, C: 64, H: 9, W: 11, KH: 3, KW: 3, PadH: 1, PadW: 1),            // 576 rows of im2col, by channel
        new(N: 2, C: 20, H: 7, W: 6, KH: 3, KW: 3, PadH: 1, PadW: 1),             // 20 channels: two panels, the second partial
        new(N: 2, C: 3, H: 8, W: 13, KH: 5, KW: 3, PadH: 2, PadW: 0, DilH: 1),    // by column, unequal padding
        new(N: 1, C: 1, H: 12, W: 12, KH: 7, KW: 7, PadH: 3, PadW: 3),            // one channel, 7×7 (PixelCNN's first layer)
        new(N: 2, C: 16, H: 10, W: 9, KH: 3, KW: 3, PadH: 2, PadW: 1, DilH: 2, DilW: 1),
        new(N: 2, C: 17, H: 5, W: 5, KH: 1, KW: 1),                                // 1×1
        new(N: 2, C: 5, H: 1, W: 30, KH: 1, KW: 3, PadW: 2, DilW: 2),              // 1-D, dilated
        new(N: 2, C: 4, H: 9, W: 8, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1), // stride 2: 2×2 phases
        new(N: 1, C: 3, H: 6, W: 6, KH: 3, KW: 3, PadH: 3, PadW: 3),              // padding beyond dil·(K − 1)
        new(N: 3, C: 2, H: 4, W: 4, KH: 3, KW: 3),                                 // no padding
        new(N: 2, C: 32, H: 11, W: 10, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1), // phases, kernel gradient by channel
        new(N: 2, C: 3, H: 9, W: 8, KH: 2, KW: 2, StrideH: 3, StrideW: 3),        // stride above the kernel: phases no tap reaches
        new(N: 1, C: 16, H: 8, W: 9, KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1), // the adjoint of a U-Net's upsampling
        new(N: 2, C: 5, H: 10, W: 7, KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadH: 2, PadW: 1, DilH: 2, DilW: 3), // stride and dilation
    ];

    static readonly int[] OutChannels = [13, 7, 6, 5, 1, 9, 4, 3, 2, 8, 20, 4, 6, 3];

    public static TheoryData<int, DType> Cases()
    {
        var data = new TheoryData<int, DType>();
        for (int i = 0; i < Geometries.Length; i++)
            foreach (var dt in new[] { DType.Float64, DType.Float32 })
                data.Add(i, dt);
        return data;
    }

    /// <summary>Calls f(n, o, c, kh, kw, oh, ow, ih, iw) for every tap that lands inside the input.</summary>
    static void ForEachTap(ConvGeometry g, int cout, Action<int, int, int, int, int, int, int, int, int> f)
    {
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < cout; o++)
                for (int c = 0; c < g.C; c++)
                    for (int oh = 0; oh < g.OutH; oh++)
                        for (int ow = 0; ow < g.OutW; ow++)
                            for (int kh = 0; kh < g.KH; kh++)
                                for (int kw = 0; kw < g.KW; kw++)
                                {
                                    int ih = oh * g.StrideH - g.PadH + kh * g.DilH, iw = ow * g.StrideW - g.PadW + kw * g.DilW;
                                    if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) f(n, o, c, kh, kw, oh, ow, ih, iw);
                                }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_both_gradients_match_the_definition(int geometry, DType dtype)
    {
        var g = Geometries[geometry];
        int cout = OutChannels[geometry];
        var rng = new Rng(geometry + 1);
        var x = rng.Normal([g.N, g.C, g.H, g.W], dtype: dtype);
        var w = rng.Normal([cout, g.C, g.KH, g.KW], dtype: dtype);
        var bias = rng.Normal([cout], dtype: dtype);
        var gy = rng.Normal([g.N, cout, g.OutH, g.OutW], dtype: dtype);
        double[] xs = x.ToDoubleArray(), ws = w.ToDoubleArray(), bs = bias.ToDoubleArray(), gys = gy.ToDoubleArray();
        var y = new double[g.N * cout * g.OutH * g.OutW];
        var gx = new double[xs.Length];
        var gw = new double[ws.Length];
        for (int i = 0; i < y.Length; i++) y[i] = bs[i / (g.OutH * g.OutW) % cout];
        int X(int n, int c, int h, int w_) => ((n * g.C + c) * g.H + h) * g.W + w_;
        int W(int o, int c, int kh, int kw) => ((o * g.C + c) * g.KH + kh) * g.KW + kw;
        int Y(int n, int o, int oh, int ow) => ((n * cout + o) * g.OutH + oh) * g.OutW + ow;
        ForEachTap(g, cout, (n, o, c, kh, kw, oh, ow, ih, iw) =>
        {
            y[Y(n, o, oh, ow)] += ws[W(o, c, kh, kw)] * xs[X(n, c, ih, iw)];
            gx[X(n, c, ih, iw)] += ws[W(o, c, kh, kw)] * gys[Y(n, o, oh, ow)];
            gw[W(o, c, kh, kw)] += xs[X(n, c, ih, iw)] * gys[Y(n, o, oh, ow)];
        });

        var cpu = CpuBackend.Instance;
        var yt = cpu.Allocate(gy.Shape, dtype);
        cpu.Conv2d(x, w, bias, yt, g);
        var gxt = cpu.Allocate(x.Shape, dtype);
        cpu.Conv2dInputGrad(gy, w, gxt, g);
        var gwt = cpu.Allocate(w.Shape, dtype);
        cpu.Conv2dWeightGrad(x, gy, gwt, g);
        double tol = dtype == DType.Float64 ? 1e-12 : 2e-5;
        Close("conv2d", y, yt, tol);
        Close("conv2d input gradient", gx, gxt, tol);
        Close("conv2d kernel gradient", gw, gwt, tol);
    }

    static void Close(string what, double[] expected, Tensor actual, double tol)
    {
        var a = actual.ToDoubleArray();
        double scale = expected.Max(Math.Abs) + 1;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(a[i] - expected[i]) <= tol * scale, $"{what}[{i}]: {a[i]} vs {expected[i]} (scale {scale})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Same_bits_on_one_core_and_on_two(int stride)
    {
        // large enough for the image loop and the column panels of the kernel gradient to be split over cores
        var g = new ConvGeometry(N: 6, C: 48, H: 14, W: 14, KH: 3, KW: 3, StrideH: stride, StrideW: stride, PadH: 1, PadW: 1);
        int cout = 20;
        var rng = new Rng(7);
        var x = rng.Normal([g.N, g.C, g.H, g.W]);
        var w = rng.Normal([cout, g.C, 3, 3]);
        var gy = rng.Normal([g.N, cout, g.OutH, g.OutW]);
        float[][] Run(int threads)
        {
            int saved = CpuParallel.MaxThreads;
            try
            {
                CpuParallel.MaxThreads = threads;
                var cpu = CpuBackend.Instance;
                var y = cpu.Allocate(gy.Shape, DType.Float32);
                var gx = cpu.Allocate(x.Shape, DType.Float32);
                var gw = cpu.Allocate(w.Shape, DType.Float32);
                cpu.Conv2d(x, w, null, y, g);
                cpu.Conv2dInputGrad(gy, w, gx, g);
                cpu.Conv2dWeightGrad(x, gy, gw, g);
                return [y.ToFloatArray(), gx.ToFloatArray(), gw.ToFloatArray()];
            }
            finally { CpuParallel.MaxThreads = saved; }
        }
        var one = Run(1);
        var two = Run(2);
        for (int k = 0; k < 3; k++)
            Assert.True(one[k].AsSpan().SequenceEqual(two[k]), $"result {k} differs between one and two cores");
    }
}
