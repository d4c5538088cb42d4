using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch11;

/// <summary>
/// §11, max-pooling backward: z = maxᵢ zᵢ has ∂z/∂zᵢ = [i = i*], so each window's upstream error goes to the
/// position of its maximum and nowhere else; with overlapping windows (stride 1) the errors of windows sharing a
/// maximum add. A 4×4 map of distinct numbers (so every maximum is unique), 2×2 windows with stride 2 or 1.
/// </summary>
[Exercise(11, "maxpool-backward", "Backward pass of max pooling")]
public sealed class MaxPoolBackward : NumericExercise
{
    readonly double[,] z = new double[4, 4];
    readonly double[,] g;
    readonly int stride;

    public MaxPoolBackward(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        stride = rng.NextInt(2) == 0 ? 2 : 1;
        var values = rng.Permutation(16);
        for (int t = 0; t < 16; t++) z[t / 4, t % 4] = values[t] + 1;
        int outSide = (4 - 2) / stride + 1; // ⌊(in − kern)/stride⌋ + 1
        g = new double[outSide, outSide];
        for (int i = 0; i < outSide; i++)
            for (int j = 0; j < outSide; j++)
                g[i, j] = (rng.NextInt(2) == 0 ? -1 : 1) * rng.NextInt(1, 4);
    }

    protected override int[] AnswerShape => [4, 4];
    protected override Tolerance Tolerance => Tolerance.Exact;

    enum Routing { ToMax, ToMaxOverwriting, WholeWindow, Average, ToMin, TopLeft }

    (int Row, int Col) Extreme(int top, int left, bool max)
    {
        (int, int) best = (top, left);
        for (int i = top; i < top + 2; i++)
            for (int j = left; j < left + 2; j++)
                if (max ? z[i, j] > z[best.Item1, best.Item2] : z[i, j] < z[best.Item1, best.Item2]) best = (i, j);
        return best;
    }

    double[] Backward(Routing routing)
    {
        var dz = new double[4, 4];
        for (int a = 0; a < g.GetLength(0); a++)
            for (int b = 0; b < g.GetLength(1); b++)
            {
                int top = a * stride, left = b * stride;
                double d = g[a, b];
                switch (routing)
                {
                    case Routing.ToMax: { var (r, c) = Extreme(top, left, true); dz[r, c] += d; break; }
                    case Routing.ToMaxOverwriting: { var (r, c) = Extreme(top, left, true); dz[r, c] = d; break; }
                    case Routing.ToMin: { var (r, c) = Extreme(top, left, false); dz[r, c] += d; break; }
                    case Routing.TopLeft: dz[top, left] += d; break;
                    default:
                        for (int i = top; i < top + 2; i++)
                            for (int j = left; j < left + 2; j++) dz[i, j] += routing == Routing.Average ? d / 4 : d;
                        break;
                }
            }
        return dz.Cast<double>().ToArray();
    }

    protected override Prose Pose() => new Prose()
        .Text($"A max-pooling layer with 2×2 windows and stride {stride} " +
              (stride == 1 ? "(neighbouring windows overlap) " : "") +
              $"maps the 4×4 map Z to a {g.GetLength(0)}×{g.GetLength(1)} output Y′ (§11).")
        .Matrix("Z =", z)
        .Text("The loss E has the gradient")
        .Matrix("∂E/∂Y′ =", g)
        .Text("Compute ∂E/∂Z (4×4). (The entries of Z are distinct, so every window has a unique maximum.)");

    internal override double[] Reference() => Backward(Routing.ToMax);

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("gradient sent to the whole window",
            "Only the maximum influences the output: ∂z/∂zᵢ = [i = i*], so the other entries of the window get 0.", Backward(Routing.WholeWindow));
        yield return Wrong("treated max pooling as average pooling",
            "Max pooling does not share the gradient among the window: all of it goes to the maximum.", Backward(Routing.Average));
        yield return Wrong("gradient sent to the minimum",
            "The gradient goes to the arg max i* of each window, the entry that was passed on in the forward pass.", Backward(Routing.ToMin));
        yield return Wrong("gradient sent to the window's top-left corner",
            "That is bed-of-nails unpooling; max pooling's backward is max-unpooling: the position where the maximum came from.", Backward(Routing.TopLeft));
        if (stride == 1)
            yield return Wrong("overlapping windows overwrote instead of adding",
                "An entry that is the maximum of several windows feeds all of them: their gradients add (multivariate chain rule).",
                Backward(Routing.ToMaxOverwriting));
    }

    protected override Prose Solve()
    {
        var prose = new Prose()
            .Text("Max pooling passes on one entry per window, z = maxᵢ zᵢ, so ∂z/∂zᵢ = [i = i*] (§11): each window's ∂E/∂Y′ " +
                  "goes to the position of its maximum, the rest of the window gets 0" +
                  (stride == 1 ? "; where several windows share a maximum, their gradients add." : "."));
        for (int a = 0; a < g.GetLength(0); a++)
            for (int b = 0; b < g.GetLength(1); b++)
            {
                var (r, c) = Extreme(a * stride, b * stride, true);
                prose.Text($"Window ({a}, {b}): maximum Z({r}, {c}) = {Prose.Number(z[r, c])} receives {Prose.Number(g[a, b])}.");
            }
        var dz = Reference();
        var matrix = new double[4, 4];
        for (int t = 0; t < 16; t++) matrix[t / 4, t % 4] = dz[t];
        return prose.Matrix("∂E/∂Z =", matrix);
    }
}
