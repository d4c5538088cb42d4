using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch04;

/// <summary>
/// §4 (Glow's multi-scale architecture): the shape C × H × W of the activation that continues after a sequence of
/// squeezes (C, H, W → 4C, H/2, W/2) and splits (half of the channels factored out), and how many numbers have been
/// factored out as latents on the way. The reference applies the operations to an actual array shape by shape.
/// Answer: [C, H, W, factored-out count].
/// </summary>
[Exercise(4, "squeeze-split-shapes", "Shapes after squeezes and splits")]
public sealed class SqueezeSplitShapes : NumericExercise
{
    readonly int channels, size;
    readonly string[] operations;

    public SqueezeSplitShapes(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        channels = rng.NextInt(2) == 0 ? 1 : 3;
        int levels = rng.NextInt(2, 4);
        size = (1 << levels) * rng.NextInt(2, 5);                     // divisible by 2^levels
        var ops = new List<string>();
        for (int l = 0; l < levels; l++)
        {
            ops.Add("squeeze");
            if (l < levels - 1 || rng.NextInt(2) == 0) ops.Add("split");
        }
        operations = [.. ops];
    }

    protected override int[] AnswerShape => [4];
    protected override Tolerance Tolerance => Tolerance.Exact;

    protected override Prose Pose() => new Prose()
        .Text($"An image of C × H × W = {channels} × {size} × {size} goes through: {string.Join(" → ", operations)}.")
        .Text("A squeeze turns every 2×2 block of pixels into 4 channels of one pixel; a split factors out half of the channels as a finished latent and keeps the other half.")
        .Text("Give [C, H, W, n]: the shape of the activation that is kept at the end, and the number n of values factored out by the splits in total.");

    // The operations applied to an explicit count of values, step by step
    (int C, int H, int W, int Out) Apply(Func<int, int, int, (int, int, int)> squeeze, Func<int, int, int, (int, int, int, int)> split)
    {
        int c = channels, h = size, w = size, factored = 0;
        foreach (var op in operations)
        {
            if (op == "squeeze") (c, h, w) = squeeze(c, h, w);
            else
            {
                var (c2, h2, w2, o) = split(c, h, w);
                (c, h, w) = (c2, h2, w2);
                factored += o;
            }
        }
        return (c, h, w, factored);
    }

    internal override double[] Reference()
    {
        // a squeeze moves each value (c, 2i + dy, 2j + dx) to (4c + 2dy + dx, i, j): count the positions
        var (c, h, w, o) = Apply(
            (c, h, w) =>
            {
                var seen = new HashSet<(int, int, int)>();
                for (int k = 0; k < c; k++)
                    for (int i = 0; i < h; i++)
                        for (int j = 0; j < w; j++) seen.Add((4 * k + 2 * (i % 2) + j % 2, i / 2, j / 2));
                return (seen.Max(t => t.Item1) + 1, seen.Max(t => t.Item2) + 1, seen.Max(t => t.Item3) + 1);
            },
            (c, h, w) => (c - c / 2, h, w, (c / 2) * h * w));
        return [c, h, w, o];
    }

    double[] Answer(Func<int, int, int, (int, int, int)> squeeze, Func<int, int, int, (int, int, int, int)> split)
    {
        var (c, h, w, o) = Apply(squeeze, split);
        return [c, h, w, o];
    }

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("a squeeze doubled the channels", "A 2×2 block holds 4 values, so a squeeze multiplies the channels by 4 while halving H and W: C·H·W is unchanged.",
            Answer((c, h, w) => (2 * c, h / 2, w / 2), (c, h, w) => (c / 2, h, w, c / 2 * h * w)));
        yield return Wrong("a split halved the resolution", "A split divides the channels, not the pixels: H and W stay.",
            Answer((c, h, w) => (4 * c, h / 2, w / 2), (c, h, w) => (c, h / 2, w / 2, c * h * w / 2)));
        yield return Wrong("ignored the splits", "Each split keeps only half of the channels; the other half leaves as a latent.",
            Answer((c, h, w) => (4 * c, h / 2, w / 2), (c, h, w) => (c, h, w, 0)));
        yield return Wrong("counted channels instead of values", "n counts the numbers factored out: C/2 channels of H × W pixels each, C/2·H·W per split.",
            Answer((c, h, w) => (4 * c, h / 2, w / 2), (c, h, w) => (c - c / 2, h, w, c / 2)));
    }

    protected override Prose Solve()
    {
        var prose = new Prose().Text("Squeeze: (C, H, W) → (4C, H/2, W/2). Split: (C, H, W) → (C/2, H, W), with C/2·H·W values factored out.");
        int c = channels, h = size, w = size, factored = 0;
        foreach (var op in operations)
        {
            if (op == "squeeze") { (c, h, w) = (4 * c, h / 2, w / 2); prose.Text($"squeeze → {c} × {h} × {w}"); }
            else { factored += c / 2 * h * w; prose.Text($"split → {c - c / 2} × {h} × {w}, {c / 2 * h * w} values out"); c -= c / 2; }
        }
        return prose.Text($"Answer: **[{c}, {h}, {w}, {factored}]**; check: {c}·{h}·{w} + {factored} = {c * h * w + factored} = {channels}·{size}·{size}.");
    }
}
