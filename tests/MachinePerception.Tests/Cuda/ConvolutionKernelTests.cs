using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cuda;

/// <summary>
/// im2col, col2im and pooling on the CPU accelerator against plain loops written from the definitions (§11):
/// the loops scatter where the kernels gather, so the two are independent.
/// </summary>
[Collection("Cuda")]
public class ConvolutionKernelTests(CpuAcceleratorFixture fx)
{
    Backend Dev => fx.Backend;

    public static TheoryData<int, DType> Cases()
    {
        var data = new TheoryData<int, DType>();
        for (int g = 0; g < Geometries.Length; g++)
            foreach (var dt in new[] { DType.Float32, DType.Float64 })
                data.Add(g, dt);
        return data;
    }

    // stride, padding and dilation on both axes; a 1-D convolution (H = KH = 1); plain 2×2 pooling with stride 2
    static readonly ConvGeometry[] Geometries =
    [
        new(N: 2, C: 3, H: 5, W: 6, KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 2),
        new(N: 1, C: 2, H: 1, W: 9, KH: 1, KW: 3, StrideW: 2, PadW: 1),
        new(N: 2, C: 1, H: 4, W: 5, KH: 2, KW: 2, StrideH: 2, StrideW: 2),
    ];

    /// <summary>Calls f(n, c, kh, kw, oh, ow, h, w) for every tap of every window, padding included.</summary>
    static void ForEachTap(ConvGeometry g, Action<int, int, int, int, int, int, int, int> f)
    {
        for (int n = 0; n < g.N; n++)
            for (int c = 0; c < g.C; c++)
                for (int oh = 0; oh < g.OutH; oh++)
                    for (int ow = 0; ow < g.OutW; ow++)
                        for (int kh = 0; kh < g.KH; kh++)
                            for (int kw = 0; kw < g.KW; kw++)
                                f(n, c, kh, kw, oh, ow, oh * g.StrideH - g.PadH + kh * g.DilH, ow * g.StrideW - g.PadW + kw * g.DilW);
    }

    static bool Inside(ConvGeometry g, int h, int w) => h >= 0 && h < g.H && w >= 0 && w < g.W;
    static int XAt(ConvGeometry g, int n, int c, int h, int w) => ((n * g.C + c) * g.H + h) * g.W + w;
    static int ColAt(ConvGeometry g, int n, int c, int kh, int kw, int oh, int ow) => (((n * g.C + c) * g.KH + kh) * g.KW + kw) * g.OutH * g.OutW + oh * g.OutW + ow;
    static int YAt(ConvGeometry g, int n, int c, int oh, int ow) => ((n * g.C + c) * g.OutH + oh) * g.OutW + ow;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Im2col_and_col2im_match_the_loops(int geometry, DType dtype)
    {
        var g = Geometries[geometry];
        var x = Kit.Random(geometry, dtype, g.N, g.C, g.H, g.W);
        var xs = x.ToDoubleArray();
        int[] colsShape = [g.N, g.C * g.KH * g.KW, g.OutH * g.OutW];
        var expectedCols = new double[colsShape.Aggregate(1, (a, b) => a * b)];
        ForEachTap(g, (n, c, kh, kw, oh, ow, h, w) =>
            expectedCols[ColAt(g, n, c, kh, kw, oh, ow)] = Inside(g, h, w) ? xs[XAt(g, n, c, h, w)] : 0);
        var cols = Dev.Allocate(colsShape, dtype);
        Dev.Im2Col(Dev.Up(x), cols, g);
        Assert.Equal(expectedCols, Dev.Down(cols).ToDoubleArray());

        // col2im: every column entry is added back to the pixel it was read from
        var c2 = Kit.Random(geometry + 50, dtype, colsShape);
        var cs = c2.ToDoubleArray();
        var expectedX = new double[x.Size];
        ForEachTap(g, (n, c, kh, kw, oh, ow, h, w) =>
        {
            if (Inside(g, h, w)) expectedX[XAt(g, n, c, h, w)] += cs[ColAt(g, n, c, kh, kw, oh, ow)];
        });
        var back = Dev.Up(Kit.Random(99, dtype, g.N, g.C, g.H, g.W)); // overwritten, not accumulated into
        Dev.Col2Im(Dev.Up(c2), back, g);
        Kit.Near(Tensor.FromArray(expectedX, x.Shape.ToArray()), Dev.Down(back).To(DType.Float64), Kit.Tol(dtype));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooling_matches_the_loops(int geometry, DType dtype)
    {
        var g = Geometries[geometry];
        var x = Kit.Random(geometry + 10, dtype, g.N, g.C, g.H, g.W);
        var xs = x.ToDoubleArray();
        int[] yShape = [g.N, g.C, g.OutH, g.OutW];
        int ySize = yShape.Aggregate(1, (a, b) => a * b);
        var max = Enumerable.Repeat(double.NegativeInfinity, ySize).ToArray();
        var arg = new double[ySize];
        var avg = new double[ySize];
        ForEachTap(g, (n, c, kh, kw, oh, ow, h, w) =>
        {
            if (!Inside(g, h, w)) return; // padding adds 0 to the mean and never wins the max
            int y = YAt(g, n, c, oh, ow);
            double v = xs[XAt(g, n, c, h, w)];
            if (v > max[y]) { max[y] = v; arg[y] = h * g.W + w; }
            avg[y] += v / (g.KH * g.KW);
        });
        var yMax = Dev.Allocate(yShape, dtype);
        var yArg = Dev.Allocate(yShape, dtype);
        Dev.MaxPool2d(Dev.Up(x), yMax, yArg, g);
        Assert.Equal(max, Dev.Down(yMax).ToDoubleArray());
        Assert.Equal(arg, Dev.Down(yArg).ToDoubleArray());
        var yAvg = Dev.Allocate(yShape, dtype);
        Dev.AvgPool2d(Dev.Up(x), yAvg, g);
        Kit.Near(Tensor.FromArray(avg, yShape), Dev.Down(yAvg).To(DType.Float64), Kit.Tol(dtype));

        // the backward of the mean spreads gy / (KH·KW) over each window
        var gy = Kit.Random(geometry + 20, dtype, yShape);
        var gys = gy.ToDoubleArray();
        var gx = new double[x.Size];
        ForEachTap(g, (n, c, kh, kw, oh, ow, h, w) =>
        {
            if (Inside(g, h, w)) gx[XAt(g, n, c, h, w)] += gys[YAt(g, n, c, oh, ow)] / (g.KH * g.KW);
        });
        var gxDev = Dev.Allocate(x.Shape, dtype);
        Dev.AvgPool2dBackward(Dev.Up(gy), gxDev, g);
        Kit.Near(Tensor.FromArray(gx, x.Shape.ToArray()), Dev.Down(gxDev).To(DType.Float64), Kit.Tol(dtype));
    }

    [Fact]
    public void Max_pool_window_of_padding_only_reads_zero_at_index_minus_one()
    {
        // a 1×1 image padded by 1 with a 1×1 window: of the 3×3 outputs only the centre sees the pixel
        var g = new ConvGeometry(N: 1, C: 1, H: 1, W: 1, KH: 1, KW: 1, PadH: 1, PadW: 1);
        var x = Tensor.FromArray([-4.0], 1, 1, 1, 1);
        var y = Dev.Allocate([1, 1, 3, 3], DType.Float64);
        var arg = Dev.Allocate([1, 1, 3, 3], DType.Float64);
        Dev.MaxPool2d(Dev.Up(x), y, arg, g);
        Assert.Equal([0, 0, 0, 0, -4.0, 0, 0, 0, 0], Dev.Down(y).ToDoubleArray());
        Assert.Equal([-1, -1, -1, -1, 0.0, -1, -1, -1, -1], Dev.Down(arg).ToDoubleArray());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Sliding_window_kernels_match_the_cpu_backend_on_random_geometries(DType dtype)
    {
        var cpu = CpuBackend.Instance;
        var rng = new Rng(77);
        for (int trial = 0; trial < 6; trial++)
        {
            int kh = rng.NextInt(1, 4), kw = rng.NextInt(1, 4);
            var g = new ConvGeometry(N: rng.NextInt(1, 3), C: rng.NextInt(1, 3), H: rng.NextInt(kh, 7), W: rng.NextInt(kw, 7), KH: kh, KW: kw,
                StrideH: rng.NextInt(1, 3), StrideW: rng.NextInt(1, 3), PadH: rng.NextInt(0, kh / 2 + 1), PadW: rng.NextInt(0, kw / 2 + 1));
            var x = Kit.Random(trial, dtype, g.N, g.C, g.H, g.W);
            int[] colsShape = [g.N, g.C * g.KH * g.KW, g.OutH * g.OutW];
            int[] yShape = [g.N, g.C, g.OutH, g.OutW];

            var cols = cpu.Allocate(colsShape, dtype);
            cpu.Im2Col(x, cols, g);
            var colsDev = Dev.Allocate(colsShape, dtype);
            Dev.Im2Col(Dev.Up(x), colsDev, g);
            Assert.Equal(cols.ToDoubleArray(), Dev.Down(colsDev).ToDoubleArray());

            var back = cpu.Allocate(x.Shape, dtype);
            cpu.Col2Im(cols, back, g);
            var backDev = Dev.Allocate(x.Shape, dtype);
            Dev.Col2Im(colsDev, backDev, g);
            Kit.Near(back, Dev.Down(backDev), Kit.Tol(dtype));

            var (y, arg, yDev, argDev) = (cpu.Allocate(yShape, dtype), cpu.Allocate(yShape, dtype), Dev.Allocate(yShape, dtype), Dev.Allocate(yShape, dtype));
            cpu.MaxPool2d(x, y, arg, g);
            Dev.MaxPool2d(Dev.Up(x), yDev, argDev, g);
            Assert.Equal(y.ToDoubleArray(), Dev.Down(yDev).ToDoubleArray());
            Assert.Equal(arg.ToDoubleArray(), Dev.Down(argDev).ToDoubleArray());

            var avg = cpu.Allocate(yShape, dtype);
            cpu.AvgPool2d(x, avg, g);
            var avgDev = Dev.Allocate(yShape, dtype);
            Dev.AvgPool2d(Dev.Up(x), avgDev, g);
            Kit.Near(avg, Dev.Down(avgDev), Kit.Tol(dtype));

            var gx = cpu.Allocate(x.Shape, dtype);
            cpu.AvgPool2dBackward(avg, gx, g);
            var gxDev = Dev.Allocate(x.Shape, dtype);
            Dev.AvgPool2dBackward(avgDev, gxDev, g);
            Kit.Near(gx, Dev.Down(gxDev), Kit.Tol(dtype));
        }
    }
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Whole_convolutions_match_the_cpu_backend(DType dtype)
    {
        // the device runs the defaults of Backend (im2col, MatMul, col2im, a sum over the batch); the CPU its implicit GEMM
        var cpu = CpuBackend.Instance;
        ConvGeometry[] geometries =
        [
            new(N: 2, C: 3, H: 6, W: 5, KH: 3, KW: 3, PadH: 1, PadW: 1),
            new(N: 1, C: 2, H: 7, W: 6, KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadH: 1, PadW: 0, DilH: 1, DilW: 2),
            new(N: 2, C: 4, H: 1, W: 9, KH: 1, KW: 3, PadW: 2, DilW: 2),
        ];
        for (int i = 0; i < geometries.Length; i++)
        {
            var g = geometries[i];
            int cout = 3 + i;
            var x = Kit.Random(10 + i, dtype, g.N, g.C, g.H, g.W);
            var w = Kit.Random(20 + i, dtype, cout, g.C, g.KH, g.KW);
            var bias = Kit.Random(30 + i, dtype, cout);
            var gy = Kit.Random(40 + i, dtype, g.N, cout, g.OutH, g.OutW);

            var y = cpu.Allocate(gy.Shape, dtype);
            cpu.Conv2d(x, w, bias, y, g);
            var yDev = Dev.Allocate(gy.Shape, dtype);
            Dev.Conv2d(Dev.Up(x), Dev.Up(w), Dev.Up(bias), yDev, g);
            Kit.Near(y, Dev.Down(yDev), Kit.Tol(dtype));

            var gx = cpu.Allocate(x.Shape, dtype);
            cpu.Conv2dInputGrad(gy, w, gx, g);
            var gxDev = Dev.Up(Kit.Random(50 + i, dtype, g.N, g.C, g.H, g.W)); // overwritten, not accumulated into
            Dev.Conv2dInputGrad(Dev.Up(gy), Dev.Up(w), gxDev, g);
            Kit.Near(gx, Dev.Down(gxDev), Kit.Tol(dtype));

            var gw = cpu.Allocate(w.Shape, dtype);
            cpu.Conv2dWeightGrad(x, gy, gw, g);
            var gwDev = Dev.Up(Kit.Random(60 + i, dtype, cout, g.C, g.KH, g.KW));
            Dev.Conv2dWeightGrad(Dev.Up(x), Dev.Up(gy), gwDev, g);
            Kit.Near(gw, Dev.Down(gwDev), Kit.Tol(dtype));
        }
    }
}
