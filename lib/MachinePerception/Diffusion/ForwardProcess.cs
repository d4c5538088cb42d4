using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The forward (diffusion) process q of §6, which adds noise and is not learned. One step:
/// q(x_t | x_{t−1}) = N(√(1 − β_t) x_{t−1}, β_t I). Because a Gaussian step of a Gaussian is Gaussian, t steps collapse
/// into one: q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I), i.e. x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε with ε ~ N(0, I), which is
/// how training jumps straight to any step.
/// </summary>
public static class ForwardProcess
{
    /// <summary>One forward step x_t = √(1 − β_t) x_{t−1} + √β_t z with the given noise z (same shape).</summary>
    public static Tensor Step(NoiseSchedule schedule, Tensor previous, int t, Tensor noise)
    {
        schedule.CheckStep("ForwardProcess.Step", t);
        CheckSameShape("ForwardProcess.Step", previous, noise);
        return previous * Math.Sqrt(schedule.Alpha[t]) + noise * Math.Sqrt(schedule.Beta[t]);
    }

    /// <summary>One forward step with fresh noise from <paramref name="rng"/>.</summary>
    public static Tensor Step(NoiseSchedule schedule, Tensor previous, int t, Rng rng) =>
        Step(schedule, previous, t, rng.Normal(previous.Shape, dtype: previous.DType).To(previous.Device));

    /// <summary>The closed form x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε at one step t for the whole batch.</summary>
    public static Tensor Sample(NoiseSchedule schedule, Tensor x0, int t, Tensor noise)
    {
        schedule.CheckStep("ForwardProcess.Sample", t);
        CheckSameShape("ForwardProcess.Sample", x0, noise);
        return x0 * Math.Sqrt(schedule.AlphaBar[t]) + noise * Math.Sqrt(1 - schedule.AlphaBar[t]);
    }

    /// <summary>The closed form with one step per sample: x0, ε [B, ...], t [B] → x_t [B, ...] (differentiable in x0 and ε).</summary>
    public static Tensor Sample(NoiseSchedule schedule, Tensor x0, IReadOnlyList<int> t, Tensor noise)
    {
        CheckSameShape("ForwardProcess.Sample", x0, noise);
        if (t.Count != x0.Shape[0]) throw new ArgumentException($"ForwardProcess.Sample: {t.Count} steps for a batch of {x0.Shape[0]} (x0 {x0.Shape})");
        foreach (var s in t) schedule.CheckStep("ForwardProcess.Sample", s);
        var signal = PerSample(t.Select(s => Math.Sqrt(schedule.AlphaBar[s])).ToArray(), x0);      // [B, 1, ...]
        var spread = PerSample(t.Select(s => Math.Sqrt(1 - schedule.AlphaBar[s])).ToArray(), x0);
        return x0 * signal + noise * spread;
    }

    /// <summary>The mean scale √ᾱ_t and the variance 1 − ᾱ_t of q(x_t | x_0).</summary>
    public static (double Scale, double Variance) Marginal(NoiseSchedule schedule, int t)
    {
        if (t < 0 || t > schedule.T) throw new ArgumentException($"ForwardProcess.Marginal: t must be in 0..{schedule.T}, got {t}");
        return (Math.Sqrt(schedule.AlphaBar[t]), 1 - schedule.AlphaBar[t]);
    }

    /// <summary>The clean image implied by a noise estimate: x̂_0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t (the closed form solved for x_0).</summary>
    public static Tensor PredictX0(NoiseSchedule schedule, Tensor xt, Tensor noise, int t)
    {
        schedule.CheckStep("ForwardProcess.PredictX0", t);
        CheckSameShape("ForwardProcess.PredictX0", xt, noise);
        return (xt - noise * Math.Sqrt(1 - schedule.AlphaBar[t])) / Math.Sqrt(schedule.AlphaBar[t]);
    }

    /// <summary>One number per sample as a tensor that broadcasts against <paramref name="like"/>: [B] → [B, 1, …, 1].</summary>
    public static Tensor PerSample(double[] values, Tensor like)
    {
        if (values.Length != like.Shape[0]) throw new ArgumentException($"ForwardProcess.PerSample: {values.Length} values for a batch of {like.Shape[0]}");
        var shape = Enumerable.Repeat(1, like.Rank).ToArray();
        shape[0] = values.Length;
        return Tensor.FromArray(values, shape).To(like.DType).To(like.Device);
    }

    internal static void CheckSameShape(string what, Tensor a, Tensor b)
    {
        if (!a.Shape.Equals(b.Shape)) throw new ArgumentException($"{what}: the noise {b.Shape} must have the shape of x {a.Shape}");
    }
}
