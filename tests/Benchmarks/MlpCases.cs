using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A full training step (forward, backward, Adam) of a ReLU MLP built from the library's layers
/// (<see cref="Linear"/>, <see cref="ReLU"/>, <see cref="Adam"/>), against <see cref="DirectMlp"/>.
/// </summary>
abstract class MlpStepCase(int[] sizes, int batch, bool classification) : BenchmarkCase
{
    protected readonly int[] Sizes = sizes;
    protected Sequential? Model;
    protected Tensor? Input, Target; // Target: the regression targets (MSE)
    int[]? labels;

    // 2·batch·in·out per product, three products per layer (forward, ∂W, ∂a; the first layer has no ∂a)
    protected override double Flops
    {
        get
        {
            double f = 0;
            for (int l = 0; l + 1 < Sizes.Length; l++) f += (l == 0 ? 2 : 3) * 2.0 * batch * Sizes[l] * Sizes[l + 1];
            return f;
        }
    }

    protected override (Action ours, Action reference) Setup()
    {
        var rng = new Rng(1);
        var layers = new List<Layer>();
        for (int l = 0; l + 1 < Sizes.Length; l++)
        {
            if (l > 0) layers.Add(new ReLU());
            layers.Add(new Linear(Sizes[l], Sizes[l + 1], rng));
        }
        Model = new Sequential([.. layers]);
        var linears = layers.OfType<Linear>().ToArray();
        var direct = new DirectMlp(Sizes, batch, linears.Select(p => (p.Weight.ToFloatArray(), p.Bias!.ToFloatArray())).ToList());
        var opt = new Adam(Model.Parameters(), learningRate: 1e-3);

        Input = rng.Normal(new Shape(batch, Sizes[0]));
        var x = Input.ToFloatArray();
        int classes = Sizes[^1];
        float[]? targets = null;
        if (classification)
        {
            labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(classes)).ToArray();
        }
        else
        {
            Target = rng.Normal(new Shape(batch, classes));
            targets = Target.ToFloatArray();
        }
        // the first step's loss, from the same initial weights on both sides
        double first = Loss().Item(), firstDirect = direct.Step(x, labels, targets);
        SameWork = FormattableString.Invariant($"first loss ours {first:G6}, reference {firstDirect:G6}");
        void Ours()
        {
            opt.ZeroGrad();
            Loss().Backward();
            opt.Step();
        }
        return (Ours, () => direct.Step(x, labels, targets));
    }

    /// <summary>The recorded forward pass and loss: mean cross-entropy −(1/B) Σ_i log softmax(z_i)[y_i], or the MSE.</summary>
    protected Tensor Loss()
    {
        var z = Model!.Forward(Input!);
        return classification ? Losses.CrossEntropy(z, labels!) : Losses.Mse(z, Target!);
    }
}

/// <summary>MLP 784-256-10 on a batch of 128 (an MNIST classifier): the products dominate.</summary>
sealed class MlpTrainingCase() : MlpStepCase([784, 256, 10], 128, classification: true)
{
    public override string Name => "mlp-784-256-10";
}

/// <summary>
/// The RL chapter's Q-network 4-64-64-2 on a batch of 32, regressed on targets (MSE): the products are tiny,
/// so the cost per op (graph node, allocation, dispatch) dominates. Reports the time per recorded op.
/// </summary>
sealed class QNetworkTrainingCase() : MlpStepCase([4, 64, 64, 2], 32, classification: false)
{
    public override string Name => "qnet-4-64-64-2";

    protected override string Details(Timing ours, Timing reference)
    {
        // ops recorded by the forward pass and loss (the backward sweep and Adam run a similar number more)
        int nodes = CountNodes(Loss());
        var forward = Timing.Interleaved(() => Loss(), () => { }, rounds: 3, roundSeconds: 0.05).a;
        return FormattableString.Invariant(
            $"forward+loss {nodes} ops, {forward.Seconds * 1e6 / nodes:F2} µs per forward op, step {ours.Seconds * 1e6 / nodes:F2} µs per forward op");
    }

    static int CountNodes(Tensor root)
    {
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Tensor>([root]);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.GradFn is not { } node || !seen.Add(node)) continue;
            foreach (var x in node.Inputs) stack.Push(x);
        }
        return seen.Count;
    }
}
