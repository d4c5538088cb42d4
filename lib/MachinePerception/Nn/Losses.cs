using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Nn;

/// <summary>How a loss combines its per-element terms.</summary>
public enum Reduction
{
    /// <summary>The average over the terms (the default).</summary>
    Mean,
    /// <summary>The sum over the terms.</summary>
    Sum,
    /// <summary>No reduction: one term per element (per sample for the KL).</summary>
    None,
}

/// <summary>
/// The losses of the book (§10: binary cross-entropy, cross-entropy, and the VAE's KL term). Each is written with
/// differentiable ops, so its gradient comes from autodiff and can be differentiated again.
/// </summary>
public static partial class Losses
{
    static Tensor Reduce(Tensor terms, Reduction reduction) => reduction switch
    {
        Reduction.Mean => Op.Mean(terms),
        Reduction.Sum => Op.Sum(terms),
        _ => terms,
    };

    static void SameShape(string op, Tensor prediction, Tensor target)
    {
        if (!prediction.Shape.Equals(target.Shape))
            throw new ArgumentException($"{op}: prediction {prediction.Shape} and target {target.Shape} must have the same shape");
        if (prediction.DType != target.DType)
            throw new ArgumentException($"{op}: prediction is {prediction.DType.Name()} but target is {target.DType.Name()}; convert one with .To(DType)");
    }

    /// <summary>Mean squared error: terms (ŷ − y)².</summary>
    public static Tensor Mse(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShape("Mse", prediction, target);
        return Reduce(Op.Square(prediction - target), reduction);
    }

    /// <summary>Mean absolute error: terms |ŷ − y| (gradient sign(ŷ − y), 0 at the kink).</summary>
    public static Tensor L1(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShape("L1", prediction, target);
        return Reduce(Op.Abs(prediction - target), reduction);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities (§10): terms −y log ŷ − (1 − y) log(1 − ŷ).
    /// The logs are exact (no clamping), so ŷ must lie strictly inside (0, 1): ŷ = 0 or 1 gives an infinite
    /// or NaN term. When ŷ = σ(z) comes from a sigmoid, use <see cref="BceWithLogits"/>, which never overflows.
    /// </summary>
    public static Tensor Bce(Tensor probability, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShape("Bce", probability, target);
        var terms = -(target * Op.Log(probability) + (1 - target) * Op.Log(1 - probability));
        return Reduce(terms, reduction);
    }

    /// <summary>
    /// Binary cross-entropy of ŷ = σ(z) computed from the logit z: terms softplus(z) − z·y, since
    /// −y log σ(z) − (1 − y) log(1 − σ(z)) = log(1 + eᶻ) − z·y. Softplus is evaluated as
    /// max(z, 0) + log(1 + e^{−|z|}), so no exponential overflows, and the gradient is exactly σ(z) − y.
    /// </summary>
    public static Tensor BceWithLogits(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShape("BceWithLogits", logits, target);
        return Reduce(Op.Softplus(logits) - logits * target, reduction);
    }

    /// <summary>
    /// KL(N(μ, diag σ²) ‖ N(0, I)) in closed form, from μ and log σ² (the VAE's regulariser):
    /// per latent dimension ½(σ² + μ² − 1 − log σ²), summed over the last axis to one value per sample.
    /// Reduction: None gives the per-sample KL [B], Mean its average over the batch, Sum the total.
    /// </summary>
    public static Tensor GaussianKL(Tensor mu, Tensor logVar, Reduction reduction = Reduction.Mean)
    {
        if (!mu.Shape.Equals(logVar.Shape) || mu.Rank == 0)
            throw new ArgumentException($"GaussianKL: mu {mu.Shape} and logVar {logVar.Shape} must have the same shape, rank ≥ 1");
        var perDimension = (Op.Exp(logVar) + Op.Square(mu) - 1 - logVar) * 0.5;
        return Reduce(Op.Sum(perDimension, -1), reduction);
    }
}
