using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch01;

/// <summary>
/// §1 (optimal linear autoencoder = PCA): the first principal direction u₁ of five 2-D points and the share of the
/// variance it explains, λ₁ / (λ₁ + λ₂), by hand from the 2 × 2 covariance. The direction is accepted with either sign.
/// </summary>
[Exercise(1, "pca-first-direction", "First principal direction of five points")]
public sealed class PcaFirstDirection : NumericExercise
{
    const int N = 5;
    readonly double[] xs = new double[N], ys = new double[N];

    public PcaFirstDirection(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        while (true)
        {
            for (int i = 0; i < N; i++) { xs[i] = rng.NextInt(-3, 6); ys[i] = rng.NextInt(-3, 6); }
            var (a, b, c) = Covariance(centre: true);
            var (l1, l2) = Eigenvalues(a, b, c);
            var (ua, ub, uc) = Covariance(centre: false);
            // a clear first direction, not along an axis, and a mean far enough from 0 that forgetting to centre shows
            if (l1 > 1.8 * l2 && l2 > 0.05 && Math.Abs(b) > 0.3 * Math.Max(a, c) && Math.Abs(xs.Average()) + Math.Abs(ys.Average()) >= 1
                && Math.Abs(Eigenvalues(ua, ub, uc).L1 - l1) > 0.5) break;
        }
    }

    protected override int[] AnswerShape => [3];

    protected override Prose Pose() => new Prose()
        .Text("Five data points in the plane (one per column):")
        .Matrix("[x; y] =", new double[,] { { xs[0], xs[1], xs[2], xs[3], xs[4] }, { ys[0], ys[1], ys[2], ys[3], ys[4] } })
        .Text("A linear autoencoder with a one-dimensional code, trained to its optimum, projects every point onto the line " +
              "through the mean along the first principal direction u₁ (§1). Give three numbers: the unit vector u₁ = (u₁ₓ, u₁ᵧ) " +
              "(u₁ and −u₁ span the same line: either is accepted) and the share of the total variance it explains, λ₁ / (λ₁ + λ₂).");

    // The covariance entries (a b; b c), divided by N (the 1/N versus 1/(N − 1) choice cancels in everything asked).
    (double A, double B, double C) Covariance(bool centre)
    {
        double mx = centre ? xs.Average() : 0, my = centre ? ys.Average() : 0, a = 0, b = 0, c = 0;
        for (int i = 0; i < N; i++)
        {
            a += (xs[i] - mx) * (xs[i] - mx) / N;
            b += (xs[i] - mx) * (ys[i] - my) / N;
            c += (ys[i] - my) * (ys[i] - my) / N;
        }
        return (a, b, c);
    }

    // λ = (a + c)/2 ± √(((a − c)/2)² + b²), the roots of the characteristic polynomial of a symmetric 2 × 2 matrix
    static (double L1, double L2) Eigenvalues(double a, double b, double c)
    {
        double mid = (a + c) / 2, r = Math.Sqrt((a - c) * (a - c) / 4 + b * b);
        return (mid + r, mid - r);
    }

    // A unit eigenvector for eigenvalue λ: (b, λ − a) solves (a − λ)u + b v = 0; normalised, first entry ≥ 0.
    static double[] UnitEigenvector(double a, double b, double c, double lambda)
    {
        double u = b, v = lambda - a;
        if (Math.Abs(u) + Math.Abs(v) < 1e-12) (u, v) = (lambda - c, b);
        double norm = Math.Sqrt(u * u + v * v);
        (u, v) = (u / norm, v / norm);
        return u < 0 || (u == 0 && v < 0) ? [-u, -v] : [u, v];
    }

    double[] Answer(bool centre, bool second)
    {
        var (a, b, c) = Covariance(centre);
        var (l1, l2) = Eigenvalues(a, b, c);
        double lambda = second ? l2 : l1;
        return [.. UnitEigenvector(a, b, c, lambda), lambda / (l1 + l2)];
    }

    internal override double[] Reference() => Answer(centre: true, second: false);

    // u₁ and −u₁ span the same line: accept either sign of the direction.
    internal override bool IsEquivalent(double[] values, double[] reference) =>
        Tolerance.Close(values, reference) || Tolerance.Close([-values[0], -values[1], values[2]], reference);

    internal override IEnumerable<Mistake> Mistakes()
    {
        var (a, b, c) = Covariance(centre: true);
        var (l1, l2) = Eigenvalues(a, b, c);
        yield return Wrong("did not subtract the mean", "PCA diagonalises the covariance of the centred points, (1/N) Σ (xᵢ − μ)(xᵢ − μ)ᵀ, not the matrix of raw second moments.",
            Answer(centre: false, second: false));
        yield return Wrong("took the eigenvector of the smaller eigenvalue", "The first principal direction belongs to the largest eigenvalue λ₁: it is the direction of greatest variance.",
            Answer(centre: true, second: true));
        yield return Wrong("gave λ₁/λ₂ as the share", "The explained share is λ₁ divided by the total variance λ₁ + λ₂ (the trace of the covariance).",
            [.. Reference()[..2], l1 / l2]);
        bool xWins = a >= c;
        yield return Wrong("used the coordinate axis with the larger variance", "The covariance has an off-diagonal entry, so its eigenvectors are not the axes: solve (C − λ₁I)u = 0.",
            [xWins ? 1 : 0, xWins ? 0 : 1, Math.Max(a, c) / (a + c)]);
        yield return Wrong("gave the share as λ₁ itself", "The share is the fraction λ₁ / (λ₁ + λ₂), a number between ½ and 1.",
            [.. Reference()[..2], l1]);
    }

    protected override Prose Solve()
    {
        var (a, b, c) = Covariance(centre: true);
        var (l1, l2) = Eigenvalues(a, b, c);
        var r = Reference();
        return new Prose()
            .Text($"Mean μ = ({Prose.Number(xs.Average())}, {Prose.Number(ys.Average())}); subtract it from every point.")
            .Matrix("C = (1/N) Σ (xᵢ − μ)(xᵢ − μ)ᵀ =", new double[,] { { a, b }, { b, c } })
            .Text($"Eigenvalues of a symmetric 2 × 2 matrix: λ = (a + c)/2 ± √(((a − c)/2)² + b²), so λ₁ = {Prose.Number(l1)}, λ₂ = {Prose.Number(l2)}.")
            .Text($"(C − λ₁I)u = 0 gives u ∝ (b, λ₁ − a) = ({Prose.Number(b)}, {Prose.Number(l1 - a)}); normalised: u₁ = ({Prose.Number(r[0])}, {Prose.Number(r[1])}).")
            .Text($"Explained share λ₁ / (λ₁ + λ₂) = **{Prose.Number(r[2])}** (dividing C by N − 1 instead of N changes neither u₁ nor the share).");
    }
}
