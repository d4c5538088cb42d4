using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch05;

/// <summary>
/// §5 DCGAN: the spatial sizes after each layer of a generator's stack of three transposed convolutions,
/// H_out = (H_in − 1)·s − 2p + k + output padding, starting from a given size.
/// </summary>
[Exercise(5, "dcgan-transposed-sizes", "Output sizes of a DCGAN generator")]
public sealed class TransposedConvolutionSizes : NumericExercise
{
    readonly int start;
    readonly int[] kernel = new int[3], stride = new int[3], padding = new int[3], outputPadding = new int[3];

    public TransposedConvolutionSizes(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        start = 1 + rng.NextInt(7);
        int h = start;
        for (int l = 0; l < 3; l++)
        {
            int next;
            do                                                              // a generator's maps grow: redraw a layer that would shrink the map
            {
                stride[l] = 1 + rng.NextInt(2) + (l > 0 ? 0 : rng.NextInt(2));    // 1, 2 or 3 in the first layer, else 1 or 2
                kernel[l] = stride[l] + 1 + rng.NextInt(3);
                padding[l] = rng.NextInt(Math.Min(3, kernel[l]));
                outputPadding[l] = stride[l] > 1 ? rng.NextInt(2) : 0;      // output padding must be below the stride
                next = (h - 1) * stride[l] - 2 * padding[l] + kernel[l] + outputPadding[l];
            }
            while (next <= h);
            h = next;
        }
    }

    protected override int[] AnswerShape => [3];
    protected override Tolerance Tolerance => Tolerance.Exact;

    protected override Prose Pose()
    {
        var prose = new Prose().Text($"A DCGAN generator reshapes its code to a {start}×{start} map and then applies three transposed convolutions (square kernels):");
        for (int l = 0; l < 3; l++)
            prose.Text($"layer {l + 1}: kernel {kernel[l]}, stride {stride[l]}, padding {padding[l]}, output padding {outputPadding[l]}");
        return prose.Text("Give the side length of the map after each layer, [H₁, H₂, H₃].");
    }

    // the reference scatters every input position's kernel copy into a 1-D output and measures how far it reaches
    internal override double[] Reference()
    {
        var sizes = new double[3];
        int h = start;
        for (int l = 0; l < 3; l++)
        {
            int last = 0;
            for (int i = 0; i < h; i++)
                for (int m = 0; m < kernel[l]; m++) last = Math.Max(last, i * stride[l] + m);  // position before cropping the padding
            h = last + 1 - 2 * padding[l] + outputPadding[l];
            sizes[l] = h;
        }
        return sizes;
    }

    double[] Sizes(Func<int, int, double> next)
    {
        var sizes = new double[3];
        double h = start;
        for (int l = 0; l < 3; l++) sizes[l] = h = next((int)h, l);
        return sizes;
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("used the convolution formula", "A transposed convolution inverts the size map of a convolution: H_out = (H_in − 1)·s − 2p + k (+ output padding), not ⌊(H_in + 2p − k)/s⌋ + 1.",
            Sizes((h, l) => Math.Floor((h + 2.0 * padding[l] - kernel[l]) / stride[l]) + 1));
        yield return Wrong("added the padding instead of removing it", "Padding crops the output of a transposed convolution: −2p.",
            Sizes((h, l) => (h - 1) * stride[l] + 2 * padding[l] + kernel[l] + outputPadding[l]));
        yield return Wrong("forgot the output padding", "Output padding adds rows at one side: + output padding.",
            Sizes((h, l) => (h - 1) * stride[l] - 2 * padding[l] + kernel[l]));
        yield return Wrong("multiplied the size by the stride", "H·s ignores the kernel's reach and the padding: use (H − 1)·s − 2p + k + output padding.",
            Sizes((h, l) => h * stride[l]));
    }

    protected override Prose Solve()
    {
        var prose = new Prose().Text("Each input pixel adds a k×k copy of the kernel at stride s, so the copies reach (H − 1)·s + k; padding p removes p rows at each side and output padding adds rows at the end: H_out = (H_in − 1)·s − 2p + k + output padding.");
        int h = start;
        for (int l = 0; l < 3; l++)
        {
            int next = (h - 1) * stride[l] - 2 * padding[l] + kernel[l] + outputPadding[l];
            prose.Text($"layer {l + 1}: ({h} − 1)·{stride[l]} − 2·{padding[l]} + {kernel[l]} + {outputPadding[l]} = **{next}**");
            h = next;
        }
        return prose;
    }
}
