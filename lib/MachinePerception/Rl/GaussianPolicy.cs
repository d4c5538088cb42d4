using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Rl;

/// <summary>
/// A Gaussian policy for continuous actions (§7.7): π_θ(a | s) = N(a; μ_θ(s), diag σ²), with the mean from a small
/// network (state [B, d] → Linear–tanh–Linear–tanh–Linear → [B, k]) and log σ a trained vector of its own (one per
/// action dimension, not a function of s). Its log-density
/// log π(a | s) = Σ_j [−½((a_j − μ_j)/σ_j)² − log σ_j − ½ log 2π]
/// is what the policy gradient differentiates: ∂/∂μ_j = (a_j − μ_j)/σ_j², ∂/∂log σ_j = ((a_j − μ_j)/σ_j)² − 1, so
/// a sample that did better than the baseline pulls μ towards itself and widens or narrows σ as it lay far or near.
/// </summary>
public sealed class GaussianPolicy : Module
{
    public Sequential MeanNetwork { get; }
    public Tensor LogStd => Parameter("log_std"); // [k]
    public int StateSize { get; }
    public int ActionSize { get; }

    public GaussianPolicy(int stateSize, int actionSize, int hidden, Rng rng, double initialStd = 0.5, DType dtype = DType.Float32)
    {
        if (stateSize <= 0 || actionSize <= 0 || hidden <= 0 || !(initialStd > 0))
            throw new ArgumentException($"GaussianPolicy: sizes (state {stateSize}, action {actionSize}, hidden {hidden}) and σ₀ = {initialStd} must be positive");
        StateSize = stateSize;
        ActionSize = actionSize;
        MeanNetwork = RegisterModule("mean", new Sequential(new Linear(stateSize, hidden, rng, dtype: dtype), new Tanh(),
            new Linear(hidden, hidden, rng, dtype: dtype), new Tanh(), new Linear(hidden, actionSize, rng, dtype: dtype)));
        RegisterParameter("log_std", Tensor.Full([actionSize], Math.Log(initialStd), dtype));
    }

    /// <summary>μ_θ(s): states [B, d] → [B, k].</summary>
    public Tensor Mean(Tensor states) => MeanNetwork.Forward(states);

    /// <summary>log π(a | s) for each row: states [B, d], actions [B, k] → [B].</summary>
    public Tensor LogProbability(Tensor states, Tensor actions)
    {
        if (actions.Rank != 2 || actions.Shape[1] != ActionSize || actions.Shape[0] != states.Shape[0])
            throw new ArgumentException($"GaussianPolicy.LogProbability: actions {actions.Shape} must be [B, {ActionSize}] for states {states.Shape}");
        var z = (actions - Mean(states)) / Op.Exp(LogStd); // [B, k] standardised
        return Op.Sum(Op.Square(z) * -0.5 - LogStd, 1) - 0.5 * Math.Log(2 * Math.PI) * ActionSize;
    }

    /// <summary>a = μ(s) + σ ⊙ ε with ε ~ N(0, I) from the given generator, without recording: [B, d] → [B, k].</summary>
    public Tensor Sample(Tensor states, Rng rng)
    {
        using var _ = Autograd.NoGrad();
        var mean = Mean(states);
        return mean + rng.Normal(mean.Shape, dtype: mean.DType) * Op.Exp(LogStd);
    }
}
