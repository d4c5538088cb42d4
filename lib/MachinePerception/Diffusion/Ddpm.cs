using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>The variance σ_t² of the learned reverse step p_θ(x_{t−1} | x_t) = N(μ_θ(x_t, t), σ_t² I).</summary>
public enum ReverseVariance
{
    /// <summary>σ_t² = β_t, the summary's choice ("in practice"): optimal when x_0 is itself N(0, I).</summary>
    Beta,
    /// <summary>σ_t² = β̃_t, the posterior variance: optimal when x_0 is a single point.</summary>
    Posterior,
}

/// <summary>
/// Options of <see cref="Ddpm.Sample"/>: the reverse variance, whether to clip the implied x̂_0 to [−1, 1] (data range)
/// before forming the mean, and the labels for a conditional model (one per sample).
/// </summary>
public sealed record SamplerOptions(ReverseVariance Variance = ReverseVariance.Beta, bool ClipX0 = false, int[]? Labels = null);

/// <summary>
/// Denoising diffusion probabilistic models (§6; Ho, Jain and Abbeel 2020): training a noise predictor with the
/// ε-prediction loss and sampling with the ancestral reverse process, exactly as the summary's two algorithms.
/// </summary>
public static class Ddpm
{
    /// <summary>
    /// The training loss for a batch of clean data x_0 [B, ...]: t ~ Unif{1, …, T} and ε ~ N(0, I) per sample, then
    /// ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖², averaged over all numbers (the mean rather than the sum only rescales the
    /// learning rate). This is the ELBO's denoising terms with their weights 1/(2σ_q²)·(…)² dropped (Ho et al.'s L_simple).
    /// </summary>
    public static Tensor Loss(INoisePredictor model, NoiseSchedule schedule, Tensor x0, Rng rng, int[]? labels = null)
    {
        var t = Enumerable.Range(0, x0.Shape[0]).Select(_ => rng.NextInt(1, schedule.T + 1)).ToArray();
        var noise = rng.Normal(x0.Shape, dtype: x0.DType).To(x0.Device);
        return Loss(model, schedule, x0, t, noise, labels);
    }

    /// <summary>The loss for given steps t [B] and noise ε (the same shape as x_0).</summary>
    public static Tensor Loss(INoisePredictor model, NoiseSchedule schedule, Tensor x0, int[] t, Tensor noise, int[]? labels = null)
    {
        var xt = ForwardProcess.Sample(schedule, x0, t, noise);
        var predicted = model.PredictNoise(xt, t.Select(s => (double)schedule.Timesteps[s]).ToArray(), labels);
        return Op.Mean(Op.Square(predicted - noise));
    }

    /// <summary>
    /// Ancestral sampling: x_T ~ N(0, I); for t = T … 1, z ~ N(0, I) if t &gt; 1 else z = 0, and
    /// x_{t−1} = (x_t − (1 − α_t)/√(1 − ᾱ_t) · ε_θ(x_t, t))/√α_t + σ_t z. With <see cref="SamplerOptions.ClipX0"/> the mean is
    /// instead μ̃_t(x_t, clip(x̂_0)), with x̂_0 = (x_t − √(1 − ᾱ_t) ε_θ)/√ᾱ_t clipped to [−1, 1]: the same number when x̂_0 is
    /// already inside the data range. For a respaced schedule the model is asked at the original step of each short step.
    /// <paramref name="onStep"/> sees (t, x_t) after each step (t = T … 0) for drawing the trajectory.
    /// </summary>
    public static Tensor Sample(INoisePredictor model, NoiseSchedule schedule, Shape shape, Rng rng,
        SamplerOptions? options = null, Action<int, Tensor>? onStep = null)
    {
        options ??= new SamplerOptions();
        using var _ = Autograd.NoGrad();
        int batch = shape[0];
        var x = rng.Normal(shape);
        onStep?.Invoke(schedule.T, x);
        for (int t = schedule.T; t >= 1; t--)
        {
            var eps = model.PredictNoise(x, NoisePredictor.Steps(batch, schedule.Timesteps[t]), options.Labels);
            Tensor mean;
            if (options.ClipX0)
            {
                var x0 = Op.Clamp(ForwardProcess.PredictX0(schedule, x, eps, t), -1, 1);
                mean = DdpmPosterior.Mean(schedule, x, x0, t);
            }
            else mean = DdpmPosterior.MeanFromNoise(schedule, x, eps, t);
            if (t > 1)
            {
                double variance = options.Variance == ReverseVariance.Beta ? schedule.Beta[t] : schedule.PosteriorVariance(t);
                x = mean + rng.Normal(shape) * Math.Sqrt(variance);
            }
            else x = mean;
            onStep?.Invoke(t - 1, x);
        }
        return x;
    }
}
