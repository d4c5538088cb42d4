using MachinePerception.Tensors;

namespace MachinePerception.Autodiff;

/// <summary>
/// Reverse-mode automatic differentiation (backpropagation: §10's MLP backward pass, proved in §13): a topological sweep over the recorded
/// graph that applies each op's backward rule to the gradient of its output and sums the contributions
/// arriving at each tensor (the multivariate chain rule).
/// </summary>
public static class Autograd
{
    [ThreadStatic] static int noGradDepth;

    /// <summary>True while ops record the graph (outside <see cref="NoGrad"/>).</summary>
    public static bool IsRecording => noGradDepth == 0;

    /// <summary>Inside a <c>using (Autograd.NoGrad())</c> block ops record nothing (inference, optimizer steps).</summary>
    public static IDisposable NoGrad() => new NoGradScope();

    sealed class NoGradScope : IDisposable
    {
        bool disposed;
        public NoGradScope() => noGradDepth++;
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            noGradDepth--;
        }
    }

    /// <summary>
    /// When on, every op checks its result for NaN/Inf and throws naming the op and its input shapes
    /// (slow: a debugging aid, off by default).
    /// </summary>
    public static bool TrapNonFinite { get; set; }

    /// <summary>
    /// Attaches a node to <paramref name="result"/> when recording and any input requires a gradient.
    /// Every differentiable op ends with this call, passing its backward rule.
    /// </summary>
    public static Tensor Record(Tensor result, string op, Tensor[] inputs, BackwardRule backward)
    {
        if (TrapNonFinite) NonFiniteTrap.Check(result, op, inputs);
        if (!IsRecording) return result;
        foreach (var x in inputs)
        {
            if (!x.RequiresGrad) continue;
            result.GradFn = new Node(op, inputs, backward);
            result.RequiresGrad = true;
            break;
        }
        return result;
    }

    /// <summary>
    /// The gradients of sum_i ⟨gradOutputs_i, outputs_i⟩ with respect to each of <paramref name="inputs"/>.
    /// With <paramref name="createGraph"/> the returned gradients are themselves differentiable
    /// (gradient of a gradient: WGAN-GP, the eikonal loss, implicit differentiation).
    /// An input the outputs do not depend on gets zeros (or null with <paramref name="allowUnused"/>).
    /// </summary>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor[]? gradOutputs = null,
        bool createGraph = false, bool allowUnused = false)
    {
        var grads = Sweep(outputs, gradOutputs, createGraph);
        var result = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (grads.TryGetValue(inputs[i], out var g)) result[i] = g;
            else if (!allowUnused) result[i] = Tensor.ZerosLike(inputs[i]);
        }
        return result;
    }

    /// <summary>Single-output, single-input shorthand of <see cref="Grad(Tensor[], Tensor[], Tensor[], bool, bool)"/>.</summary>
    public static Tensor Grad(Tensor output, Tensor input, bool createGraph = false) =>
        Grad([output], [input], null, createGraph)[0]!;

    internal static void Backward(Tensor root, Tensor? gradient)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException($"Backward: the tensor {root.Shape} does not require a gradient (no input had RequiresGrad)");
        if (gradient is null && root.Size != 1)
            throw new InvalidOperationException($"Backward: called on a tensor of shape {root.Shape}; pass a gradient or reduce to a scalar first");
        var grads = Sweep([root], gradient is null ? null : [gradient], createGraph: false);
        using var _ = NoGrad();
        foreach (var (t, g) in grads)
        {
            if (!t.IsLeaf || !t.RequiresGrad) continue;
            t.Grad = t.Grad is null ? g.Detach() : (t.Grad + g).Detach();
        }
    }

    static Dictionary<Tensor, Tensor> Sweep(Tensor[] outputs, Tensor[]? gradOutputs, bool createGraph)
    {
        var order = TopologicalOrder(outputs);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < outputs.Length; i++)
        {
            var g = gradOutputs?[i] ?? Tensor.OnesLike(outputs[i]);
            if (!g.Shape.Equals(outputs[i].Shape))
                throw new ArgumentException($"Grad: gradient of shape {g.Shape} for an output of shape {outputs[i].Shape}");
            grads[outputs[i]] = grads.TryGetValue(outputs[i], out var prev) ? prev + g : g;
        }

        using var scope = createGraph ? null : NoGrad();
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (t.GradFn is null || !grads.TryGetValue(t, out var gOut)) continue;
            var node = t.GradFn;
            var gIn = node.Backward(gOut);
            if (gIn.Length != node.Inputs.Length)
                throw new InvalidOperationException($"{node.Op} backward returned {gIn.Length} gradients for {node.Inputs.Length} inputs");
            for (int k = 0; k < gIn.Length; k++)
            {
                var x = node.Inputs[k];
                var g = gIn[k];
                if (g is null || !x.RequiresGrad) continue;
                if (!g.Shape.Equals(x.Shape))
                    throw new InvalidOperationException($"{node.Op} backward: gradient {g.Shape} for input {k} of shape {x.Shape}");
                grads[x] = grads.TryGetValue(x, out var acc) ? acc + g : g;
            }
        }
        return grads;
    }

    /// <summary>Tensors reachable from the outputs, each after all tensors it depends on.</summary>
    static List<Tensor> TopologicalOrder(Tensor[] outputs)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor t, int next)>();
        foreach (var o in outputs)
        {
            if (!visited.Add(o)) continue;
            stack.Push((o, 0));
            while (stack.Count > 0)
            {
                var (t, next) = stack.Pop();
                var inputs = t.GradFn?.Inputs ?? [];
                if (next < inputs.Length)
                {
                    stack.Push((t, next + 1));
                    var x = inputs[next];
                    if (x.RequiresGrad && visited.Add(x)) stack.Push((x, 0));
                }
                else order.Add(t);
            }
        }
        return order;
    }
}
