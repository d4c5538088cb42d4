using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019): Adam with decoupled weight decay, θ ← θ − ηλθ applied directly to
/// the parameters before the Adam step, instead of adding λθ to the gradient (where Adam's per-coordinate
/// scaling would weaken the decay exactly on the coordinates with large gradients).
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>λ, the decay rate per unit of learning rate.</summary>
    public double WeightDecay { get; }

    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double weightDecay = 1e-2, double beta1 = 0.9,
        double beta2 = 0.999, double epsilon = 1e-8) : base(parameters, learningRate, beta1, beta2, epsilon)
    {
        if (!(weightDecay >= 0)) throw new ArgumentException($"AdamW: weight decay {weightDecay} must be ≥ 0");
        WeightDecay = weightDecay;
    }

    protected override void Update(int index, Tensor theta, Tensor g)
    {
        InPlace.Scale(theta, 1 - LearningRate * WeightDecay);   // θ ← θ − ηλθ
        base.Update(index, theta, g);
    }
}
