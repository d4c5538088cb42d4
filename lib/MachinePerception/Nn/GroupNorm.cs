using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// Group normalisation (Wu and He 2018): the C channels of each sample are split into G groups, and each group is
/// normalised over its channels and positions, y = (x − μ_g)/√(σ_g² + ε) · γ_c + β_c. Like <see cref="LayerNorm"/> it
/// never mixes samples, so it behaves the same for a batch of 1 and in evaluation; it is the normalisation of diffusion
/// U-Nets (§6), whose batches mix very different noise levels. x [B, C, ...] → same shape; C must be a multiple of G.
/// Built from differentiable ops, so its gradient (and the gradient of that) comes from theirs.
/// </summary>
public sealed class GroupNorm : Layer
{
    public int Groups { get; }
    public int Channels { get; }
    public double Epsilon { get; }
    public Tensor Gain => Parameter("weight");   // [C]
    public Tensor Shift => Parameter("bias");    // [C]

    public GroupNorm(int groups, int channels, double epsilon = 1e-5, DType dtype = DType.Float32)
    {
        if (groups <= 0 || channels <= 0 || channels % groups != 0)
            throw new ArgumentException($"GroupNorm: channels ({channels}) must be a positive multiple of groups ({groups})");
        (Groups, Channels, Epsilon) = (groups, channels, epsilon);
        RegisterParameter("weight", Init.Constant([channels], 1, dtype));
        RegisterParameter("bias", Init.Zeros([channels], dtype));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank < 2 || x.Shape[1] != Channels)
            throw new ArgumentException($"GroupNorm: expected x [B, {Channels}, ...], got {x.Shape}");
        int b = x.Shape[0];
        var grouped = Op.Reshape(x, b, Groups, -1);                                  // [B, G, C/G·H·W]
        var mean = Op.Mean(grouped, 2, keepDims: true);                              // [B, G, 1]
        var centered = grouped - mean;
        var variance = Op.Mean(Op.Square(centered), 2, keepDims: true);
        var y = Op.Reshape(centered / Op.Sqrt(variance + Epsilon), b, Channels, -1);   // [B, C, H·W]
        // the per-channel gain and shift broadcast along one long last axis (faster than [1, C, 1, 1] against [B, C, H, W])
        y = y * Op.Reshape(Gain, Channels, 1) + Op.Reshape(Shift, Channels, 1);
        return Op.Reshape(y, x.Shape.ToArray());
    }

    public override string ToString() => $"GroupNorm({Groups} groups, {Channels} channels)";
}
