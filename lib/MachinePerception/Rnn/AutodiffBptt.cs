using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Rnn;

/// <summary>
/// BPTT by the engine's reverse mode (§12): build L = Σ_t ½‖W_hy h_t − y_t‖² on the unrolled graph and let
/// autodiff sweep back through it. This is the independent side of every check of <see cref="ExplicitBptt"/>.
/// Shapes: xs [T, B, input], ys [T, B, output], h₀ [B, hidden].
/// </summary>
public static class AutodiffBptt
{
    /// <summary>The loss of the fully unrolled network: its gradient is the whole sum over t and k ≤ t.</summary>
    public static Tensor Loss(RnnCell cell, Linear readout, Tensor xs, Tensor ys, Tensor h0)
    {
        var hs = SequenceUnroll.Rnn(cell, xs, h0);
        var loss = Tensor.Zeros([], xs.DType);
        for (int t = 0; t < hs.Length; t++) loss += StepLoss(readout, hs[t], Op.Index(ys, 0, t));
        return loss;
    }

    /// <summary>
    /// The same loss value, but each L_t is built on a graph that starts from h_{t−κ} cut off (detached): its
    /// gradient keeps only the terms k = t−κ+1 … t of the sum, the summary's truncated BPTT with window κ.
    /// </summary>
    public static Tensor TruncatedLoss(RnnCell cell, Linear readout, Tensor xs, Tensor ys, Tensor h0, int window)
    {
        if (window < 1) throw new ArgumentException($"AutodiffBptt.TruncatedLoss: window κ = {window} must be ≥ 1");
        Tensor[] states;
        using (Autograd.NoGrad()) states = [h0, .. SequenceUnroll.Rnn(cell, xs, h0)]; // states[t] = h_t, values only
        var loss = Tensor.Zeros([], xs.DType);
        for (int t = 1; t < states.Length; t++)
        {
            int start = Math.Max(0, t - window);
            var h = states[start].Detach();
            for (int i = start + 1; i <= t; i++) h = cell.Forward(Op.Index(xs, 0, i - 1), h);
            loss += StepLoss(readout, h, Op.Index(ys, 0, t - 1));
        }
        return loss;
    }

    /// <summary>
    /// The loss unrolled in chunks of κ steps, the state carried from chunk to chunk but detached at each boundary: the
    /// gradient of L_t reaches back only to the start of its chunk. Training with <see cref="RecurrentTraining.TruncatedBptt"/>
    /// takes one update per chunk; with the weights held fixed, the sum of those chunk gradients is this loss's gradient.
    /// </summary>
    public static Tensor ChunkedLoss(RnnCell cell, Linear readout, Tensor xs, Tensor ys, Tensor h0, int window)
    {
        if (window < 1) throw new ArgumentException($"AutodiffBptt.ChunkedLoss: window κ = {window} must be ≥ 1");
        var loss = Tensor.Zeros([], xs.DType);
        var h = h0;
        for (int t = 0; t < xs.Shape[0]; t++)
        {
            if (t % window == 0) h = h.Detach();                                   // a chunk starts: cut the graph
            h = cell.Forward(Op.Index(xs, 0, t), h);
            loss += StepLoss(readout, h, Op.Index(ys, 0, t));
        }
        return loss;
    }

    // L_t = ½‖W_hy h_t − y_t‖², summed over the batch
    static Tensor StepLoss(Linear readout, Tensor h, Tensor y) => 0.5 * Op.Sum(Op.Square(readout.Forward(h) - y));
}
