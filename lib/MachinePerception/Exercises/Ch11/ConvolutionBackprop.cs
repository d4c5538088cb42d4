using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch11;

/// <summary>
/// The summary's backprop example (§11, "rotate K"): a 5×5 input X of 0s and 1s is convolved with a 3×3 kernel K of
/// 0s and 1s (a true convolution: the kernel is flipped), Y = X ∗ K is 3×3, then max-pooled — over the whole of Y as
/// in the summary, or with 2×2 windows and stride 1 — and the gradient G = ∂E/∂Y' of the pooled output is given.
/// Subclasses ask for ∂E/∂K or ∂E/∂X. Everything is computed with plain loops from the chain rule.
/// </summary>
public abstract class ConvolutionBackpropExercise : NumericExercise
{
    protected readonly double[,] X = new double[5, 5];
    protected readonly double[,] K = new double[3, 3];
    protected readonly double[,] G;
    protected readonly bool GlobalPool;

    protected ConvolutionBackpropExercise(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        GlobalPool = rng.NextInt(2) == 0;
        G = GlobalPool ? new double[1, 1] : new double[2, 2];
        // Draw until every pooling window has a unique maximum under both conventions (convolution and correlation),
        // so that max-pooling's gradient, and the "correlation instead of convolution" mistake, are well defined.
        for (int attempt = 0; ; attempt++)
        {
            Fill(X, rng, 0.5);
            Fill(K, rng, 0.5);
            for (int i = 0; i < G.GetLength(0); i++)
                for (int j = 0; j < G.GetLength(1); j++)
                    G[i, j] = rng.NextInt(2) == 0 ? -rng.NextInt(1, 4) : rng.NextInt(1, 4);
            if (Ones(K) >= 3 && UniqueMaxima(Convolve(X, K)) && UniqueMaxima(Correlate(X, K))) break;
            if (attempt > 100_000) throw new InvalidOperationException($"ConvolutionBackprop: no tie-free instance for seed {seed}");
        }
    }

    static void Fill(double[,] a, Rng rng, double p)
    {
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) a[i, j] = rng.NextDouble() < p ? 1 : 0;
    }

    static int Ones(double[,] a) => a.Cast<double>().Count(v => v != 0);

    /// <summary>Y(i, j) = Σₘ Σₙ K(m, n)·X(i + 2 − m, j + 2 − n): true convolution, valid part only (§11).</summary>
    internal static double[,] Convolve(double[,] x, double[,] k)
    {
        var y = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int m = 0; m < 3; m++)
                    for (int n = 0; n < 3; n++) y[i, j] += k[m, n] * x[i + 2 - m, j + 2 - n];
        return y;
    }

    /// <summary>Y(i, j) = Σₘ Σₙ K(m, n)·X(i + m, j + n): correlation (no flip).</summary>
    internal static double[,] Correlate(double[,] x, double[,] k)
    {
        var y = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int m = 0; m < 3; m++)
                    for (int n = 0; n < 3; n++) y[i, j] += k[m, n] * x[i + m, j + n];
        return y;
    }

    /// <summary>The pooling windows as (top row, left column, size).</summary>
    protected IEnumerable<(int Row, int Col, int Size)> Windows() =>
        GlobalPool ? [(0, 0, 3)] : [(0, 0, 2), (0, 1, 2), (1, 0, 2), (1, 1, 2)];

    bool UniqueMaxima(double[,] y) => Windows().All(w =>
    {
        var values = Enumerable.Range(0, w.Size * w.Size).Select(t => y[w.Row + t / w.Size, w.Col + t % w.Size]).ToList();
        return values.Count(v => v == values.Max()) == 1;
    });

    (int Row, int Col) ArgMax(double[,] y, (int Row, int Col, int Size) w)
    {
        (int, int) best = (w.Row, w.Col);
        for (int i = w.Row; i < w.Row + w.Size; i++)
            for (int j = w.Col; j < w.Col + w.Size; j++)
                if (y[i, j] > y[best.Item1, best.Item2]) best = (i, j);
        return best;
    }

    protected enum PoolGradient { Max, MaxOverwritten, WholeWindow, Average }

    /// <summary>∂E/∂Y from G through the pooling: max-pooling passes G to the argmax of each window only (§11,
    /// δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ at i*), and overlapping windows add. The other modes are the likely mistakes.</summary>
    protected double[,] PoolBackward(double[,] y, PoolGradient mode)
    {
        var dy = new double[3, 3];
        int w = 0;
        foreach (var window in Windows())
        {
            double g = G[w / G.GetLength(1), w % G.GetLength(1)];
            w++;
            var (r, c) = ArgMax(y, window);
            switch (mode)
            {
                case PoolGradient.Max: dy[r, c] += g; break;
                case PoolGradient.MaxOverwritten: dy[r, c] = g; break;
                default:
                    for (int i = window.Row; i < window.Row + window.Size; i++)
                        for (int j = window.Col; j < window.Col + window.Size; j++)
                            dy[i, j] += mode == PoolGradient.Average ? g / (window.Size * window.Size) : g;
                    break;
            }
        }
        return dy;
    }

    /// <summary>∂E/∂K(m, n) = Σᵢⱼ ∂E/∂Y(i, j)·∂Y(i, j)/∂K(m, n), i.e. X(i + 2 − m, j + 2 − n) for convolution
    /// (the summary's δ ∗ ROT180(z)) or X(i + m, j + n) for correlation.</summary>
    internal static double[,] KernelGradient(double[,] x, double[,] dy, bool convolution)
    {
        var dk = new double[3, 3];
        for (int m = 0; m < 3; m++)
            for (int n = 0; n < 3; n++)
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        dk[m, n] += dy[i, j] * (convolution ? x[i + 2 - m, j + 2 - n] : x[i + m, j + n]);
        return dk;
    }

    /// <summary>∂E/∂X: each ∂E/∂Y(i, j) sends ∂E/∂Y(i, j)·K(m, n) back to the input it multiplied
    /// (the summary's δ ∗ ROT180(w) for convolution).</summary>
    internal static double[,] InputGradient(double[,] k, double[,] dy, bool convolution)
    {
        var dx = new double[5, 5];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int m = 0; m < 3; m++)
                    for (int n = 0; n < 3; n++)
                        if (convolution) dx[i + 2 - m, j + 2 - n] += dy[i, j] * k[m, n];
                        else dx[i + m, j + n] += dy[i, j] * k[m, n];
        return dx;
    }

    internal static double[] Flat(double[,] a) => a.Cast<double>().ToArray();

    internal static double[,] Rotate180(double[,] a)
    {
        int r = a.GetLength(0), c = a.GetLength(1);
        var b = new double[r, c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) b[i, j] = a[r - 1 - i, c - 1 - j];
        return b;
    }

    protected string PoolText => GlobalPool
        ? "Y′ = MaxPool(Y) takes the maximum over the whole 3×3 Y (as in the summary's example), so Y′ is one number"
        : "Y′ = MaxPool(Y) uses 2×2 windows with stride 1, so Y′ is 2×2 and neighbouring windows overlap";

    protected abstract string Asked { get; }

    protected override Prose Pose() => new Prose()
        .Text("Backpropagation through a convolution and a max-pooling (§11, \"rotate K\").")
        .Matrix("X =", X)
        .Matrix("K =", K)
        .Text("Y = X ∗ K is a true convolution (the kernel is flipped), no padding, stride 1: " +
              "Y(i, j) = Σₘ Σₙ K(m, n)·X(i + 2 − m, j + 2 − n), for i, j, m, n = 0, 1, 2; so Y is 3×3.")
        .Text(PoolText + ". The loss E has the gradient")
        .Matrix("∂E/∂Y′ =", G)
        .Text($"Compute {Asked}. (Each pooling window has a unique maximum.)");

    /// <summary>The first steps of every worked solution: Y, the argmaxes, ∂E/∂Y.</summary>
    protected Prose SolveForward()
    {
        var y = Convolve(X, K);
        return new Prose()
            .Text("1. Forward: Y(i, j) = Σ K(m, n)·X(i + 2 − m, j + 2 − n), i.e. slide ROT180(K) over X:")
            .Matrix("ROT180(K) =", Rotate180(K))
            .Matrix("Y =", y)
            .Text("2. Max-pooling passes each window's gradient to the entry that was the maximum (§11: ∂z/∂zᵢ = [i = i*]); " +
                  (GlobalPool ? "here the only window is all of Y." : "overlapping windows add their gradients."))
            .Matrix("∂E/∂Y =", PoolBackward(y, PoolGradient.Max));
    }
}

/// <summary>§11: ∂E/∂K for the summary's convolution + max-pooling example, with a new X, K and G per seed.</summary>
[Exercise(11, "conv-kernel-gradient", "Backprop through convolution and max-pooling: ∂E/∂K")]
public sealed class ConvolutionKernelGradient(int seed) : ConvolutionBackpropExercise(seed)
{
    protected override int[] AnswerShape => [3, 3];
    protected override string Asked => "∂E/∂K (3×3)";

    internal override double[] Reference() =>
        Flat(KernelGradient(X, PoolBackward(Convolve(X, K), PoolGradient.Max), convolution: true));

    internal override IEnumerable<Mistake> Mistakes()
    {
        var y = Convolve(X, K);
        var dy = PoolBackward(y, PoolGradient.Max);
        yield return Wrong("used correlation instead of convolution",
            "∗ in §11 is a true convolution: the kernel is flipped (Y(i, j) uses X(i + 2 − m, j + 2 − n)); with correlation both Y and ∂E/∂K change.",
            Flat(KernelGradient(X, PoolBackward(Correlate(X, K), PoolGradient.Max), convolution: false)));
        yield return Wrong("forgot to rotate",
            "For a convolution ∂E/∂K(m, n) collects X(i + 2 − m, j + 2 − n): the patch of X under each gradient, rotated by 180° (the summary's \"rotate\").",
            Flat(Rotate180(KernelGradient(X, dy, convolution: true))));
        yield return Wrong("max-pool gradient sent to the whole window",
            "Max-pooling passes the gradient only to the maximum of each window (∂z/∂zᵢ = [i = i*]); the other entries get 0.",
            Flat(KernelGradient(X, PoolBackward(y, PoolGradient.WholeWindow), convolution: true)));
        yield return Wrong("treated max-pooling as average pooling",
            "Max-pooling does not divide the gradient among the window: all of it goes to the maximum.",
            Flat(KernelGradient(X, PoolBackward(y, PoolGradient.Average), convolution: true)));
        if (!GlobalPool)
            yield return Wrong("overlapping windows overwrote instead of adding",
                "When two windows share their maximum, that entry of Y feeds both pooled outputs: the gradients add (multivariate chain rule).",
                Flat(KernelGradient(X, PoolBackward(y, PoolGradient.MaxOverwritten), convolution: true)));
        yield return new Mistake("computed ∂E/∂X instead of ∂E/∂K",
            "This 5×5 matrix is the gradient with respect to the input X; the question asks for the kernel K (3×3).",
            Flat(InputGradient(K, dy, convolution: true)), [5, 5]);
    }

    protected override Prose Solve()
    {
        var dk = KernelGradient(X, PoolBackward(Convolve(X, K), PoolGradient.Max), convolution: true);
        return SolveForward()
            .Text("3. Each Y(i, j) = Σ K(m, n)·X(i + 2 − m, j + 2 − n), so ∂Y(i, j)/∂K(m, n) = X(i + 2 − m, j + 2 − n) and " +
                  "∂E/∂K(m, n) = Σᵢⱼ ∂E/∂Y(i, j)·X(i + 2 − m, j + 2 − n): each nonzero ∂E/∂Y(i, j) adds its value times the 3×3 patch " +
                  "of X under it, rotated by 180° (§11: ∂C/∂w = δ ∗ ROT180(z)).")
            .Matrix("∂E/∂K =", dk);
    }
}

/// <summary>§11: ∂E/∂X for the summary's convolution + max-pooling example (the summary's last matrix).</summary>
[Exercise(11, "conv-input-gradient", "Backprop through convolution and max-pooling: ∂E/∂X")]
public sealed class ConvolutionInputGradient(int seed) : ConvolutionBackpropExercise(seed)
{
    protected override int[] AnswerShape => [5, 5];
    protected override string Asked => "∂E/∂X (5×5)";

    internal override double[] Reference() =>
        Flat(InputGradient(K, PoolBackward(Convolve(X, K), PoolGradient.Max), convolution: true));

    internal override IEnumerable<Mistake> Mistakes()
    {
        var y = Convolve(X, K);
        var dy = PoolBackward(y, PoolGradient.Max);
        yield return Wrong("used correlation instead of convolution",
            "∗ in §11 is a true convolution: the kernel is flipped; with correlation both Y (hence the argmax) and the placement of K change.",
            Flat(InputGradient(K, PoolBackward(Correlate(X, K), PoolGradient.Max), convolution: false)));
        yield return Wrong("forgot to rotate K",
            "In a convolution X(i + 2 − m, j + 2 − n) meets K(m, n): the gradient lays ROT180(K) on X (§11: δ ∗ ROT180(w)), not K itself.",
            Flat(InputGradient(K, dy, convolution: false)));
        yield return Wrong("max-pool gradient sent to the whole window",
            "Max-pooling passes the gradient only to the maximum of each window (∂z/∂zᵢ = [i = i*]); the other entries get 0.",
            Flat(InputGradient(K, PoolBackward(y, PoolGradient.WholeWindow), convolution: true)));
        yield return Wrong("treated max-pooling as average pooling",
            "Max-pooling does not divide the gradient among the window: all of it goes to the maximum.",
            Flat(InputGradient(K, PoolBackward(y, PoolGradient.Average), convolution: true)));
        if (!GlobalPool)
            yield return Wrong("overlapping windows overwrote instead of adding",
                "When two windows share their maximum, that entry of Y feeds both pooled outputs: the gradients add (multivariate chain rule).",
                Flat(InputGradient(K, PoolBackward(y, PoolGradient.MaxOverwritten), convolution: true)));
        yield return new Mistake("computed ∂E/∂K instead of ∂E/∂X",
            "This 3×3 matrix is the gradient with respect to the kernel; the question asks for the input X (5×5).",
            Flat(KernelGradient(X, dy, convolution: true)), [3, 3]);
    }

    protected override Prose Solve()
    {
        var dx = InputGradient(K, PoolBackward(Convolve(X, K), PoolGradient.Max), convolution: true);
        return SolveForward()
            .Text("3. X(p, q) enters Y(i, j) with weight K(i + 2 − p, j + 2 − q), so each nonzero ∂E/∂Y(i, j) adds its value times " +
                  "ROT180(K) onto the 3×3 patch of X it was computed from (§11: δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ ∗ ROT180(w)).")
            .Matrix("∂E/∂X =", dx);
    }
}
