using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch04;

/// <summary>
/// §4 (Glow): log|det| of one layer applied to a C×H×W activation — either an ActNorm with given scales s
/// (H·W·Σ_c log|s_c|) or an invertible 1×1 convolution with a given 3×3 matrix W (H·W·log|det W|), chosen by the seed.
/// The reference builds the layer's full Jacobian on the C·H·W entries and takes the log of its determinant by
/// Gaussian elimination, so the H·W factor is derived, not assumed.
/// </summary>
[Exercise(4, "flow-layer-log-det", "The log-determinant of an ActNorm or a 1×1 convolution")]
public sealed class FlowLayerLogDet : NumericExercise
{
    readonly bool actNorm;
    readonly int height, width;
    readonly double[] scales = new double[3];
    readonly double[,] weight = new double[3, 3];

    public FlowLayerLogDet(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        actNorm = rng.NextInt(2) == 0;
        height = rng.NextInt(2, 9);
        width = rng.NextInt(2, 9);
        for (int c = 0; c < 3; c++)
        {
            do scales[c] = Math.Round((rng.NextInt(2) == 0 ? -1 : 1) * (0.2 + 2.8 * rng.NextDouble()), 1);
            while (Math.Abs(Math.Abs(scales[c]) - 1) < 0.15);
        }
        if (!scales.Any(s => s < 0)) scales[rng.NextInt(3)] *= -1;       // a negative scale, so that |s| matters
        double det;
        do
        {
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) weight[i, j] = rng.NextInt(-3, 4);
            det = Determinant(weight);
        }
        while (Math.Abs(det) < 2 || det > 0 && rng.NextInt(2) == 0);     // |det| ≥ 2, often negative
    }

    protected override int[] AnswerShape => [];

    protected override Prose Pose()
    {
        var prose = new Prose().Text($"A Glow layer acts on an activation with C = 3 channels of H × W = {height} × {width} pixels (one example).");
        if (actNorm)
            prose.Text("It is an ActNorm, y_{i,j} = s ⊙ x_{i,j} + b at every pixel (i, j), with per-channel scales")
                 .Vector("s =", scales)
                 .Text("(b does not matter here).");
        else
            prose.Text("It is an invertible 1×1 convolution, y_{i,j} = W x_{i,j} at every pixel, with")
                 .Matrix("W =", weight);
        return prose.Text("Give log|det ∂y/∂x|, the log of the absolute Jacobian determinant over all C·H·W entries (natural log, 5 significant digits).");
    }

    static double Determinant(double[,] m) =>
        m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0]) + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);

    // log|det| of the full (3·H·W)×(3·H·W) Jacobian, entries ordered (channel, pixel), by elimination with partial pivoting
    internal override double[] Reference()
    {
        int p = height * width, n = 3 * p;
        var j = new double[n, n];
        for (int c = 0; c < 3; c++)
            for (int d = 0; d < 3; d++)
                for (int k = 0; k < p; k++)
                    j[c * p + k, d * p + k] = actNorm ? (c == d ? scales[c] : 0) : weight[c, d];
        double logDet = 0;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(j[r, col]) > Math.Abs(j[pivot, col])) pivot = r;
            if (pivot != col)
                for (int q = 0; q < n; q++) (j[col, q], j[pivot, q]) = (j[pivot, q], j[col, q]);
            logDet += Math.Log(Math.Abs(j[col, col]));
            for (int r = col + 1; r < n; r++)
            {
                double f = j[r, col] / j[col, col];
                if (f == 0) continue;
                for (int q = col; q < n; q++) j[r, q] -= f * j[col, q];
            }
        }
        return [logDet];
    }

    double PerPixel => actNorm ? scales.Sum(s => Math.Log(Math.Abs(s))) : Math.Log(Math.Abs(Determinant(weight)));

    internal override IEnumerable<Mistake> Mistakes()
    {
        int hw = height * width;
        yield return Wrong("forgot the factor H·W", "The same per-pixel map acts at each of the H·W pixels: the Jacobian is block diagonal with H·W equal blocks, so the log-determinant is H·W times that of one block.",
            [PerPixel]);
        yield return Wrong("multiplied by C·H·W", "The per-pixel block is already C×C: its log-determinant covers the channels, so multiply by H·W only.",
            [3 * hw * PerPixel]);
        if (actNorm)
        {
            yield return Wrong("summed s instead of log|s|", "The determinant of diag(s) is the product of the s_c, so its log is Σ log|s_c|.",
                [hw * scales.Sum()]);
            yield return Wrong("took the log of Σ|s|", "log det diag(s) = Σ_c log|s_c| = log Π|s_c|, not log Σ|s_c|.",
                [hw * Math.Log(scales.Sum(Math.Abs))]);
        }
        else
        {
            yield return Wrong("used the determinant instead of its log", "The layer's log-determinant is H·W·log|det W|.",
                [hw * Math.Abs(Determinant(weight))]);
            yield return Wrong("summed log|W_ii| of the diagonal", "Only a triangular matrix has its determinant on the diagonal; for a general W compute det W (or its LU factors).",
                [hw * Enumerable.Range(0, 3).Sum(i => Math.Log(Math.Abs(weight[i, i])))]);
        }
    }

    protected override Prose Solve()
    {
        int hw = height * width;
        var prose = new Prose().Text("The layer applies the same C×C map at each of the H·W pixels, so its Jacobian is block diagonal with H·W copies of that map: log|det| = H·W · log|det(per-pixel map)|.");
        if (actNorm)
            prose.Text($"Per pixel the map is diag(s): log|det| = Σ_c log|s_c| = {string.Join(" + ", scales.Select(s => $"log {Prose.Number(Math.Abs(s))}"))} = {Prose.Number(PerPixel)}.");
        else
            prose.Text($"Per pixel the map is W: det W = {Prose.Number(Determinant(weight))}, log|det W| = {Prose.Number(PerPixel)}.");
        return prose.Text($"log|det ∂y/∂x| = {hw} · {Prose.Number(PerPixel)} = **{Prose.Number(hw * PerPixel)}**.");
    }
}
