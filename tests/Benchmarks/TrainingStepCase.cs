using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Benchmarks;

/// <summary>
/// A full training step (zero the gradients, forward, loss, backward, Adam with η = 1e-3) of a model built from the
/// library's layers and ops, against the same step in PyTorch (<see cref="TorchReference"/>). Both sides start from
/// the same tensors: ours are drawn from a seeded <see cref="Rng"/> and handed over, so equal first losses show that
/// both sides compute the same function.
/// </summary>
abstract class TrainingStepCase : BenchmarkCase
{
    protected override string? SkipReason => TorchReference.MissingReason;
    protected override string ReferenceName => "PyTorch";

    /// <summary>The case's parameters, data tensors and loss.</summary>
    protected abstract StepModel Build(Rng rng);

    protected override (ITimedSide ours, ITimedSide reference) Sides()
    {
        var model = Build(new Rng(Name.Length * 7919 + 13));
        var shared = model.Parameters.Select(p => (p.Name, p.Value, true))
            .Concat(model.Data.Select(d => (d.Name, d.Value, false))).ToList();
        var (torch, torchLoss) = TorchReference.Setup(Name, shared); // before our first step changes the parameters
        var step = Stepper(model);
        double first = step().Item();
        SameWork = FormattableString.Invariant($"first loss ours {first:G6}, PyTorch {torchLoss:G6}");
        return (new LocalSide(() => step()), torch);
    }

    public override Action Ours()
    {
        var step = Stepper(Build(new Rng(Name.Length * 7919 + 13)));
        return () => step();
    }

    static Func<Tensor> Stepper(StepModel model)
    {
        var opt = new Adam(model.Parameters.Select(p => p.Value), learningRate: 1e-3);
        return () =>
        {
            opt.ZeroGrad();
            var loss = model.Loss();
            loss.Backward();
            opt.Step();
            return loss;
        };
    }
}

/// <summary>What a training-step case trains: named parameters, named data tensors (inputs, targets, constants) and the loss.</summary>
sealed class StepModel
{
    public List<(string Name, Tensor Value)> Parameters { get; } = [];
    public List<(string Name, Tensor Value)> Data { get; } = [];
    public Func<Tensor> Loss { get; set; } = () => throw new InvalidOperationException("StepModel: no loss set");

    /// <summary>Registers a layer's parameters as name.weight, name.bias (the names the Python side reads); returns the layer.</summary>
    public T Layer<T>(string name, T layer) where T : Module
    {
        foreach (var (n, p) in layer.NamedParameters()) Parameters.Add((name + "." + n, p));
        return layer;
    }

    /// <summary>Registers a free parameter.</summary>
    public Tensor Parameter(string name, Tensor value)
    {
        Parameters.Add((name, value.RequireGrad()));
        return value;
    }

    /// <summary>Registers an input, target or constant (no gradient).</summary>
    public Tensor Input(string name, Tensor value)
    {
        Data.Add((name, value));
        return value;
    }
}

/// <summary>Floating-point operations of a training step's products (forward and backward), for effective GFLOP/s.</summary>
static class Flop
{
    /// <summary>A linear layer [rows, in] → [rows, out]: forward, ∂W and, when the input needs it, ∂x.</summary>
    public static double Linear(double rows, int inFeatures, int outFeatures, bool inputGradient = true) =>
        (inputGradient ? 3 : 2) * 2.0 * rows * inFeatures * outFeatures;

    /// <summary>A convolution (or transposed convolution) of images with out×out outputs (for a transposed one: inputs).</summary>
    public static double Conv(int batch, int cin, int cout, int kernel, int outH, int outW, bool inputGradient = true) =>
        (inputGradient ? 3 : 2) * 2.0 * batch * cin * cout * kernel * kernel * outH * outW;

    /// <summary>A product of [batch, m, k] and [batch, k, n], with the gradients of both operands.</summary>
    public static double MatMul(int batch, int m, int n, int k) => 3 * 2.0 * batch * m * n * k;
}
