using MachinePerception.Tensors;

namespace MachinePerception.Autodiff;

/// <summary>
/// Computes the gradients of an op's inputs from the gradient of its output (the vector-Jacobian product).
/// It is written with tensor ops, so when the sweep records a graph, the gradient can be differentiated again.
/// Returns one entry per input; null where the input needs no gradient.
/// </summary>
public delegate Tensor?[] BackwardRule(Tensor gradOutput);

/// <summary>One recorded op in the graph: its name, its inputs and its backward rule.</summary>
public sealed class Node
{
    public string Op { get; }
    public Tensor[] Inputs { get; }
    internal BackwardRule Backward { get; }

    internal Node(string op, Tensor[] inputs, BackwardRule backward)
    {
        Op = op;
        Inputs = inputs;
        Backward = backward;
    }

    public override string ToString() => Op;
}
