using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>
/// Unrolling a recurrent cell over a sequence (§12): the same cell, with the same weights, applied at every time
/// step. The unrolled graph is an ordinary deep network with shared weights, so backpropagating through it is BPTT.
/// Sequences are time-major: xs [T, B, input].
/// </summary>
public static class SequenceUnroll
{
    /// <summary>h₁ … h_T (each [B, hidden]) of a vanilla RNN from h₀ (zero when not given).</summary>
    public static Tensor[] Rnn(RnnCell cell, Tensor xs, Tensor? h0 = null)
    {
        CheckSequence("SequenceUnroll.Rnn", xs, cell.InputSize);
        var h = h0 ?? cell.InitialState(xs.Shape[1]);
        var hs = new Tensor[xs.Shape[0]];
        for (int t = 0; t < hs.Length; t++) hs[t] = h = cell.Forward(Op.Index(xs, 0, t), h); // x_t [B, input]
        return hs;
    }

    /// <summary>Every step of an LSTM from (h₀, c₀) (zeros when not given), with its gate activations.</summary>
    public static LstmStep[] Lstm(LstmCell cell, Tensor xs, (Tensor H, Tensor C)? state = null)
    {
        CheckSequence("SequenceUnroll.Lstm", xs, cell.InputSize);
        var (h, c) = state ?? cell.InitialState(xs.Shape[1]);
        var steps = new LstmStep[xs.Shape[0]];
        for (int t = 0; t < steps.Length; t++)
        {
            steps[t] = cell.Step(Op.Index(xs, 0, t), h, c);
            (h, c) = (steps[t].H, steps[t].C);
        }
        return steps;
    }

    internal static void CheckSequence(string op, Tensor xs, int inputSize)
    {
        if (xs.Rank != 3 || xs.Shape[2] != inputSize)
            throw new ArgumentException($"{op}: expected a time-major sequence [T, B, {inputSize}], got {xs.Shape}");
    }
}
