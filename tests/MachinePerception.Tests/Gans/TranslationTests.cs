using MachinePerception.Autodiff;
using MachinePerception.Checks;
using MachinePerception.Gans;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Gans;

public class TranslationTests
{
    [Fact]
    public void Each_patch_logit_sees_an_18_by_18_window()
    {
        var rng = new Rng(1);
        var d = new PatchDiscriminator(1, 2, rng, DType.Float64);
        d.Eval();   // batch norm with running statistics: one image's logits depend on that image only
        var x = rng.Uniform([1, 1, 28, 28], dtype: DType.Float64).RequireGrad();
        var logit = Op.Index(Op.Index(Op.Index(d.Forward(x), 0, 0), 0, 3), 0, 3);   // the centre logit (3, 3)
        var g = Autograd.Grad(logit, x).ToDoubleArray();
        var rows = Enumerable.Range(0, 28).Where(i => Enumerable.Range(0, 28).Any(j => g[i * 28 + j] != 0)).ToArray();
        var cols = Enumerable.Range(0, 28).Where(j => Enumerable.Range(0, 28).Any(i => g[i * 28 + j] != 0)).ToArray();
        Assert.Equal(18, rows.Length);
        Assert.Equal(18, cols.Length);
    }

    [Fact]
    public void Pix2Pix_cyclegan_and_bicyclegan_losses_have_correct_gradients_in_float64()
    {
        var rng = new Rng(2);
        var x = rng.Uniform([2, 1, 28, 28], dtype: DType.Float64);
        var y = rng.Uniform([2, 1, 28, 28], dtype: DType.Float64);
        var pix = new Pix2Pix(1, rng, dtype: DType.Float64);
        var r = GradCheck.RunOn(() => pix.GeneratorLoss(x, y, pix.Translate(x)).Total, pix.Generator.Parameters(), tolerance: 1e-6);
        Assert.True(r.Passed, r.Summary);
        var cycle = new CycleGan(1, rng, dtype: DType.Float64);
        r = GradCheck.RunOn(() => cycle.GeneratorLoss(x, y, cycle.ToY.Forward(x), cycle.ToX.Forward(y)).Total, [.. cycle.ToY.Parameters(), .. cycle.ToX.Parameters()], tolerance: 1e-6);
        Assert.True(r.Passed, r.Summary);
        var bicycle = new BicycleGan(1, 2, rng, DType.Float64);
        var noise = rng.Normal([2, 2], dtype: DType.Float64);
        var code = rng.Normal([2, 2], dtype: DType.Float64);
        r = GradCheck.RunOn(() => bicycle.GeneratorLoss(x, y, bicycle.Generate(x, y, noise, code)).Total, [.. bicycle.Generator.Parameters(), .. bicycle.Encoder.Parameters()], tolerance: 1e-6);
        Assert.True(r.Passed, r.Summary);
    }

    [Fact]
    public void The_unet_passes_the_input_through_its_skip_connection_and_bicyclegan_codes_are_broadcast()
    {
        var rng = new Rng(3);
        var u = new TranslationUNet(3, 2, rng);
        var input = TranslationUNet.WithCode(rng.Uniform([2, 1, 28, 28]), Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2));
        Assert.Equal(new Shape(2, 3, 28, 28), input.Shape);
        Assert.Equal(4f, input.ToFloatArray()[(1 * 3 + 2) * 784 + 400]);
        Assert.Equal(new Shape(2, 1, 28, 28), u.Forward(input).Shape);
        Assert.StartsWith("TranslationUNet", Assert.Throws<ArgumentException>(() => u.Forward(rng.Uniform([2, 1, 28, 28]))).Message);
    }

    [Fact]
    public void Edges_lie_on_the_border_of_a_square_and_dilation_adds_ink_where_erosion_removes_it()
    {
        var image = new float[28 * 28];
        for (int i = 10; i < 18; i++) for (int j = 10; j < 18; j++) image[i * 28 + j] = 1;
        var x = Tensor.FromArray(image, 1, 1, 28, 28);
        var e = DigitDomains.Edges(x).ToFloatArray();
        Assert.Equal(1f, e[10 * 28 + 13]);       // inside, on the border
        Assert.Equal(1f, e[9 * 28 + 13]);        // just outside
        Assert.Equal(0f, e[13 * 28 + 13]);       // the middle
        Assert.Equal(0f, e[2 * 28 + 2]);         // far away
        Assert.True(DigitDomains.Ink(DigitDomains.Thick(x))[0] > DigitDomains.Ink(x)[0]);
        Assert.True(DigitDomains.Ink(DigitDomains.Erode(x))[0] < DigitDomains.Ink(x)[0]);
    }
}
