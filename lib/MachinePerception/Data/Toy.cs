using MachinePerception.Tensors;

namespace MachinePerception.Data;

/// <summary>Points [N, D] with one class (or mixture component) label per point.</summary>
public sealed record LabeledPoints(Tensor Points, int[] Labels);

/// <summary>Points [N, D] on a rolled-up sheet with each point's position t along the roll (colour plots by it).</summary>
public sealed record RollPoints(Tensor Points, double[] Position);

/// <summary>Samples of a 1-D function: inputs X [N, 1] in increasing order and targets Y [N, 1].</summary>
public sealed record FunctionSamples(Tensor X, Tensor Y);

/// <summary>How many modes of a ring of Gaussians a set of samples reaches (the GAN chapter's mode count, §5).</summary>
/// <param name="Covered">Modes that received at least the required number of nearby samples.</param>
/// <param name="PerMode">Samples within 3σ of each mode centre.</param>
/// <param name="HighQualityFraction">Share of all samples that lie within 3σ of some mode.</param>
public sealed record ModeCoverage(int Covered, int[] PerMode, double HighQualityFraction);

/// <summary>
/// Seeded toy datasets for the chapters' 2-D and 3-D experiments: two moons and concentric rings (density plots
/// of normalizing flows, §4; diffusion on 2-D data, §6), the swiss roll (manifolds), Gaussian mixtures, a ring of
/// Gaussians (mode collapse in GANs, §5), XOR and linearly separable blobs (the perceptron, §10), and noisy
/// samples of a 1-D function (regression, §10).
/// Every generator draws only from the <see cref="Rng"/> it is given, so a seed fixes the data.
/// </summary>
public static class Toy
{
    /// <summary>
    /// Two interleaving half circles: label 0 on (cos θ, sin θ), label 1 on (1 − cos θ, ½ − sin θ), θ uniform in [0, π],
    /// plus Gaussian noise of standard deviation <paramref name="noise"/>. Labels alternate, so the classes are balanced.
    /// </summary>
    public static LabeledPoints TwoMoons(int n, Rng rng, double noise = 0.1, DType dtype = DType.Float32)
    {
        CheckCount(n, "TwoMoons");
        CheckNonNegative(noise, "TwoMoons", "noise");
        var p = new double[2 * n];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            double theta = Math.PI * rng.NextDouble();
            labels[i] = i % 2;
            (double x, double y) = labels[i] == 0 ? (Math.Cos(theta), Math.Sin(theta)) : (1 - Math.Cos(theta), 0.5 - Math.Sin(theta));
            p[2 * i] = x + noise * rng.NextNormal();
            p[2 * i + 1] = y + noise * rng.NextNormal();
        }
        return new LabeledPoints(Make(p, n, 2, dtype), labels);
    }

    /// <summary>
    /// Concentric circles with the given radii (default 0.5 and 1): point i lies on ring i mod k at a uniform angle,
    /// plus Gaussian noise; its label is the ring's index.
    /// </summary>
    public static LabeledPoints ConcentricRings(int n, Rng rng, double[]? radii = null, double noise = 0.05, DType dtype = DType.Float32)
    {
        CheckCount(n, "ConcentricRings");
        CheckNonNegative(noise, "ConcentricRings", "noise");
        radii ??= [0.5, 1.0];
        if (radii.Length == 0 || radii.Any(r => !(r > 0)))
            throw new ArgumentException($"ConcentricRings: radii [{string.Join(", ", radii)}] must be positive and at least one");
        var p = new double[2 * n];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % radii.Length;
            double angle = 2 * Math.PI * rng.NextDouble();
            p[2 * i] = radii[labels[i]] * Math.Cos(angle) + noise * rng.NextNormal();
            p[2 * i + 1] = radii[labels[i]] * Math.Sin(angle) + noise * rng.NextNormal();
        }
        return new LabeledPoints(Make(p, n, 2, dtype), labels);
    }

    /// <summary>
    /// The 2-D swiss roll, a spiral (t cos t, t sin t) with t uniform in [1.5π, 4.5π], plus Gaussian noise;
    /// <see cref="RollPoints.Position"/> holds t.
    /// </summary>
    public static RollPoints SwissRoll2D(int n, Rng rng, double noise = 0.0, DType dtype = DType.Float32)
    {
        CheckCount(n, "SwissRoll2D");
        CheckNonNegative(noise, "SwissRoll2D", "noise");
        var p = new double[2 * n];
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = RollParameter(rng);
            p[2 * i] = t[i] * Math.Cos(t[i]) + noise * rng.NextNormal();
            p[2 * i + 1] = t[i] * Math.Sin(t[i]) + noise * rng.NextNormal();
        }
        return new RollPoints(Make(p, n, 2, dtype), t);
    }

    /// <summary>
    /// The 3-D swiss roll, the spiral sheet (t cos t, h, t sin t) with t uniform in [1.5π, 4.5π] and the height h
    /// uniform in [0, <paramref name="height"/>], plus Gaussian noise: a 2-D manifold in 3-D. Position holds t.
    /// </summary>
    public static RollPoints SwissRoll3D(int n, Rng rng, double noise = 0.0, double height = 21, DType dtype = DType.Float32)
    {
        CheckCount(n, "SwissRoll3D");
        CheckNonNegative(noise, "SwissRoll3D", "noise");
        var p = new double[3 * n];
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = RollParameter(rng);
            double h = height * rng.NextDouble();
            p[3 * i] = t[i] * Math.Cos(t[i]) + noise * rng.NextNormal();
            p[3 * i + 1] = h + noise * rng.NextNormal();
            p[3 * i + 2] = t[i] * Math.Sin(t[i]) + noise * rng.NextNormal();
        }
        return new RollPoints(Make(p, n, 3, dtype), t);
    }

    static double RollParameter(Rng rng) => 1.5 * Math.PI * (1 + 2 * rng.NextDouble());

    /// <summary>
    /// Samples of the mixture Σ_k w_k N(μ_k, Σ_k): pick component k with probability w_k (default equal), then
    /// x = μ_k + L_k z with L_k L_kᵀ = Σ_k (Cholesky) and z standard normal. Labels are the components.
    /// Covariances default to the identity; each must be symmetric positive definite.
    /// </summary>
    public static LabeledPoints GaussianMixture(int n, Rng rng, double[][] means, double[][,]? covariances = null,
        double[]? weights = null, DType dtype = DType.Float32)
    {
        CheckCount(n, "GaussianMixture");
        var (factors, logWeights) = MixtureFactors(means, covariances, weights);
        var probabilities = logWeights.Select(Math.Exp).ToArray();
        int d = means[0].Length;

        var p = new double[n * d];
        var labels = new int[n];
        var z = new double[d];
        for (int i = 0; i < n; i++)
        {
            int c = labels[i] = rng.Categorical(probabilities);
            for (int j = 0; j < d; j++) z[j] = rng.NextNormal();
            var l = factors[c];
            for (int r = 0; r < d; r++)
            {
                double s = means[c][r];
                for (int j = 0; j <= r; j++) s += l[r, j] * z[j]; // L is lower triangular
                p[i * d + r] = s;
            }
        }
        return new LabeledPoints(Make(p, n, d, dtype), labels);
    }

    /// <summary>
    /// The exact log-density of the mixture that <see cref="GaussianMixture"/> samples, at each row of
    /// <paramref name="points"/> [N, D]: log p(x) = log Σ_k w_k N(x; μ_k, Σ_k) with normalized weights, where
    /// log N(x; μ, Σ) = −½|L⁻¹(x − μ)|² − Σ_i log L_ii − (D/2) log 2π for Σ = L Lᵀ. The sum over k is taken as
    /// a log-sum-exp (subtracting the largest term), so far-away points give finite values. For the flow
    /// chapter's comparison of a learned density with the true one (§4).
    /// </summary>
    public static double[] GaussianMixtureLogDensity(Tensor points, double[][] means, double[][,]? covariances = null, double[]? weights = null)
    {
        var (factors, logWeights) = MixtureFactors(means, covariances, weights);
        int k = means.Length, d = means[0].Length;
        if (points.Rank != 2 || points.Shape[1] != d)
            throw new ArgumentException($"GaussianMixtureLogDensity: points must be [N, {d}] for {d}-D means, got {points.Shape}");
        var x = points.ToDoubleArray();
        int n = points.Shape[0];
        var result = new double[n];
        var terms = new double[k];
        var y = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                // forward substitution L y = x − μ; then |y|² = (x − μ)ᵀ Σ⁻¹ (x − μ)
                var l = factors[c];
                double quad = 0, logDet = 0;
                for (int r = 0; r < d; r++)
                {
                    double s = x[i * d + r] - means[c][r];
                    for (int j = 0; j < r; j++) s -= l[r, j] * y[j];
                    y[r] = s / l[r, r];
                    quad += y[r] * y[r];
                    logDet += Math.Log(l[r, r]);
                }
                terms[c] = logWeights[c] - 0.5 * quad - logDet - 0.5 * d * Math.Log(2 * Math.PI);
            }
            double max = terms.Max(), sum = 0;
            foreach (var t in terms) sum += Math.Exp(t - max);
            result[i] = max + Math.Log(sum);
        }
        return result;
    }

    // Cholesky factors of the covariances (identity by default) and the log of the normalized weights
    static (double[][,] Factors, double[] LogWeights) MixtureFactors(double[][] means, double[][,]? covariances, double[]? weights)
    {
        if (means.Length == 0) throw new ArgumentException("GaussianMixture: no means given");
        int k = means.Length, d = means[0].Length;
        if (d == 0 || means.Any(m => m.Length != d))
            throw new ArgumentException($"GaussianMixture: means have lengths [{string.Join(", ", means.Select(m => m.Length))}]; all must be equal and positive");
        if (covariances is not null && covariances.Length != k)
            throw new ArgumentException($"GaussianMixture: {covariances.Length} covariances for {k} means");
        weights ??= Enumerable.Repeat(1.0, k).ToArray();
        if (weights.Length != k) throw new ArgumentException($"GaussianMixture: {weights.Length} weights for {k} means");
        if (weights.Any(w => !(w >= 0) || double.IsInfinity(w)) || weights.Sum() <= 0)
            throw new ArgumentException($"GaussianMixture: weights [{string.Join(", ", weights)}] must be finite, non-negative and not all zero");
        double total = weights.Sum();

        var factors = new double[k][,];
        for (int c = 0; c < k; c++)
        {
            var cov = covariances?[c] ?? Identity(d);
            if (cov.GetLength(0) != d || cov.GetLength(1) != d)
                throw new ArgumentException($"GaussianMixture: covariance {c} is {cov.GetLength(0)}×{cov.GetLength(1)}, expected {d}×{d}");
            factors[c] = Cholesky(cov, c);
        }
        return (factors, weights.Select(w => Math.Log(w / total)).ToArray());
    }

    /// <summary>
    /// The GAN benchmark for mode collapse: <paramref name="modes"/> Gaussians of standard deviation <paramref name="std"/>
    /// centred evenly on a circle of the given radius (<see cref="RingCenters"/>), each picked with equal probability.
    /// Labels are the modes.
    /// </summary>
    public static LabeledPoints RingOfGaussians(int n, Rng rng, int modes = 8, double radius = 2, double std = 0.02, DType dtype = DType.Float32)
    {
        CheckCount(n, "RingOfGaussians");
        CheckCount(modes, "RingOfGaussians", "modes");
        CheckNonNegative(std, "RingOfGaussians", "std");
        var centers = RingCenters(modes, radius);
        var p = new double[2 * n];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int m = labels[i] = rng.NextInt(modes);
            p[2 * i] = centers[m][0] + std * rng.NextNormal();
            p[2 * i + 1] = centers[m][1] + std * rng.NextNormal();
        }
        return new LabeledPoints(Make(p, n, 2, dtype), labels);
    }

    /// <summary>Centre k of the ring: radius·(cos 2πk/K, sin 2πk/K).</summary>
    public static double[][] RingCenters(int modes, double radius = 2)
    {
        CheckCount(modes, "RingCenters", "modes");
        return Enumerable.Range(0, modes)
            .Select(k => new[] { radius * Math.Cos(2 * Math.PI * k / modes), radius * Math.Sin(2 * Math.PI * k / modes) })
            .ToArray();
    }

    /// <summary>
    /// Counts the modes of a ring of Gaussians that samples [N, 2] reach: a sample counts for its nearest centre
    /// when it lies within 3σ of it (a "high-quality" sample); a mode is covered with at least
    /// <paramref name="minPerMode"/> such samples.
    /// </summary>
    public static ModeCoverage CountModes(Tensor samples, int modes = 8, double radius = 2, double std = 0.02, int minPerMode = 1)
    {
        if (samples.Rank != 2 || samples.Shape[1] != 2)
            throw new ArgumentException($"CountModes: samples must be [N, 2], got {samples.Shape}");
        var centers = RingCenters(modes, radius);
        var s = samples.ToDoubleArray();
        int n = samples.Shape[0], good = 0;
        var perMode = new int[modes];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            double bestDist = double.PositiveInfinity;
            for (int k = 0; k < modes; k++)
            {
                double dx = s[2 * i] - centers[k][0], dy = s[2 * i + 1] - centers[k][1], dist = Math.Sqrt(dx * dx + dy * dy);
                if (dist < bestDist) (best, bestDist) = (k, dist);
            }
            if (bestDist <= 3 * std) { perMode[best]++; good++; }
        }
        return new ModeCoverage(perMode.Count(c => c >= minPerMode), perMode, n == 0 ? 0 : (double)good / n);
    }

    /// <summary>
    /// XOR: point i sits at corner i mod 4 of the square (−1, −1), (−1, 1), (1, −1), (1, 1), plus Gaussian noise;
    /// its label is 1 when the corner's coordinates differ in sign. No line separates the classes.
    /// With n = 4 and no noise these are the four rows of the truth table.
    /// </summary>
    public static LabeledPoints Xor(int n, Rng rng, double noise = 0.0, DType dtype = DType.Float32)
    {
        CheckCount(n, "Xor");
        CheckNonNegative(noise, "Xor", "noise");
        var p = new double[2 * n];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int corner = i % 4;
            double a = corner < 2 ? -1 : 1, b = corner % 2 == 0 ? -1 : 1;
            labels[i] = a * b < 0 ? 1 : 0;
            p[2 * i] = a + noise * rng.NextNormal();
            p[2 * i + 1] = b + noise * rng.NextNormal();
        }
        return new LabeledPoints(Make(p, n, 2, dtype), labels);
    }

    /// <summary>
    /// Isotropic Gaussian blobs: point i belongs to blob i mod k (balanced classes) and is drawn from
    /// N(centers[k], std²·I); its label is k.
    /// </summary>
    public static LabeledPoints Blobs(int n, Rng rng, double[][] centers, double std = 1.0, DType dtype = DType.Float32)
    {
        CheckCount(n, "Blobs");
        CheckNonNegative(std, "Blobs", "std");
        if (centers.Length == 0 || centers.Any(c => c.Length != centers[0].Length || c.Length == 0))
            throw new ArgumentException($"Blobs: centers have lengths [{string.Join(", ", centers.Select(c => c.Length))}]; need at least one, all of one positive length");
        int d = centers[0].Length;
        var p = new double[n * d];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % centers.Length;
            for (int j = 0; j < d; j++) p[i * d + j] = centers[labels[i]][j] + std * rng.NextNormal();
        }
        return new LabeledPoints(Make(p, n, d, dtype), labels);
    }

    /// <summary>
    /// Two linearly separable classes in <paramref name="dim"/> dimensions, for the perceptron's convergence theorem:
    /// Gaussian blobs (std 1) around ±1.5·w with w = (1, ..., 1)/√dim, keeping only points whose signed distance w·x to
    /// the hyperplane w·x = 0 is at least <paramref name="margin"/>/2 on their class's side (label 1: positive side).
    /// So that hyperplane separates the classes with a gap of at least <paramref name="margin"/>. Labels alternate.
    /// </summary>
    public static LabeledPoints LinearlySeparable(int n, Rng rng, double margin = 0.5, int dim = 2, DType dtype = DType.Float32)
    {
        CheckCount(n, "LinearlySeparable");
        CheckCount(dim, "LinearlySeparable", "dim");
        CheckNonNegative(margin, "LinearlySeparable", "margin");
        if (margin > 2) throw new ArgumentException($"LinearlySeparable: margin {margin} > 2 would reject most samples of blobs 3 apart");
        double w = 1 / Math.Sqrt(dim);
        var p = new double[n * dim];
        var labels = new int[n];
        var x = new double[dim];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 2;
            double sign = labels[i] == 1 ? 1 : -1, distance;
            do // rejection sampling: keep the draw only if it is on its side with room to spare
            {
                distance = 0;
                for (int j = 0; j < dim; j++)
                {
                    x[j] = sign * 1.5 * w + rng.NextNormal();
                    distance += w * x[j];
                }
            } while (sign * distance < margin / 2);
            x.CopyTo(p, i * dim);
        }
        return new LabeledPoints(Make(p, n, dim, dtype), labels);
    }

    /// <summary>
    /// Noisy samples y = f(x) + noise·ε of a 1-D function, x uniform in [lo, hi] and sorted (so a line plot of
    /// X against Y draws the curve), ε standard normal.
    /// </summary>
    public static FunctionSamples Function1D(int n, Rng rng, Func<double, double> f, double lo = -1, double hi = 1,
        double noise = 0.0, DType dtype = DType.Float32)
    {
        CheckCount(n, "Function1D");
        CheckNonNegative(noise, "Function1D", "noise");
        if (!(hi > lo)) throw new ArgumentException($"Function1D: interval [{lo}, {hi}] is empty");
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng.NextDouble();
        Array.Sort(x);
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = f(x[i]) + noise * rng.NextNormal();
        return new FunctionSamples(Make(x, n, 1, dtype), Make(y, n, 1, dtype));
    }

    // ---------- helpers ----------

    // wraps the freshly generated array (no copy) and converts it when float32 is asked for
    static Tensor Make(double[] data, int n, int d, DType dtype)
    {
        var t = new Tensor(new Shape(n, d), new CpuStorage<double>(data));
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    static void CheckCount(int n, string op, string what = "n")
    {
        if (n <= 0) throw new ArgumentException($"{op}: {what} = {n} must be positive");
    }

    static void CheckNonNegative(double v, string op, string what)
    {
        if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException($"{op}: {what} = {v} must be a finite non-negative number");
    }

    static double[,] Identity(int d)
    {
        var m = new double[d, d];
        for (int i = 0; i < d; i++) m[i, i] = 1;
        return m;
    }

    // Σ = L Lᵀ by the Cholesky–Banachiewicz recurrence: L_rj = (Σ_rj − Σ_{m<j} L_rm L_jm) / L_jj, L_rr = √(Σ_rr − Σ_{m<r} L_rm²)
    static double[,] Cholesky(double[,] cov, int component)
    {
        int d = cov.GetLength(0);
        var l = new double[d, d];
        for (int r = 0; r < d; r++)
        {
            for (int j = 0; j <= r; j++)
            {
                if (Math.Abs(cov[r, j] - cov[j, r]) > 1e-12 * (Math.Abs(cov[r, j]) + Math.Abs(cov[j, r]) + 1))
                    throw new ArgumentException($"GaussianMixture: covariance {component} is not symmetric: [{r},{j}] = {cov[r, j]} but [{j},{r}] = {cov[j, r]}");
                double s = cov[r, j];
                for (int m = 0; m < j; m++) s -= l[r, m] * l[j, m];
                if (r == j)
                {
                    if (!(s > 0)) throw new ArgumentException($"GaussianMixture: covariance {component} is not positive definite (pivot {r} = {s})");
                    l[r, r] = Math.Sqrt(s);
                }
                else l[r, j] = s / l[j, j];
            }
        }
        return l;
    }
}
