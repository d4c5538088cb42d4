using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The DDIM sampler (Song, Meng and Ermon 2021), a few-step sampler for a noise predictor trained as a DDPM. Each step
/// estimates the clean data x̂_0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t and moves to the previous (respaced) step along the same
/// closed form: x_{t−1} = √ᾱ_{t−1} x̂_0 + √(1 − ᾱ_{t−1} − σ_t²) ε̂ + σ_t z, with
/// σ_t = η √((1 − ᾱ_{t−1})/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_{t−1}). η = 0 is deterministic (the noise x_T alone decides the sample);
/// η = 1 is the DDPM's ancestral step with σ_t² = β̃_t. Because the model only ever sees marginals q(x_t | x_0), any
/// increasing subsequence of steps works: pass a <see cref="NoiseSchedule.Respace"/>d schedule.
/// </summary>
public static class DdimSampler
{
    public static Tensor Sample(INoisePredictor model, NoiseSchedule schedule, Shape shape, Rng rng, int[]? labels = null,
        double eta = 0, bool clipX0 = false, Action<int, Tensor>? onStep = null) =>
        Run(model, schedule, rng.Normal(shape), rng, labels, eta, clipX0, onStep);

    /// <summary>The sampler from a given x_T (for comparing samplers on the same starting noise).</summary>
    public static Tensor Run(INoisePredictor model, NoiseSchedule schedule, Tensor xT, Rng rng, int[]? labels = null,
        double eta = 0, bool clipX0 = false, Action<int, Tensor>? onStep = null)
    {
        if (eta < 0) throw new ArgumentException($"DdimSampler: η must be ≥ 0, got {eta}");
        using var _ = Autograd.NoGrad();
        int batch = xT.Shape[0];
        var x = xT;
        onStep?.Invoke(schedule.T, x);
        for (int t = schedule.T; t >= 1; t--)
        {
            var eps = model.PredictNoise(x, NoisePredictor.Steps(batch, schedule.Timesteps[t]), labels);
            var x0 = ForwardProcess.PredictX0(schedule, x, eps, t);
            if (clipX0)
            {
                x0 = Op.Clamp(x0, -1, 1);
                eps = (x - x0 * Math.Sqrt(schedule.AlphaBar[t])) / Math.Sqrt(1 - schedule.AlphaBar[t]);   // the ε that the clipped x̂_0 implies
            }
            double previous = schedule.AlphaBar[t - 1];
            double sigma = eta * Math.Sqrt((1 - previous) / (1 - schedule.AlphaBar[t]) * (1 - schedule.AlphaBar[t] / previous));
            x = x0 * Math.Sqrt(previous) + eps * Math.Sqrt(Math.Max(1 - previous - sigma * sigma, 0));
            if (sigma > 0 && t > 1) x = x + rng.Normal(x.Shape, dtype: x.DType) * sigma;
            onStep?.Invoke(t - 1, x);
        }
        return x;
    }
}
