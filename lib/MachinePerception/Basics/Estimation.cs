namespace MachinePerception.Basics;

/// <summary>
/// Maximum likelihood and maximum a posteriori estimates (§10) for two simple models, in closed form, plus a numeric
/// maximiser to check them against. MLE: θ* ∈ argmax p(y | X, θ); MAP: θ* ∈ argmax p(θ | X, y) = argmax p(y | X, θ) p(θ)
/// (the evidence p(y | X) does not depend on θ).
/// </summary>
public static class Estimation
{
    /// <summary>Log-likelihood of k heads in n Bernoulli(θ) tosses: k log θ + (n − k) log(1 − θ).</summary>
    public static double BernoulliLogLikelihood(double theta, int heads, int n) =>
        heads * Math.Log(theta) + (n - heads) * Math.Log(1 - theta);

    /// <summary>Log-density of a Beta(a, b) prior up to its constant: (a − 1) log θ + (b − 1) log(1 − θ).</summary>
    public static double BetaLogPrior(double theta, double a, double b) =>
        (a - 1) * Math.Log(theta) + (b - 1) * Math.Log(1 - theta);

    /// <summary>MLE of a coin: setting d/dθ [k log θ + (n − k) log(1 − θ)] = 0 gives θ̂ = k/n.</summary>
    public static double BernoulliMle(int heads, int n) => (double)heads / n;

    /// <summary>MAP of a coin under Beta(a, b): the prior adds a − 1 heads and b − 1 tails, θ̂ = (k + a − 1)/(n + a + b − 2).</summary>
    public static double BernoulliMap(int heads, int n, double a, double b) => (heads + a - 1) / (n + a + b - 2);

    /// <summary>MLE of a Gaussian mean with known variance: the sample mean.</summary>
    public static double GaussianMeanMle(IReadOnlyList<double> x) => x.Average();

    /// <summary>
    /// MAP of a Gaussian mean under the prior N(μ₀, τ²), data variance σ²: the precision-weighted average
    /// (μ₀/τ² + Σx/σ²)/(1/τ² + n/σ²), pulled from the sample mean towards μ₀, less so as n grows.
    /// </summary>
    public static double GaussianMeanMap(IReadOnlyList<double> x, double sigma, double mu0, double tau) =>
        (mu0 / (tau * tau) + x.Sum() / (sigma * sigma)) / (1 / (tau * tau) + x.Count / (sigma * sigma));

    /// <summary>Log-likelihood of x under N(μ, σ²) up to its constant, plus optionally the log of a N(μ₀, τ²) prior on μ.</summary>
    public static double GaussianLogPosterior(double mu, IReadOnlyList<double> x, double sigma, double? mu0 = null, double tau = 1)
    {
        double s = 0;
        foreach (var v in x) s -= (v - mu) * (v - mu) / (2 * sigma * sigma);
        if (mu0 is double m) s -= (mu - m) * (mu - m) / (2 * tau * tau);
        return s;
    }

    /// <summary>
    /// The maximiser of a unimodal function on [lo, hi] by golden-section search (to ≈1e-12 of the interval): an
    /// estimate found without the closed forms above.
    /// </summary>
    public static double ArgMax(Func<double, double> f, double lo, double hi)
    {
        if (!(hi > lo)) throw new ArgumentException($"Estimation.ArgMax: interval [{lo}, {hi}] is empty");
        double r = (Math.Sqrt(5) - 1) / 2;
        double c = hi - r * (hi - lo), d = lo + r * (hi - lo), fc = f(c), fd = f(d);
        while (hi - lo > 1e-12 * Math.Max(1, Math.Abs(lo) + Math.Abs(hi)))
        {
            if (fc > fd) { hi = d; d = c; fd = fc; c = hi - r * (hi - lo); fc = f(c); }
            else { lo = c; c = d; fc = fd; d = lo + r * (hi - lo); fd = f(d); }
        }
        return (lo + hi) / 2;
    }
}
