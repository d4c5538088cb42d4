using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// AdaGrad (§10.2): r ← r + g ⊙ g, Δθ = −ε/(δ + √r) ⊙ g. Each parameter's step shrinks with the sum of its
/// past squared gradients — fast for rarely-large coordinates, slow for often-large ones; since r only grows,
/// the effective learning rate can fall too early. δ only prevents division by zero.
/// </summary>
public sealed class AdaGrad : Optimizer
{
    public double Delta { get; }

    public AdaGrad(IEnumerable<Tensor> parameters, double learningRate, double delta = 1e-7) : base(parameters, learningRate)
    {
        if (!(delta > 0)) throw new ArgumentException($"AdaGrad: delta = {delta} must be positive");
        Delta = delta;
    }

    protected override void Update(int index, Tensor theta, Tensor g)
    {
        var r = State(index, "r");
        InPlace.AddScaledSquare(r, g, 1);                                 // r ← r + g ⊙ g
        InPlace.AdaptiveStep(theta, g, r, -LearningRate, 1, Delta);       // θ ← θ − ε g/(δ + √r)
    }
}
