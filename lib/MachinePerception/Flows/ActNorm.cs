using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// Glow's activation normalisation (§4): a per-channel affine map y_{i,j} = s ⊙ x_{i,j} + b at every pixel (i, j),
/// inverse x_{i,j} = (y_{i,j} − b) / s. It plays the role of batch normalisation without depending on the batch:
/// s and b are ordinary parameters, but the first training batch initialises them from the data
/// (s = 1/σ_c, b = −μ_c/σ_c per channel c), so that the output of that batch has mean 0 and variance 1 in every
/// channel. The Jacobian is diagonal with s repeated at each of the H·W pixels: log|det| = H·W·Σ_c log|s_c|.
/// s is stored as log s, so s &gt; 0 and the layer stays invertible whatever the optimiser does. Inputs are images
/// [B, C, H, W] or vectors [B, C] (then H·W = 1).
/// </summary>
public sealed class ActNorm : FlowLayer
{
    public Tensor LogScale => Parameter("log_scale");   // [C]
    public Tensor Bias => Parameter("bias");            // [C]
    public int Channels { get; }

    /// <summary>Whether the data-dependent initialisation has happened (saved with the model as a buffer).</summary>
    public bool Initialized => Buffer("initialized").Item() != 0;

    public ActNorm(int channels, DType dtype = DType.Float32)
    {
        if (channels < 1) throw new ArgumentException($"ActNorm: channels must be positive, got {channels}");
        Channels = channels;
        RegisterParameter("log_scale", Tensor.Zeros([channels], dtype));
        RegisterParameter("bias", Tensor.Zeros([channels], dtype));
        RegisterBuffer("initialized", Tensor.Zeros([1], dtype));
    }

    /// <summary>
    /// Data-dependent initialisation from a batch x: s_c = 1/σ_c, b_c = −μ_c/σ_c with μ_c, σ_c the mean and standard
    /// deviation of channel c over the batch and all pixels. Called by the first <see cref="Forward"/> in training mode.
    /// </summary>
    public void InitializeFrom(Tensor x)
    {
        CheckInput(x);
        using var _ = Autograd.NoGrad();
        var axes = Enumerable.Range(0, x.Rank).Where(a => a != 1).ToArray();
        var mean = Op.Mean(x.Detach(), axes).To(DType.Float64).ToDoubleArray();
        var std = Op.Std(x.Detach(), axes).To(DType.Float64).ToDoubleArray();
        var logScale = new double[Channels];
        var bias = new double[Channels];
        for (int c = 0; c < Channels; c++)
        {
            double sigma = std[c] + 1e-6;                  // a constant channel would give s = ∞
            logScale[c] = -Math.Log(sigma);
            bias[c] = -mean[c] / sigma;
        }
        Overwrite(LogScale, logScale);
        Overwrite(Bias, bias);
        Overwrite(Buffer("initialized"), [1.0]);
    }

    static void Overwrite(Tensor t, double[] values)
    {
        if (t.DType == DType.Float64) values.CopyTo(t.AsSpan<double>());
        else
        {
            var span = t.AsSpan<float>();
            for (int i = 0; i < values.Length; i++) span[i] = (float)values[i];
        }
    }

    void CheckInput(Tensor x)
    {
        if ((x.Rank != 2 && x.Rank != 4) || x.Shape[1] != Channels)
            throw new ArgumentException($"ActNorm: expected [B, {Channels}] or [B, {Channels}, H, W], got {x.Shape}");
    }

    Tensor Channelwise(Tensor v, Tensor x) => x.Rank == 4 ? Op.Reshape(v, 1, Channels, 1, 1) : Op.Reshape(v, 1, Channels);

    /// <summary>H·W·Σ log s, the same for every example.</summary>
    public Tensor LogDet(Tensor x) => PerExample(Op.Sum(LogScale) * (double)(x.Rank == 4 ? x.Shape[2] * x.Shape[3] : 1), x);

    public override (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor? condition = null)
    {
        CheckInput(x);
        if (Training && !Initialized) InitializeFrom(x);
        var y = x * Op.Exp(Channelwise(LogScale, x)) + Channelwise(Bias, x);   // y = s ⊙ x + b
        return (y, LogDet(x));
    }

    public override Tensor Inverse(Tensor y, Tensor? condition = null)
    {
        CheckInput(y);
        return (y - Channelwise(Bias, y)) * Op.Exp(-Channelwise(LogScale, y));   // x = (y − b) / s
    }

    public override string ToString() => $"ActNorm({Channels})";
}
