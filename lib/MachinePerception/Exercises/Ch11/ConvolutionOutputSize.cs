using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch11;

/// <summary>
/// §11: the number of outputs of a convolution or pooling along one axis,
/// ⌊(in + 2·pad − dil·(kern − 1) − 1) / stride⌋ + 1, for random (in, pad, dil, kern, stride).
/// The reference counts the window positions one by one, so the formula is checked, not assumed.
/// </summary>
[Exercise(11, "conv-output-size", "Output size of a convolution")]
public sealed class ConvolutionOutputSize : NumericExercise
{
    readonly int input, pad, dilation, kernel, stride;

    public ConvolutionOutputSize(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        int[] kernels = [1, 2, 3, 3, 4, 5, 7];
        do
        {
            input = rng.NextInt(5, 65);
            kernel = kernels[rng.NextInt(kernels.Length)];
            dilation = rng.NextInt(1, 4);
            pad = rng.NextInt(0, kernel + 1);
            stride = rng.NextInt(1, 5);
        }
        while (input + 2 * pad - dilation * (kernel - 1) - 1 < 0); // the dilated kernel must fit into the padded input
    }

    protected override int[] AnswerShape => [];
    protected override Tolerance Tolerance => Tolerance.Exact;

    protected override Prose Pose() => new Prose()
        .Text($"A convolution slides a kernel of size kern = {kernel} with dilation dil = {dilation} and stride = {stride} " +
              $"along an input of length in = {input}, padded with pad = {pad} zeros on each side.")
        .Text("How many outputs does it produce along this axis? (The same count holds for each axis of a 2-D convolution or pooling.)");

    // Window k starts at padded position k·stride and covers positions start, start + dil, ..., start + dil·(kern − 1);
    // it is valid while its last tap stays inside the padded input of length in + 2·pad.
    internal override double[] Reference()
    {
        int count = 0;
        for (int start = 0; start + dilation * (kernel - 1) <= input + 2 * pad - 1; start += stride) count++;
        return [count];
    }

    static double Floor(int numerator, int denominator) => Math.Floor((double)numerator / denominator);

    internal override IEnumerable<Mistake> Mistakes()
    {
        int span = dilation * (kernel - 1);
        yield return Wrong("ignored the dilation", "The dilated kernel spans dil·(kern − 1) + 1 inputs, not kern.",
            [Floor(input + 2 * pad - (kernel - 1) - 1, stride) + 1]);
        yield return Wrong("padding counted on one side only", "Padding is added on both sides: the padded length is in + 2·pad.",
            [Floor(input + pad - span - 1, stride) + 1]);
        yield return Wrong("effective kernel size taken as dil·kern", "The taps of a dilated kernel are dil apart: the first and last are dil·(kern − 1) apart, so it covers dil·(kern − 1) + 1 inputs.",
            [Floor(input + 2 * pad - dilation * kernel, stride) + 1]);
        yield return Wrong("forgot the + 1", "The first window sits at position 0 before any stride is taken: add 1.",
            [Floor(input + 2 * pad - span - 1, stride)]);
        yield return Wrong("ignored the stride", "With stride s only every s-th window position is used: divide by the stride.",
            [input + 2 * pad - span - 1 + 1]);
        yield return Wrong("rounded up instead of down", "A window that would stick out past the padded input is not computed: round down.",
            [Math.Ceiling((double)(input + 2 * pad - span - 1) / stride) + 1]);
        yield return Wrong("did not round down", "The count of windows is a whole number: ⌊·⌋ the quotient before adding 1.",
            [(double)(input + 2 * pad - span - 1) / stride + 1]);
    }

    protected override Prose Solve()
    {
        int numerator = input + 2 * pad - dilation * (kernel - 1) - 1;
        return new Prose()
            .Text("Size after a convolution or pooling (§11): out = ⌊(in + 2·pad − dil·(kern − 1) − 1) / stride⌋ + 1.")
            .Text($"The dilated kernel spans dil·(kern − 1) + 1 = {dilation * (kernel - 1) + 1} inputs; the padded input has in + 2·pad = {input + 2 * pad}.")
            .Text($"Numerator: {input} + 2·{pad} − {dilation}·({kernel} − 1) − 1 = {numerator}.")
            .Text($"out = ⌊{numerator} / {stride}⌋ + 1 = {numerator / stride} + 1 = **{numerator / stride + 1}**.");
    }
}
