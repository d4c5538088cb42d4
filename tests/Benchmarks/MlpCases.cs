using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A ReLU MLP's training step (<see cref="Linear"/>, <see cref="ReLU"/>, cross-entropy or MSE, Adam) against PyTorch.
/// The products dominate the wide ones, so their throughput is also compared with our own GEMM at n = 1024, timed in
/// the same rounds (Debian's PyTorch, whose products go through OpenBLAS with its per-call overheads, is a weak
/// reference there).
/// </summary>
abstract class MlpStepCase(int[] sizes, int batch, bool classification, bool compareWithGemm) : TrainingStepCase
{
    protected readonly int[] Sizes = sizes;
    protected Func<Tensor>? Forward;

    // forward, ∂W and ∂a for every layer but the first, whose input (the data) needs no gradient
    protected override double Flops
    {
        get
        {
            double f = 0;
            for (int l = 0; l + 1 < Sizes.Length; l++) f += Flop.Linear(batch, Sizes[l], Sizes[l + 1], inputGradient: l > 0);
            return f;
        }
    }

    protected override StepModel Build(Rng rng)
    {
        var model = new StepModel();
        var layers = new List<Layer>();
        for (int l = 0; l + 1 < Sizes.Length; l++)
        {
            if (l > 0) layers.Add(new ReLU());
            layers.Add(model.Layer($"fc{l}", new Linear(Sizes[l], Sizes[l + 1], rng)));
        }
        var net = new Sequential([.. layers]);
        var x = model.Input("x", rng.Normal(new Shape(batch, Sizes[0])));
        Forward = () => net.Forward(x);
        if (classification)
        {
            var labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(Sizes[^1])).ToArray();
            model.Input("labels", Tensor.FromArray(labels.Select(l => (float)l).ToArray(), batch));
            model.Loss = () => Losses.CrossEntropy(net.Forward(x), labels);
        }
        else
        {
            var target = model.Input("target", rng.Normal(new Shape(batch, Sizes[^1])));
            model.Loss = () => Losses.Mse(net.Forward(x), target);
        }
        return model;
    }

    protected override ITimedSide[] ExtraSides()
    {
        if (!compareWithGemm) return [];
        const int n = 1024;
        var rng = new Rng(n);
        var a = rng.Normal(new Shape(n, n)).ToFloatArray();
        var b = rng.Normal(new Shape(n, n)).ToFloatArray();
        var c = new float[n * n];
        return [new LocalSide(() => Gemm.Multiply<float>(a, b, c, n, n, n, false, false))];
    }

    protected override string Details(Timing ours, Timing reference, Timing[] extra)
    {
        if (extra.Length == 0) return "";
        double step = Flops / ours.Seconds, gemm = 2.0 * 1024 * 1024 * 1024 / extra[0].Seconds;
        return FormattableString.Invariant($"our GEMM n=1024 {gemm / 1e9:F1} GFLOP/s, the step at {100 * step / gemm:F0} % of it");
    }
}

/// <summary>MLP 784-256-10 on a batch of 128 (an MNIST classifier), cross-entropy.</summary>
sealed class MlpTrainingCase() : MlpStepCase([784, 256, 10], 128, classification: true, compareWithGemm: true)
{
    public override string Name => "mlp-784-256-10";
}

/// <summary>The NeRF-sized MLP 63 → 128 → 128 → 128 → 128 → 4 on 4,096 points (positionally encoded 3-D points), MSE.</summary>
sealed class NerfMlpCase() : MlpStepCase([63, 128, 128, 128, 128, 4], 4096, classification: false, compareWithGemm: true)
{
    public override string Name => "nerf-mlp-4096";
}

/// <summary>
/// The RL chapter's Q-network 4-64-64-2 on a batch of 32, regressed on targets (MSE): the products are tiny,
/// so the cost per op (graph node, allocation, dispatch) dominates. Reports the time per recorded op.
/// </summary>
sealed class QNetworkTrainingCase() : MlpStepCase([4, 64, 64, 2], 32, classification: false, compareWithGemm: false)
{
    public override string Name => "qnet-4-64-64-2";

    protected override string Details(Timing ours, Timing reference, Timing[] extra)
    {
        // ops recorded by the forward pass and loss (the backward sweep and Adam run a similar number more)
        var loss = Forward!();
        int nodes = CountNodes(loss);
        return FormattableString.Invariant($"forward {nodes} recorded ops, step {ours.Seconds * 1e6 / nodes:F2} µs per forward op");
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
