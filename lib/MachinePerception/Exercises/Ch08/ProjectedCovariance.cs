using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch08;

/// <summary>
/// §8.3 Gaussian splatting: the 2-D covariance Σ′ = J W Σ Wᵀ Jᵀ of a 3-D Gaussian with diagonal Σ seen by a camera with
/// W = I (looking along +z) and focal length f, J = [[f/z, 0, −f x/z²], [0, f/z, −f y/z²]] at the centre (x, y, z).
/// Answer: the 2 × 2 matrix Σ′.
/// </summary>
[Exercise(8, "projected-covariance", "Projecting a 3-D Gaussian's covariance to the image")]
public sealed class ProjectedCovariance : NumericExercise
{
    readonly double[] mean, variances;
    readonly double focal;

    public ProjectedCovariance(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        focal = 10 * rng.NextInt(5, 11);
        do mean = [rng.NextInt(-2, 3), rng.NextInt(-2, 3), rng.NextInt(2, 6)];
        while (mean[0] == 0 && mean[1] == 0);                 // off-axis, so J's third column matters
        variances = [0.01 * rng.NextInt(1, 6), 0.01 * rng.NextInt(1, 6), 0.01 * rng.NextInt(1, 6)];
    }

    protected override int[] AnswerShape => [2, 2];
    protected override Tolerance Tolerance => new(1e-6, 1e-4);

    double[,] J(bool withDepthColumn)
    {
        double x = mean[0], y = mean[1], z = mean[2], f = focal;
        return new[,] { { f / z, 0, withDepthColumn ? -f * x / (z * z) : 0 }, { 0, f / z, withDepthColumn ? -f * y / (z * z) : 0 } };
    }

    // J diag(s) Jᵀ (W = I)
    double[] Sandwich(double[,] j)
    {
        var r = new double[4];
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                for (int k = 0; k < 3; k++) r[2 * a + b] += j[a, k] * variances[k] * j[b, k];
        return r;
    }

    protected override Prose Pose() => new Prose()
        .Text($"A camera sits at the origin looking along +z (W = I, t = 0) with focal length f = {Prose.Number(focal)} pixels. A 3-D Gaussian has its centre at μ = ({string.Join(", ", mean.Select(Prose.Number))}) and the diagonal covariance Σ = diag({string.Join(", ", variances.Select(Prose.Number))}).")
        .Text("The projection u = f x/z, v = f y/z is linearised at μ by its Jacobian J = [[f/z, 0, −f x/z²], [0, f/z, −f y/z²]].")
        .Text("Give the image-space covariance Σ′ = J W Σ Wᵀ Jᵀ (a 2 × 2 matrix, no low-pass term added).");

    internal override double[] Reference() => Sandwich(J(true));

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("dropped J's depth column", "u = f x/z depends on z too: ∂u/∂z = −f x/z², which mixes the depth variance into the image (and tilts the ellipse).", Sandwich(J(false)));
        var r = Reference();
        double k = focal / mean[2];
        yield return Wrong("scaled by f/z instead of (f/z)²", "Σ′ = J Σ Jᵀ has J on both sides, so a covariance scales with the square of the magnification.", r.Select(v => v / k).ToArray());
    }

    protected override Prose Solve()
    {
        var j = J(true);
        var r = Reference();
        return new Prose()
            .Matrix("J", j)
            .Text("With W = I, Σ′ = J Σ Jᵀ; entry (a, b) = Σ_k J_ak σ_k² J_bk:")
            .Matrix("Σ′", new[,] { { r[0], r[1] }, { r[2], r[3] } });
    }
}
