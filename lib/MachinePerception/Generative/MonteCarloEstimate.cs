namespace MachinePerception.Generative;

/// <summary>
/// The sample mean of n independent draws with its spread: the variance of one draw s² (with n − 1 in the
/// denominator) and the standard error s/√n of the mean. A Monte-Carlo estimate and its exact value should differ by
/// a few standard errors at most (§2: the KL and the gradient estimators are compared with their closed forms this way).
/// </summary>
public sealed record MonteCarloEstimate(double Mean, double Variance, int Count)
{
    /// <summary>s/√n: how far the mean typically lies from the expectation it estimates.</summary>
    public double StandardError => Math.Sqrt(Variance / Count);

    /// <summary>|mean − exact| in units of the standard error (the "z-score" of the comparison).</summary>
    public double StandardErrorsFrom(double exact) => Math.Abs(Mean - exact) / StandardError;

    /// <summary>The estimate from the draws themselves (at least two, all finite).</summary>
    public static MonteCarloEstimate From(IReadOnlyList<double> draws)
    {
        if (draws.Count < 2) throw new ArgumentException($"MonteCarloEstimate.From: needs at least 2 draws, got {draws.Count}");
        double mean = 0;
        for (int i = 0; i < draws.Count; i++)
        {
            if (!double.IsFinite(draws[i])) throw new ArgumentException($"MonteCarloEstimate.From: draw {i} is {draws[i]}");
            mean += draws[i];
        }
        mean /= draws.Count;
        double squares = 0;
        foreach (var d in draws) squares += (d - mean) * (d - mean);
        return new MonteCarloEstimate(mean, squares / (draws.Count - 1), draws.Count);
    }

    public override string ToString() => $"{Mean:G6} ± {StandardError:G3} (n = {Count})";
}
