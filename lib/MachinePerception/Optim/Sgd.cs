using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// Stochastic gradient descent (§10.2): θ ← θ − ε ∇L(θ). With the gradient of one sample it is SGD, of a
/// mini-batch of m &lt; n samples mini-batch SGD — the rule is the same; the loss decides which.
/// </summary>
public sealed class Sgd(IEnumerable<Tensor> parameters, double learningRate) : Optimizer(parameters, learningRate)
{
    protected override void Update(int index, Tensor theta, Tensor g) => InPlace.AddScaled(theta, g, -LearningRate);
}
