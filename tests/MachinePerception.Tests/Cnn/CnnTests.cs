using MachinePerception.Checks;
using MachinePerception.Basics;
using MachinePerception.Cnn;
using MachinePerception.Data;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Cnn;

public class CnnTests
{
    static Tensor Image(double[,] a) => Tensor.FromArray(a).Reshape(1, 1, a.GetLength(0), a.GetLength(1)); // [1, 1, H, W]

    static double[,] Plane(Tensor t)
    {
        int h = t.Shape[t.Rank - 2], w = t.Shape[t.Rank - 1];
        var v = t.ToDoubleArray();
        var a = new double[h, w];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
                a[i, j] = v[i * w + j];
        return a;
    }

    static double[,] Random(Rng rng, int h, int w)
    {
        var a = new double[h, w];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
                a[i, j] = rng.NextNormal();
        return a;
    }

    [Fact]
    public void Toeplitz_product_is_the_full_convolution()
    {
        double[] k = [1, -2, 0.5];
        var x = new Rng(3).Normal([7], dtype: DType.Float64);
        var t = Toeplitz.FullConvolution(k, 7);
        Assert.Equal([9, 7], t.Shape.ToArray());
        // full convolution = correlation with the flipped kernel over x padded by K − 1 on both sides
        var flipped = Tensor.FromArray(new[] { 0.5, -2, 1 }, 1, 1, 3);
        var conv = Op.Conv1d(x.Reshape(1, 1, 7), flipped, padding: 2).Reshape(9);
        Assert.True(Check.Close("T x = k * x", t.MatMul(x.Reshape(7, 1)).Reshape(9), conv, 1e-12).Passed);
    }

    [Fact]
    public void A_linear_shift_equivariant_map_is_the_convolution_with_its_impulse_response()
    {
        // two convolutions in a row: linear and shift-equivariant, so one convolution with T(e₀)
        var t = Toeplitz.FullConvolution([1, 2], 8).MatMul(Toeplitz.FullConvolution([3, 0, -1], 6));
        var h = Toeplitz.ImpulseResponse(v => t.MatMul(Tensor.FromArray(v, 6, 1)).ToDoubleArray(), 6);
        var hNonzero = h.Take(4).ToArray(); // full convolution of lengths 2 and 3
        Assert.True(Check.Close("T = Toeplitz(T e₀)", t, Toeplitz.FullConvolution(hNonzero, 6), 1e-12).Passed);
    }

    [Fact]
    public void Loop_correlation_and_convolution_match_the_im2col_op()
    {
        var rng = new Rng(5);
        var image = Random(rng, 6, 7);
        var kernel = Random(rng, 3, 2);
        var viaOp = Op.Conv2d(Image(image), Image(kernel));
        Assert.True(Check.Close("correlation", Image(DirectConvolution.Correlate(image, kernel)), viaOp, 1e-12).Passed);
        var flipped = Op.Conv2d(Image(image), Image(DirectConvolution.Rot180(kernel)));
        Assert.True(Check.Close("convolution", Image(DirectConvolution.Convolve(image, kernel)), flipped, 1e-12).Passed);
        Assert.Equal(2 + 3 - 1, DirectConvolution.ConvolveFull(new double[2, 2], kernel).GetLength(0));
    }

    [Theory]
    [InlineData(28, 5, 1, 2, 1)]
    [InlineData(13, 3, 2, 1, 2)]
    [InlineData(10, 4, 3, 0, 1)]
    public void Output_size_formula_matches_the_op(int input, int kernel, int stride, int padding, int dilation)
    {
        var y = Op.Conv2d(Tensor.Zeros(new Shape(1, 1, input, input)), Tensor.Zeros(new Shape(1, 1, kernel, kernel)),
            stride: stride, padding: padding, dilation: dilation);
        Assert.Equal(DirectConvolution.OutputSize(input, kernel, stride, padding, dilation), y.Shape[2]);
    }

    [Fact]
    public void Output_size_formula_equals_the_window_positions_counted_one_by_one()
    {
        for (int input = 1; input <= 12; input++)
            for (int kernel = 1; kernel <= 5; kernel++)
                for (int stride = 1; stride <= 3; stride++)
                    for (int padding = 0; padding <= 2; padding++)
                        for (int dilation = 1; dilation <= 3; dilation++)
                        {
                            int count = DirectConvolution.CountWindowPositions(input, kernel, stride, padding, dilation);
                            if (count == 0) Assert.Throws<ArgumentException>(() => DirectConvolution.OutputSize(input, kernel, stride, padding, dilation));
                            else Assert.Equal(count, DirectConvolution.OutputSize(input, kernel, stride, padding, dilation));
                        }
    }

    [Theory]
    [InlineData(3, 3, 2, 1, 1, 1)]
    [InlineData(5, 4, 2, 1, 0, 1)]
    [InlineData(4, 3, 3, 0, 2, 2)]
    [InlineData(7, 1, 1, 0, 0, 1)]
    public void Transposed_output_size_matches_the_op_and_convolves_back(int input, int kernel, int stride, int padding, int outputPadding, int dilation)
    {
        var y = Op.ConvTranspose2d(Tensor.Zeros(new Shape(1, 1, input, input)), Tensor.Zeros(new Shape(1, 1, kernel, kernel)),
            stride: stride, padding: padding, outputPadding: outputPadding, dilation: dilation);
        int size = DirectConvolution.TransposedOutputSize(input, kernel, stride, padding, outputPadding, dilation);
        Assert.Equal(size, y.Shape[2]);
        Assert.Equal(input, DirectConvolution.OutputSize(size, kernel, stride, padding, dilation));
        Assert.Throws<ArgumentException>(() => DirectConvolution.TransposedOutputSize(input, kernel, stride, padding, outputPadding: stride, dilation));
    }

    [Fact]
    public void Summary_example_differs_only_at_Y_2_1_and_the_short_row()
    {
        var x = Image(SummaryBackpropExample.X).RequireGrad();
        var k = Image(SummaryBackpropExample.K).RequireGrad();
        var y = TrueConvolution.Conv2d(x, k); // a true convolution: correlation with ROT180(K)
        var yd = Plane(y);
        Assert.Equal([(2, 1, 3.0, 4.0)], SummaryBackpropExample.Differences(SummaryBackpropExample.PrintedY, yd));
        Assert.Equal(yd, DirectConvolution.Convolve(SummaryBackpropExample.X, SummaryBackpropExample.K));
        Op.MaxPool2d(y, 3).Sum().Backward(); // ∂E/∂Y′ = 1, the first maximum (1, 0) wins the tie
        Assert.Empty(SummaryBackpropExample.Differences(SummaryBackpropExample.PrintedDeltaK, Plane(k.Grad!)));
        var dx = SummaryBackpropExample.Differences(SummaryBackpropExample.PrintedDeltaX, Plane(x.Grad!));
        Assert.Single(dx);
        Assert.True(dx[0] is (0, 4, double.NaN, 0.0));
    }

    [Fact]
    public void Pooling_before_or_after_an_increasing_per_channel_map_gives_the_same_maps()
    {
        // the SmallCnn remark: at inference batch normalisation is y = a·x + b per channel; with a > 0 followed by ReLU
        // it is increasing, so it commutes with max pooling
        var rng = new Rng(4);
        var x = rng.Normal([2, 3, 6, 6], dtype: DType.Float64);
        var a = Tensor.FromArray(new[] { 0.5, 2.0, 1.3 }, 1, 3, 1, 1);
        var b = Tensor.FromArray(new[] { -0.2, 0.1, 0.4 }, 1, 3, 1, 1);
        Tensor F(Tensor t) => Op.Relu(t * a + b);
        Assert.Equal(F(Op.MaxPool2d(x, 2)).ToDoubleArray(), Op.MaxPool2d(F(x), 2).ToDoubleArray());
        // a negative gain is decreasing: then the two orders differ
        var flipped = Tensor.FromArray(new[] { -0.5, 2.0, 1.3 }, 1, 3, 1, 1);
        Assert.NotEqual(Op.Relu(Op.MaxPool2d(x, 2) * flipped).ToDoubleArray(), Op.MaxPool2d(Op.Relu(x * flipped), 2).ToDoubleArray());
    }

    [Fact]
    public void Small_cnn_maps_images_to_logits_and_training_lowers_the_loss()
    {
        var rng = new Rng(2);
        var model = new SmallCnn(rng, channels1: 2, channels2: 3, kernel: 3, classes: 4, imageSize: 8);
        Assert.Contains("BatchNorm2d(2", model.ToString());
        var images = rng.Uniform([16, 1, 8, 8]);
        var labels = Enumerable.Range(0, 16).Select(i => i % 4).ToArray();
        Assert.Equal([16, 4], model.Forward(images).Shape.ToArray());
        var loader = new DataLoader(images, labels, 8, seed: 1);
        var optimizer = new Adam(model.Parameters(), 1e-2);
        double first = ClassifierTraining.TrainEpoch(model, optimizer, loader, 0), last = first;
        for (int e = 1; e < 15; e++) last = ClassifierTraining.TrainEpoch(model, optimizer, loader, e);
        Assert.True(last < first, $"loss {first} → {last}");
        double accuracy = ClassifierTraining.Accuracy(model, images, labels, batchSize: 5);
        Assert.InRange(accuracy, 0.5, 1.0);
    }
}

public class TranslationTests
{
    [Fact]
    public void Shift_moves_pixels_and_fills_with_zeros()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1, 1, 3, 3);
        Assert.Equal([0, 0, 0, 0, 1, 2, 0, 4, 5], Translation.Shift(x, 1, 1).ToDoubleArray());
        Assert.Equal([5, 6, 0, 8, 9, 0, 0, 0, 0], Translation.Shift(x, -1, -1).ToDoubleArray());
    }
}
