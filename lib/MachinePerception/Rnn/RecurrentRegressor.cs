using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>Which recurrent cell a <see cref="RecurrentRegressor"/> unrolls.</summary>
public enum CellKind { Vanilla, Lstm }

/// <summary>The state a recurrent network carries between time steps: h, and for an LSTM also c.</summary>
public sealed record RecurrentState(Tensor H, Tensor? C)
{
    /// <summary>The same values cut from the graph: truncated BPTT carries the state on but not its gradient.</summary>
    public RecurrentState Detach() => new(H.Detach(), C?.Detach());
}

/// <summary>
/// A recurrent network with a linear read-out ŷ_t = W_hy h_t + b_y (§12): a vanilla <see cref="RnnCell"/> or an
/// <see cref="LstmCell"/>, unrolled over a time-major sequence [T, B, input].
/// </summary>
public sealed class RecurrentRegressor : Module
{
    public CellKind Kind { get; }
    public RnnCell? Vanilla { get; }
    public LstmCell? Lstm { get; }
    public Linear Readout { get; }

    public RecurrentRegressor(CellKind kind, int inputSize, int hiddenSize, int outputSize, Rng rng, DType dtype = DType.Float32)
    {
        Kind = kind;
        if (kind == CellKind.Vanilla) Vanilla = RegisterModule("cell", new RnnCell(inputSize, hiddenSize, rng, dtype));
        else Lstm = RegisterModule("cell", new LstmCell(inputSize, hiddenSize, rng, dtype));
        Readout = RegisterModule("readout", new Linear(hiddenSize, outputSize, rng, dtype: dtype));
    }

    /// <summary>
    /// Rescales the vanilla cell's W_hh in place so that its largest singular value is <paramref name="spectralNorm"/>:
    /// above 1 (γ = 1 for tanh) the network starts on the exploding side of the bound of §13. Returns the old norm.
    /// </summary>
    public double ScaleRecurrentWeights(double spectralNorm)
    {
        if (Vanilla is null) throw new InvalidOperationException("RecurrentRegressor.ScaleRecurrentWeights: only for the vanilla cell");
        var w = Vanilla.W_hh;
        int n = w.Shape[0];
        var values = w.ToDoubleArray();
        double old = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => values[i * n + j]).L2Norm();
        using (Autograd.NoGrad()) InPlace.Scale(w, spectralNorm / old);
        return old;
    }

    /// <summary>The zero state for a batch.</summary>
    public RecurrentState InitialState(int batch) => Kind == CellKind.Vanilla
        ? new(Vanilla!.InitialState(batch), null)
        : Lstm!.InitialState(batch) is var (h, c) ? new(h, c) : throw new InvalidOperationException();

    /// <summary>Runs the sequence xs [T, B, input] from a state; returns every hidden state h_t [B, hidden] and the last state.</summary>
    public (Tensor[] Hidden, RecurrentState Last) Run(Tensor xs, RecurrentState? state = null)
    {
        state ??= InitialState(xs.Shape[1]);
        if (Kind == CellKind.Vanilla)
        {
            var hs = SequenceUnroll.Rnn(Vanilla!, xs, state.H);
            return (hs, new(hs[^1], null));
        }
        var steps = SequenceUnroll.Lstm(Lstm!, xs, (state.H, state.C!));
        return (steps.Select(s => s.H).ToArray(), new(steps[^1].H, steps[^1].C));
    }

    /// <summary>ŷ_T [B, output] from the last hidden state only (a sequence-to-one task such as the adding problem).</summary>
    public Tensor PredictLast(Tensor xs) => Readout.Forward(Run(xs).Hidden[^1]);

    /// <summary>ŷ_t for every step, stacked to [T, B, output], and the state after the last step (sequence-to-sequence).</summary>
    public (Tensor Y, RecurrentState Last) PredictEach(Tensor xs, RecurrentState? state = null)
    {
        var (hs, last) = Run(xs, state);
        return (Op.Stack(hs.Select(Readout.Forward).ToArray(), 0), last);
    }

    public override string ToString() => $"RecurrentRegressor({(Kind == CellKind.Vanilla ? Vanilla : Lstm)}, {Readout})";
}
