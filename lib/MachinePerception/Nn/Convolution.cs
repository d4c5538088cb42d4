using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

// Convolution layers (§11): each owns a kernel and a bias and calls its op in Ops/Convolution.cs, where the
// forward, the backward (δ * ROT180(w), δ * ROT180(z)) and the output-size formula are written out.
// Initialisation: kernel and bias uniform in ±1/√fan_in, fan_in = (C/groups)·(kernel taps), as for Linear.

/// <summary>2-D convolution layer: x [N, C, H, W] → [N, Cout, OutH, OutW], kernel [Cout, C/groups, KH, KW] (§11).</summary>
public sealed class Conv2d : Layer
{
    public Tensor Weight => Parameter("weight");
    public Tensor? Bias => TryParameter("bias");
    public Size2d Stride { get; }
    public Size2d Padding { get; }
    public Size2d Dilation { get; }
    public int Groups { get; }

    public Conv2d(int inChannels, int outChannels, Size2d kernelSize, Rng rng, Size2d? stride = null, Size2d? padding = null,
        Size2d? dilation = null, int groups = 1, bool bias = true, DType dtype = DType.Float32)
    {
        ConvLayer.CheckChannels("Conv2d", inChannels, outChannels, groups);
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        Shape shape = [outChannels, inChannels / groups, kernelSize.H, kernelSize.W];
        var (weight, b) = ConvLayer.InitialParameters(shape, outChannels, rng, bias, dtype);
        RegisterParameter("weight", weight);
        if (b is not null) RegisterParameter("bias", b);
    }

    public override Tensor Forward(Tensor x) => Op.Conv2d(x, Weight, Bias, Stride, Padding, Dilation, Groups);

    public override string ToString() => $"Conv2d({Weight.Shape[1] * Groups} → {Weight.Shape[0]}, kernel {Weight.Shape[2]}×{Weight.Shape[3]}, stride {Stride}, padding {Padding})";
}

/// <summary>1-D convolution layer: x [N, C, L] → [N, Cout, Lout], kernel [Cout, C/groups, K] (§11; WaveNet, §3).</summary>
public sealed class Conv1d : Layer
{
    public Tensor Weight => Parameter("weight");
    public Tensor? Bias => TryParameter("bias");
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public int Groups { get; }

    public Conv1d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, DType dtype = DType.Float32)
    {
        ConvLayer.CheckChannels("Conv1d", inChannels, outChannels, groups);
        (Stride, Padding, Dilation, Groups) = (stride, padding, dilation, groups);
        Shape shape = [outChannels, inChannels / groups, kernelSize];
        var (weight, b) = ConvLayer.InitialParameters(shape, outChannels, rng, bias, dtype);
        RegisterParameter("weight", weight);
        if (b is not null) RegisterParameter("bias", b);
    }

    public override Tensor Forward(Tensor x) => Op.Conv1d(x, Weight, Bias, Stride, Padding, Dilation, Groups);

    public override string ToString() => $"Conv1d({Weight.Shape[1] * Groups} → {Weight.Shape[0]}, kernel {Weight.Shape[2]}, stride {Stride}, dilation {Dilation})";
}

/// <summary>
/// Transposed 2-D convolution layer ("learnable upsampling", §11): the adjoint of a convolution with the same kernel.
/// x [N, Cin, H, W] → [N, Cout, (H − 1)·stride − 2·pad + dil·(KH − 1) + outputPadding + 1, ...]; kernel [Cin, Cout/groups, KH, KW].
/// </summary>
public sealed class ConvTranspose2d : Layer
{
    public Tensor Weight => Parameter("weight");
    public Tensor? Bias => TryParameter("bias");
    public Size2d Stride { get; }
    public Size2d Padding { get; }
    public Size2d OutputPadding { get; }
    public Size2d Dilation { get; }
    public int Groups { get; }

    public ConvTranspose2d(int inChannels, int outChannels, Size2d kernelSize, Rng rng, Size2d? stride = null, Size2d? padding = null,
        Size2d? outputPadding = null, Size2d? dilation = null, int groups = 1, bool bias = true, DType dtype = DType.Float32)
    {
        ConvLayer.CheckChannels("ConvTranspose2d", inChannels, outChannels, groups);
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        OutputPadding = outputPadding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        Shape shape = [inChannels, outChannels / groups, kernelSize.H, kernelSize.W];
        // Init.Fans reads this [Cin, Cout/groups, KH, KW] layout's axis 1, so fan_in = (Cout/groups)·taps: the fan_in of
        // the convolution this layer is the adjoint of (the usual convention for transposed convolutions)
        var (weight, b) = ConvLayer.InitialParameters(shape, outChannels, rng, bias, dtype);
        RegisterParameter("weight", weight);
        if (b is not null) RegisterParameter("bias", b);
    }

    public override Tensor Forward(Tensor x) => Op.ConvTranspose2d(x, Weight, Bias, Stride, Padding, OutputPadding, Dilation, Groups);

    public override string ToString() => $"ConvTranspose2d({Weight.Shape[0]} → {Weight.Shape[1] * Groups}, kernel {Weight.Shape[2]}×{Weight.Shape[3]}, stride {Stride})";
}

static class ConvLayer
{
    /// <summary>Kernel, then bias, uniform in ±1/√fan_in (the layers' shared initialisation, drawn in this order).</summary>
    public static (Tensor Weight, Tensor? Bias) InitialParameters(Shape shape, int outChannels, Rng rng, bool bias, DType dtype)
    {
        double a = 1 / Math.Sqrt(Init.Fans(shape).FanIn);
        var weight = Init.Uniform(shape, rng, -a, a, dtype);
        return (weight, bias ? Init.Uniform([outChannels], rng, -a, a, dtype) : null);
    }

    public static void CheckChannels(string op, int inChannels, int outChannels, int groups)
    {
        if (inChannels <= 0 || outChannels <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{op}: channels {inChannels} → {outChannels} must be positive and divisible by groups = {groups}");
    }
}
