using MachinePerception.Autodiff;
using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// The base of the gradient-descent algorithms of §10.2. It holds the parameters (in a fixed order), the learning
/// rate (settable between steps, e.g. by a <see cref="LearningRateSchedule"/>), the step count t and, per
/// parameter, the optimizer's state (velocity, moment estimates), created as zeros on first use.
/// <see cref="Step"/> runs outside the autodiff graph and changes each parameter's storage in place.
/// </summary>
public abstract class Optimizer
{
    readonly Dictionary<string, Tensor>[] state;

    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The step size (ε or η in §10.2).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far (t in Adam's bias correction; 1 during the first step).</summary>
    public int StepCount { get; protected set; }

    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException($"{GetType().Name}: no parameters to optimise");
        foreach (var p in Parameters)
            if (!p.IsLeaf || !p.RequiresGrad)
                throw new ArgumentException($"{GetType().Name}: parameter {p.Name ?? ""} {p.Shape} must be a leaf with RequiresGrad");
        if (!(learningRate >= 0)) throw new ArgumentException($"{GetType().Name}: learning rate {learningRate} must be ≥ 0");
        LearningRate = learningRate;
        state = Parameters.Select(_ => new Dictionary<string, Tensor>()).ToArray();
    }

    /// <summary>Forgets the accumulated gradients (call before each backward pass: gradients add up otherwise).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.Grad = null;
    }

    /// <summary>One update of every parameter that has a gradient, using its current <see cref="Tensor.Grad"/>.</summary>
    public void Step()
    {
        using var _ = Autograd.NoGrad();
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is not { } g) continue;
            if (!g.Shape.Equals(p.Shape) || g.DType != p.DType || g.Device != p.Device)
                throw new InvalidOperationException($"{GetType().Name}.Step: gradient {g.Shape} {g.DType.Name()} does not match parameter {p.Name ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)} {p.Shape} {p.DType.Name()}");
            Update(i, p, g);
        }
    }

    /// <summary>The update rule for one parameter θ with gradient g (outside the graph; change θ in place).</summary>
    protected abstract void Update(int index, Tensor theta, Tensor g);

    /// <summary>A state tensor of parameter <paramref name="index"/> (zeros, like the parameter, on first use).</summary>
    protected Tensor State(int index, string name)
    {
        if (!state[index].TryGetValue(name, out var s))
            state[index][name] = s = Tensor.ZerosLike(Parameters[index]);
        return s;
    }
}
