using MachinePerception.Autodiff;
using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// Gradient clipping by global norm (§12, against exploding gradients in BPTT): if ‖g‖ = √(Σ over every
/// parameter of Σ g²) exceeds maxNorm, every gradient is multiplied by maxNorm/‖g‖ — the direction of the
/// whole update is kept, only its length is capped.
/// </summary>
public static class GradientClipping
{
    /// <summary>Clips the <see cref="Tensor.Grad"/> of the parameters in place; returns the global norm before clipping.</summary>
    public static double ClipByGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentException($"ClipByGlobalNorm: maxNorm = {maxNorm} must be positive");
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToArray();
        double norm = Math.Sqrt(grads.Sum(InPlace.SumOfSquares));
        if (norm > maxNorm)
        {
            using var _ = Autograd.NoGrad();
            foreach (var g in grads) InPlace.Scale(g, maxNorm / norm);
        }
        return norm;
    }
}
