namespace MachinePerception.Diffusion;

/// <summary>
/// The variance schedule of a diffusion model (§6): β_1 … β_T (the noise added by each forward step), with
/// α_t = 1 − β_t, ᾱ_t = ∏_{i ≤ t} α_i (so that q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)) and the posterior variance
/// β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t of q(x_{t−1} | x_t, x_0). Steps are numbered as in the course, t = 1 … T;
/// index 0 of <see cref="AlphaBar"/> is ᾱ_0 = 1 (no noise yet), index 0 of <see cref="Beta"/> is unused (0).
/// <see cref="Timesteps"/> names the step of the original schedule each step stands for (the identity, except for a
/// <see cref="Respace"/>d schedule, where step i of the short chain is step τ_i of the long one).
/// </summary>
public sealed class NoiseSchedule
{
    /// <summary>β_t for t = 1 … T; [0] is 0.</summary>
    public double[] Beta { get; }
    /// <summary>α_t = 1 − β_t; [0] is 1.</summary>
    public double[] Alpha { get; }
    /// <summary>ᾱ_t = ∏_{i=1}^t α_i; [0] is 1.</summary>
    public double[] AlphaBar { get; }
    /// <summary>The step of the original schedule that step t stands for (t itself unless respaced); [0] is 0.</summary>
    public int[] Timesteps { get; }
    /// <summary>A name for legends: "linear", "cosine", "respaced linear (50 of 1000)".</summary>
    public string Name { get; }

    /// <summary>The number of steps T.</summary>
    public int T => Beta.Length - 1;

    /// <summary>A schedule from β_1 … β_T (each in (0, 1)).</summary>
    public NoiseSchedule(IReadOnlyList<double> betas, string name = "custom", IReadOnlyList<int>? timesteps = null)
    {
        if (betas.Count == 0) throw new ArgumentException("NoiseSchedule: needs at least one step (got T = 0)");
        for (int i = 0; i < betas.Count; i++)
            if (!(betas[i] > 0 && betas[i] < 1))
                throw new ArgumentException($"NoiseSchedule: β_{i + 1} = {betas[i]} is not in (0, 1)");
        if (timesteps is not null && timesteps.Count != betas.Count)
            throw new ArgumentException($"NoiseSchedule: {timesteps.Count} timesteps for {betas.Count} β's");
        int n = betas.Count;
        Beta = new double[n + 1];
        Alpha = new double[n + 1];
        AlphaBar = new double[n + 1];
        Timesteps = new int[n + 1];
        Alpha[0] = AlphaBar[0] = 1;
        for (int t = 1; t <= n; t++)
        {
            Beta[t] = betas[t - 1];
            Alpha[t] = 1 - Beta[t];
            AlphaBar[t] = AlphaBar[t - 1] * Alpha[t];
            Timesteps[t] = timesteps?[t - 1] ?? t;
        }
        Name = name;
    }

    /// <summary>
    /// The DDPM paper's linear schedule (Ho et al. 2020): β rises linearly from <paramref name="betaStart"/> at t = 1 to
    /// <paramref name="betaEnd"/> at t = T (defaults: 10⁻⁴ to 0.02 over T = 1000).
    /// </summary>
    public static NoiseSchedule Linear(int T = 1000, double betaStart = 1e-4, double betaEnd = 0.02)
    {
        if (T < 1) throw new ArgumentException($"NoiseSchedule.Linear: T must be ≥ 1, got {T}");
        if (!(betaStart > 0 && betaEnd < 1 && betaStart <= betaEnd))
            throw new ArgumentException($"NoiseSchedule.Linear: need 0 < β_1 ≤ β_T < 1, got {betaStart} and {betaEnd}");
        var betas = Enumerable.Range(1, T).Select(t => T == 1 ? betaStart : betaStart + (betaEnd - betaStart) * (t - 1) / (T - 1)).ToArray();
        return new NoiseSchedule(betas, "linear");
    }

    /// <summary>
    /// The cosine schedule (Nichol and Dhariwal 2021): ᾱ_t = f(t) / f(0) with f(t) = cos²((t/T + s)/(1 + s) · π/2), and
    /// β_t = 1 − ᾱ_t/ᾱ_{t−1} clipped to <paramref name="maxBeta"/> (0.999) so the last step stays finite. ᾱ falls
    /// slowly at both ends, so fewer steps are wasted on nearly pure noise than with the linear schedule.
    /// </summary>
    public static NoiseSchedule Cosine(int T = 1000, double s = 0.008, double maxBeta = 0.999)
    {
        if (T < 1) throw new ArgumentException($"NoiseSchedule.Cosine: T must be ≥ 1, got {T}");
        double F(int t) { double c = Math.Cos((t / (double)T + s) / (1 + s) * Math.PI / 2); return c * c; }
        var betas = Enumerable.Range(1, T).Select(t => Math.Min(1 - F(t) / F(t - 1), maxBeta)).ToArray();
        return new NoiseSchedule(betas, "cosine");
    }

    /// <summary>
    /// A shorter chain on a subsequence τ_1 &lt; … &lt; τ_S of this schedule's steps with the same ᾱ at those steps:
    /// β'_i = 1 − ᾱ_{τ_i}/ᾱ_{τ_{i−1}} (ᾱ_{τ_0} = 1). Its forward process visits exactly the marginals q(x_{τ_i} | x_0), so a
    /// noise predictor trained on the long chain serves the short one by being called at step τ_i (Nichol and Dhariwal 2021).
    /// </summary>
    public NoiseSchedule Respace(IReadOnlyList<int> steps)
    {
        if (steps.Count == 0) throw new ArgumentException("NoiseSchedule.Respace: no steps");
        for (int i = 0; i < steps.Count; i++)
            if (steps[i] < 1 || steps[i] > T || (i > 0 && steps[i] <= steps[i - 1]))
                throw new ArgumentException($"NoiseSchedule.Respace: steps must increase within 1..{T}; got {steps[i]} at position {i}");
        var betas = new double[steps.Count];
        double previous = 1;
        for (int i = 0; i < steps.Count; i++)
        {
            betas[i] = 1 - AlphaBar[steps[i]] / previous;
            previous = AlphaBar[steps[i]];
        }
        return new NoiseSchedule(betas, $"respaced {Name} ({steps.Count} of {T})", steps.Select(s => Timesteps[s]).ToArray());
    }

    /// <summary>S evenly spaced steps of 1 … T ending at T (e.g. S = 4 of 1000: 250, 500, 750, 1000).</summary>
    public int[] EvenlySpaced(int count)
    {
        if (count < 1 || count > T) throw new ArgumentException($"NoiseSchedule.EvenlySpaced: count must be in 1..{T}, got {count}");
        return Enumerable.Range(1, count).Select(i => (int)Math.Round(i * (double)T / count)).ToArray();
    }

    /// <summary>The posterior variance β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t of q(x_{t−1} | x_t, x_0) (β̃_1 = 0).</summary>
    public double PosteriorVariance(int t)
    {
        CheckStep("PosteriorVariance", t);
        return (1 - AlphaBar[t - 1]) / (1 - AlphaBar[t]) * Beta[t];
    }

    /// <summary>The signal-to-noise ratio ᾱ_t / (1 − ᾱ_t) of x_t.</summary>
    public double SignalToNoise(int t)
    {
        CheckStep("SignalToNoise", t);
        return AlphaBar[t] / (1 - AlphaBar[t]);
    }

    internal void CheckStep(string what, int t)
    {
        if (t < 1 || t > T) throw new ArgumentException($"NoiseSchedule.{what}: t must be in 1..{T}, got {t}");
    }

    public override string ToString() => $"{Name} schedule, T = {T}, β_1 = {Beta[1]:G3}, β_T = {Beta[T]:G3}, ᾱ_T = {AlphaBar[T]:G3}";
}
