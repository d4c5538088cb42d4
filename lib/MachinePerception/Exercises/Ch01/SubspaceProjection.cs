using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch01;

/// <summary>
/// §1 (optimal linear autoencoder = PCA): the optimal reconstruction of a point by a linear autoencoder with a given
/// decoder D, i.e. the orthogonal projection onto μ + span(D): x̂ = μ + D (DᵀD)⁻¹ Dᵀ (x − μ). The decoder's columns are
/// not orthonormal (a trained autoencoder's never are), so D Dᵀ is not the projector.
/// </summary>
[Exercise(1, "subspace-projection", "Reconstruction by a linear autoencoder")]
public sealed class SubspaceProjection : NumericExercise
{
    readonly double[,] d = new double[3, 2];
    readonly double[] mu = new double[3], x = new double[3];

    public SubspaceProjection(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        while (true)
        {
            for (int i = 0; i < 3; i++) { d[i, 0] = rng.NextInt(-2, 3); d[i, 1] = rng.NextInt(-2, 3); }
            for (int i = 0; i < 3; i++) { mu[i] = rng.NextInt(-2, 3); x[i] = rng.NextInt(-3, 4); }
            var (g00, g01, g11) = Gram();
            // full rank, columns not orthogonal, and x not already in the plane (else every projection agrees)
            if (g00 * g11 - g01 * g01 >= 2 && g01 != 0 && mu.Any(v => v != 0) && Distance(Reference()) > 0.5) break;
        }
    }

    protected override int[] AnswerShape => [3];

    protected override Prose Pose() => new Prose()
        .Text("A linear autoencoder for points in ℝ³ has a two-dimensional code. It subtracts the mean μ, and its decoder is x̂ = μ + D z " +
              "with the 3 × 2 matrix D below. The encoder is the best possible for this decoder (the one that minimises ‖x̂ − x‖).")
        .Matrix("D =", d)
        .Vector("μ =", mu)
        .Vector("x =", x)
        .Text("Give the reconstruction x̂ of x (three numbers).");

    (double G00, double G01, double G11) Gram()
    {
        double g00 = 0, g01 = 0, g11 = 0;
        for (int i = 0; i < 3; i++) { g00 += d[i, 0] * d[i, 0]; g01 += d[i, 0] * d[i, 1]; g11 += d[i, 1] * d[i, 1]; }
        return (g00, g01, g11);
    }

    double Distance(double[] p) => Math.Sqrt(Enumerable.Range(0, 3).Sum(i => (p[i] - x[i]) * (p[i] - x[i])));

    // D (DᵀD)⁻¹ Dᵀ v with the 2 × 2 inverse written out; with orthonormal = true, D Dᵀ v instead.
    double[] Project(double[] v, bool orthonormal = false)
    {
        double b0 = 0, b1 = 0; // Dᵀ v
        for (int i = 0; i < 3; i++) { b0 += d[i, 0] * v[i]; b1 += d[i, 1] * v[i]; }
        var (g00, g01, g11) = Gram();
        double det = g00 * g11 - g01 * g01;
        double z0 = orthonormal ? b0 : (g11 * b0 - g01 * b1) / det, z1 = orthonormal ? b1 : (-g01 * b0 + g00 * b1) / det;
        return [.. Enumerable.Range(0, 3).Select(i => d[i, 0] * z0 + d[i, 1] * z1)];
    }

    static double[] Add(double[] a, double[] b) => [.. a.Select((v, i) => v + b[i])];
    static double[] Sub(double[] a, double[] b) => [.. a.Select((v, i) => v - b[i])];

    internal override double[] Reference() => Add(mu, Project(Sub(x, mu)));

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("used D Dᵀ as the projector", "D Dᵀ projects only when D's columns are orthonormal; here DᵀD ≠ I, so the code is z = (DᵀD)⁻¹Dᵀ(x − μ).",
            Add(mu, Project(Sub(x, mu), orthonormal: true)));
        yield return Wrong("did not subtract the mean", "The subspace passes through μ: project x − μ, then add μ back.", Add(mu, Project(x)));
        yield return Wrong("did not add the mean back", "The projection of x − μ is a vector relative to μ: x̂ = μ + D z.", Project(Sub(x, mu)));
        var v = Sub(x, mu);
        var separate = new double[3];
        for (int j = 0; j < 2; j++)
        {
            double dot = 0, norm2 = 0;
            for (int i = 0; i < 3; i++) { dot += d[i, j] * v[i]; norm2 += d[i, j] * d[i, j]; }
            for (int i = 0; i < 3; i++) separate[i] += dot / norm2 * d[i, j];
        }
        yield return Wrong("projected onto each column separately and added", "Adding the projections onto the columns works only for orthogonal columns; these are not (dᵢ·dⱼ ≠ 0).",
            Add(mu, separate));
    }

    protected override Prose Solve()
    {
        var (g00, g01, g11) = Gram();
        var v = Sub(x, mu);
        double b0 = 0, b1 = 0;
        for (int i = 0; i < 3; i++) { b0 += d[i, 0] * v[i]; b1 += d[i, 1] * v[i]; }
        double det = g00 * g11 - g01 * g01;
        return new Prose()
            .Text("The best encoder for a fixed decoder is least squares: z = (DᵀD)⁻¹Dᵀ(x − μ), so x̂ = μ + D (DᵀD)⁻¹ Dᵀ (x − μ), the orthogonal projection onto the plane μ + span(D).")
            .Vector("x − μ =", v)
            .Matrix("DᵀD =", new double[,] { { g00, g01 }, { g01, g11 } })
            .Vector("Dᵀ(x − μ) =", [b0, b1])
            .Vector("z = (DᵀD)⁻¹Dᵀ(x − μ) =", [(g11 * b0 - g01 * b1) / det, (-g01 * b0 + g00 * b1) / det])
            .Vector("x̂ = μ + D z =", Reference());
    }
}
