using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

// The activation functions of §10.1 as layers, so they can sit in a Sequential. Each one is a thin wrapper
// around its op in Ops/Elementwise.cs, where the derivative of the summary's table is written next to f.

/// <summary>ReLU(x) = max(0, x), f′ = [x &gt; 0] (§10.1): piecewise linear, so it does not saturate for x &gt; 0.</summary>
public sealed class ReLU : Layer
{
    public override Tensor Forward(Tensor x) => Op.Relu(x);
}

/// <summary>tanh x, f′ = 1 − tanh² x, range (−1, 1) (§10.1): linear around 0, saturates for large |x|.</summary>
public sealed class Tanh : Layer
{
    public override Tensor Forward(Tensor x) => Op.Tanh(x);
}

/// <summary>σ(x) = 1/(1 + e^{−x}), f′ = σ(1 − σ), range (0, 1) (§10.1): maps to a probability.</summary>
public sealed class Sigmoid : Layer
{
    public override Tensor Forward(Tensor x) => Op.Sigmoid(x);
}

/// <summary>Leaky ReLU: x for x &gt; 0, else slope·x; the small slope keeps a gradient for negative inputs.</summary>
public sealed class LeakyReLU(double slope = 0.01) : Layer
{
    public double Slope { get; } = slope;
    public override Tensor Forward(Tensor x) => Op.LeakyRelu(x, Slope);
    public override string ToString() => $"LeakyReLU({Slope})";
}

/// <summary>ELU: x for x &gt; 0, else α(eˣ − 1); smooth for α = 1 and saturates at −α.</summary>
public sealed class ELU(double alpha = 1.0) : Layer
{
    public double Alpha { get; } = alpha;
    public override Tensor Forward(Tensor x) => Op.Elu(x, Alpha);
    public override string ToString() => $"ELU({Alpha})";
}

/// <summary>softplus x = ln(1 + eˣ), a smooth ReLU; its derivative is σ(x).</summary>
public sealed class Softplus : Layer
{
    public override Tensor Forward(Tensor x) => Op.Softplus(x);
}

/// <summary>Flattens every axis from <paramref name="startAxis"/> on into one: [B, C, H, W] → [B, C·H·W] by default.</summary>
public sealed class Flatten(int startAxis = 1) : Layer
{
    public override Tensor Forward(Tensor x)
    {
        int a = Shape.NormalizeAxis(startAxis, x.Rank, "Flatten");
        var dims = x.Shape.ToArray()[..a];
        return Op.Reshape(x, [.. dims, -1]);
    }
}
