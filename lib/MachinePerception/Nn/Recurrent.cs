using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>
/// One step of a vanilla recurrent network (§12): h' = tanh(W_hh h + W_xh x + b), for a batch
/// x [B, input], h [B, hidden] → h' [B, hidden]. Unrolling it over a sequence and backpropagating through the
/// unrolled graph is BPTT. Weights start uniform in ±1/√hidden.
/// </summary>
public sealed class RnnCell : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }
    public Tensor W_xh => Parameter("W_xh"); // [hidden, input]
    public Tensor W_hh => Parameter("W_hh"); // [hidden, hidden]
    public Tensor B => Parameter("b");       // [hidden]

    public RnnCell(int inputSize, int hiddenSize, Rng rng, DType dtype = DType.Float32)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentException($"RnnCell: sizes must be positive, got input = {inputSize}, hidden = {hiddenSize}");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double a = 1 / Math.Sqrt(hiddenSize);
        RegisterParameter("W_xh", Init.Uniform([hiddenSize, inputSize], rng, -a, a, dtype));
        RegisterParameter("W_hh", Init.Uniform([hiddenSize, hiddenSize], rng, -a, a, dtype));
        RegisterParameter("b", Init.Uniform([hiddenSize], rng, -a, a, dtype));
    }

    /// <summary>h' = tanh(W_hh h + W_xh x + b), written for rows: h Wₕₕᵀ + x Wₓₕᵀ + b.</summary>
    public Tensor Forward(Tensor x, Tensor h)
    {
        RecurrentShapes.Check("RnnCell", x, InputSize, HiddenSize, h);
        return Op.Tanh(Op.MatMul(h, W_hh, transB: true) + Op.MatMul(x, W_xh, transB: true) + B);
    }

    /// <summary>The initial state h₀ = 0 for a batch.</summary>
    public Tensor InitialState(int batch) => Tensor.Zeros([batch, HiddenSize], W_hh.DType, W_hh.Device);

    public override string ToString() => $"RnnCell({InputSize} → {HiddenSize})";
}

/// <summary>
/// One step of a long short-term memory cell (§12). From x [B, input] and the state (h, c), each [B, hidden]:
/// input gate i = σ(W_xi x + W_hi h + b_i), forget gate f = σ(W_xf x + W_hf h + b_f),
/// output gate o = σ(W_xo x + W_ho h + b_o), candidate g = tanh(W_xg x + W_hg h + b_g);
/// c' = f ⊙ c + i ⊙ g and h' = o ⊙ tanh(c'). The additive path through c lets gradients survive many steps.
/// The forget-gate bias starts at 1 (remember by default); other weights uniform in ±1/√hidden.
/// </summary>
public sealed class LstmCell : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }

    /// <summary>One gate's weights: W_x [hidden, input], W_h [hidden, hidden], b [hidden].</summary>
    public sealed record Gate(Tensor Wx, Tensor Wh, Tensor B);

    public Gate Input => GateOf("i");
    public Gate Forget => GateOf("f");
    public Gate Output => GateOf("o");
    public Gate Candidate => GateOf("g");

    Gate GateOf(string g) => new(Parameter("W_x" + g), Parameter("W_h" + g), Parameter("b_" + g));

    public LstmCell(int inputSize, int hiddenSize, Rng rng, DType dtype = DType.Float32)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentException($"LstmCell: sizes must be positive, got input = {inputSize}, hidden = {hiddenSize}");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double a = 1 / Math.Sqrt(hiddenSize);
        void Make(string g, double? bias)
        {
            RegisterParameter("W_x" + g, Init.Uniform([hiddenSize, inputSize], rng, -a, a, dtype));
            RegisterParameter("W_h" + g, Init.Uniform([hiddenSize, hiddenSize], rng, -a, a, dtype));
            RegisterParameter("b_" + g, bias is double b ? Init.Constant([hiddenSize], b, dtype) : Init.Uniform([hiddenSize], rng, -a, a, dtype));
        }
        Make("i", null);
        Make("f", 1.0);
        Make("o", null);
        Make("g", null);
    }

    static Tensor Affine(Gate g, Tensor x, Tensor h) => Op.MatMul(x, g.Wx, transB: true) + Op.MatMul(h, g.Wh, transB: true) + g.B;

    /// <summary>One step: returns the new hidden state h' and cell state c'.</summary>
    public (Tensor H, Tensor C) Forward(Tensor x, Tensor h, Tensor c)
    {
        var s = Step(x, h, c);
        return (s.H, s.C);
    }

    /// <summary>
    /// One step with its gate activations (§12.1, each [B, hidden]): the input gate I (which values to write),
    /// forget gate F (which to keep rather than reset), output gate O (which to read) and candidate G (what to write).
    /// </summary>
    public LstmStep Step(Tensor x, Tensor h, Tensor c)
    {
        RecurrentShapes.Check("LstmCell", x, InputSize, HiddenSize, h);
        if (!c.Shape.Equals(h.Shape))
            throw new ArgumentException($"LstmCell: cell state {c.Shape} must have the hidden state's shape {h.Shape}");
        var i = Op.Sigmoid(Affine(Input, x, h));
        var f = Op.Sigmoid(Affine(Forget, x, h));
        var o = Op.Sigmoid(Affine(Output, x, h));
        var g = Op.Tanh(Affine(Candidate, x, h));
        var cNext = f * c + i * g;
        return new LstmStep(o * Op.Tanh(cNext), cNext, i, f, o, g);
    }

    /// <summary>The initial state (h₀, c₀) = (0, 0) for a batch.</summary>
    public (Tensor H, Tensor C) InitialState(int batch) =>
        (Tensor.Zeros([batch, HiddenSize], Input.Wh.DType, Input.Wh.Device), Tensor.Zeros([batch, HiddenSize], Input.Wh.DType, Input.Wh.Device));

    public override string ToString() => $"LstmCell({InputSize} → {HiddenSize})";
}

/// <summary>The result of one <see cref="LstmCell.Step"/>: the new state (H, C) and the four gate activations, each [B, hidden].</summary>
public sealed record LstmStep(Tensor H, Tensor C, Tensor I, Tensor F, Tensor O, Tensor G);

static class RecurrentShapes
{
    public static void Check(string op, Tensor x, int inputSize, int hiddenSize, Tensor h)
    {
        if (x.Rank != 2 || x.Shape[1] != inputSize)
            throw new ArgumentException($"{op}: expected x [B, {inputSize}], got {x.Shape}");
        if (h.Rank != 2 || h.Shape[0] != x.Shape[0] || h.Shape[1] != hiddenSize)
            throw new ArgumentException($"{op}: expected h [{x.Shape[0]}, {hiddenSize}] for x {x.Shape}, got {h.Shape}");
    }
}
