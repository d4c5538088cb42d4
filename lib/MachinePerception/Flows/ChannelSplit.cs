using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// Glow's split (§4, the multi-scale architecture): after a level of flow steps, half of the channels are factored
/// out as a finished latent z_l and only the other half h goes on to the coarser levels. z_l gets a Gaussian prior
/// whose mean and log-standard-deviation a zero-initialised 3×3 convolution computes from h
/// (p(z_l | h) = N(μ(h), σ(h)²), starting as N(0, I)), so the factored-out part can still depend on the rest.
/// The split itself is a reshuffle: log|det| = 0; its contribution to log p(x) is log p(z_l | h).
/// </summary>
public sealed class ChannelSplit : Nn.Module
{
    public int Channels { get; }
    public Conv2d Prior => (Conv2d)Children().First().Value;

    public ChannelSplit(int channels, Rng rng, DType dtype = DType.Float32)
    {
        if (channels < 2 || channels % 2 != 0) throw new ArgumentException($"ChannelSplit: needs an even channel count, got {channels}");
        Channels = channels;
        var prior = new Conv2d(channels / 2, channels, 3, rng, padding: 1, dtype: dtype);   // → [μ, log σ]
        Conditioner.Zero(prior.Weight);
        Conditioner.Zero(prior.Bias!);
        RegisterModule("prior", prior);
    }

    (Tensor Mean, Tensor LogStd) PriorOf(Tensor h)
    {
        var p = Op.Split(Prior.Forward(h), 1, Channels / 2, Channels / 2);
        return (p[0], p[1]);
    }

    /// <summary>x [B, C, H, W] → (h = first C/2 channels, z = last C/2, log p(z | h) [B]).</summary>
    public (Tensor Kept, Tensor Latent, Tensor LogPrior) Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] != Channels) throw new ArgumentException($"ChannelSplit: expected [B, {Channels}, H, W], got {x.Shape}");
        var parts = Op.Split(x, 1, Channels / 2, Channels / 2);
        var (mean, logStd) = PriorOf(parts[0]);
        return (parts[0], parts[1], GaussianLogDensity(parts[1], mean, logStd));
    }

    /// <summary>The inverse: (h, z) → x = [h, z].</summary>
    public Tensor Inverse(Tensor kept, Tensor latent) => Op.Concat([kept, latent], 1);

    /// <summary>A draw z = μ(h) + T·σ(h)·ε, ε ~ N(0, I), at temperature T (T &lt; 1 trades diversity for cleaner samples).</summary>
    public Tensor SampleLatent(Tensor kept, double temperature, Rng rng)
    {
        var (mean, logStd) = PriorOf(kept);
        return mean + Op.Exp(logStd) * rng.Normal(mean.Shape, 0, temperature, mean.DType);
    }

    /// <summary>Σ over all but the batch axis of log N(z; μ, e^{2 log σ}) = −½((z − μ)/σ)² − log σ − ½ log 2π.</summary>
    public static Tensor GaussianLogDensity(Tensor z, Tensor mean, Tensor logStd)
    {
        var u = (z - mean) * Op.Exp(-logStd);
        return FlowLayer.SumPerExample(Op.Square(u) * -0.5 - logStd - 0.5 * Math.Log(2 * Math.PI));
    }

    public override string ToString() => $"ChannelSplit({Channels} → {Channels / 2} + {Channels / 2}, learned prior)";
}
