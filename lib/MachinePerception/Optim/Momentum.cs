using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// Polyak's momentum (§10.2): a velocity v ← αv − ε∇L(θ), then θ ← θ + v. The velocity averages past
/// gradients, so the steps grow along directions where the gradient is consistent and cancel where it oscillates.
/// </summary>
public sealed class Momentum : Optimizer
{
    /// <summary>α, the fraction of the velocity kept each step.</summary>
    public double Alpha { get; }

    public Momentum(IEnumerable<Tensor> parameters, double learningRate, double alpha = 0.9) : base(parameters, learningRate)
    {
        if (!(alpha >= 0 && alpha < 1)) throw new ArgumentException($"Momentum: alpha = {alpha} must be in [0, 1)");
        Alpha = alpha;
    }

    protected override void Update(int index, Tensor theta, Tensor g)
    {
        var v = State(index, "velocity");
        InPlace.Scale(v, Alpha);                  // v ← αv
        InPlace.AddScaled(v, g, -LearningRate);   //     − ε∇L(θ)
        InPlace.AddScaled(theta, v, 1);           // θ ← θ + v
    }
}
