using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// Layer normalisation: each sample is normalised over its last axes (the feature axes),
/// y = (x − μ)/√(σ² + ε) · γ + β with μ, σ² the mean and biased variance of those axes.
/// It does not depend on the other samples of the batch, so training and evaluation behave the same.
/// </summary>
public sealed class LayerNorm : Layer
{
    public int[] NormalizedShape { get; }
    public double Epsilon { get; }
    public Tensor? Gain => TryParameter("weight");
    public Tensor? Shift => TryParameter("bias");

    public LayerNorm(int[] normalizedShape, double epsilon = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalised shape [{string.Join(", ", normalizedShape)}] must be non-empty and positive");
        NormalizedShape = (int[])normalizedShape.Clone();
        Epsilon = epsilon;
        if (affine)
        {
            RegisterParameter("weight", Init.Constant(NormalizedShape, 1, dtype));
            RegisterParameter("bias", Init.Zeros(NormalizedShape, dtype));
        }
    }

    public LayerNorm(int features, double epsilon = 1e-5, bool affine = true, DType dtype = DType.Float32)
        : this([features], epsilon, affine, dtype) { }

    public override Tensor Forward(Tensor x)
    {
        int k = NormalizedShape.Length;
        if (x.Rank < k || !x.Shape.ToArray()[^k..].SequenceEqual(NormalizedShape))
            throw new ArgumentException($"LayerNorm: expected input [..., {string.Join(", ", NormalizedShape)}], got {x.Shape}");
        var axes = Enumerable.Range(x.Rank - k, k).ToArray();
        var mean = Op.Mean(x, axes, keepDims: true);
        var centered = x - mean;
        var variance = Op.Mean(Op.Square(centered), axes, keepDims: true);
        var y = centered / Op.Sqrt(variance + Epsilon);
        return Gain is null ? y : y * Gain + Shift!;
    }

    public override string ToString() => $"LayerNorm([{string.Join(", ", NormalizedShape)}])";
}

/// <summary>
/// Batch normalisation over the batch (and spatial) axes, one mean and variance per channel (axis 1).
/// Training: normalise with the batch's mean and biased variance, and update the running estimates
/// running ← (1 − momentum)·running + momentum·batch (the running variance uses the unbiased batch variance,
/// n/(n − 1)·σ², as it estimates the population variance). Evaluation: normalise with the running estimates,
/// so a single sample's output no longer depends on the rest of its batch.
/// </summary>
public abstract class BatchNorm : Layer
{
    public int Channels { get; }
    public double Epsilon { get; }
    public double Momentum { get; }
    public Tensor? Gain => TryParameter("weight");
    public Tensor? Shift => TryParameter("bias");
    public Tensor RunningMean => Buffer("running_mean");
    public Tensor RunningVariance => Buffer("running_var");
    readonly int[] ranks;

    protected BatchNorm(int channels, double epsilon, double momentum, bool affine, DType dtype, int[] ranks)
    {
        if (channels <= 0) throw new ArgumentException($"{GetType().Name}: channels = {channels} must be positive");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentException($"{GetType().Name}: momentum = {momentum} must be in [0, 1]");
        Channels = channels;
        Epsilon = epsilon;
        Momentum = momentum;
        this.ranks = ranks;
        if (affine)
        {
            RegisterParameter("weight", Init.Constant([channels], 1, dtype));
            RegisterParameter("bias", Init.Zeros([channels], dtype));
        }
        RegisterBuffer("running_mean", Init.Zeros([channels], dtype));
        RegisterBuffer("running_var", Init.Constant([channels], 1, dtype));
    }

    public override Tensor Forward(Tensor x)
    {
        string name = GetType().Name;
        if (Array.IndexOf(ranks, x.Rank) < 0 || x.Shape[1] != Channels)
            throw new ArgumentException($"{name}: expected [B, {Channels}{(ranks.Max() == 4 ? ", H, W" : ranks.Contains(3) ? "(, L)" : "")}], got {x.Shape}");
        // [B, C, H, W] and [B, C, L] are viewed as [B, C, L]: one mean and variance per channel over axes 0 and 2
        // (the long axis last keeps the broadcasts below fast); [B, C] stays as it is, statistics over axis 0
        var xv = x.Rank == 2 ? x : Op.Reshape(x, x.Shape[0], Channels, -1);
        int[] axes = xv.Rank == 2 ? [0] : [0, 2];
        int[] statShape = xv.Rank == 2 ? [1, Channels] : [1, Channels, 1];
        Tensor mean, variance;
        if (Training)
        {
            int n = x.Size / Channels;
            if (n < 2) throw new ArgumentException($"{name}: training needs more than one value per channel, got {x.Shape}");
            mean = Op.Mean(xv, axes, keepDims: true);
            variance = Op.Mean(Op.Square(xv - mean), axes, keepDims: true);
            UpdateRunning(RunningMean, mean, 1);
            UpdateRunning(RunningVariance, variance, n / (n - 1.0));
        }
        else
        {
            mean = Op.Reshape(RunningMean, statShape);
            variance = Op.Reshape(RunningVariance, statShape);
        }
        var y = (xv - mean) / Op.Sqrt(variance + Epsilon);
        if (Gain is not null) y = y * Op.Reshape(Gain, statShape) + Op.Reshape(Shift!, statShape);
        return Op.Reshape(y, x.Shape.ToArray());
    }

    // running ← (1 − m)·running + m·scale·batch, in place and outside the graph
    void UpdateRunning(Tensor running, Tensor batch, double scale)
    {
        using var _ = Autograd.NoGrad();
        var updated = running * (1 - Momentum) + Op.Reshape(batch.Detach(), Channels) * (Momentum * scale);
        Backend.Get(running.Device).Copy(updated, running);
    }

    public override string ToString() => $"{GetType().Name}({Channels}, momentum = {Momentum})";
}

/// <summary>Batch normalisation of [B, C] or [B, C, L] inputs, statistics per channel C.</summary>
public sealed class BatchNorm1d(int channels, double epsilon = 1e-5, double momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
    : BatchNorm(channels, epsilon, momentum, affine, dtype, [2, 3]);

/// <summary>Batch normalisation of images [B, C, H, W], statistics per channel C over batch and pixels.</summary>
public sealed class BatchNorm2d(int channels, double epsilon = 1e-5, double momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
    : BatchNorm(channels, epsilon, momentum, affine, dtype, [4]);
