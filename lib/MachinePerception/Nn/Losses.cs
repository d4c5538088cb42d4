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

    /// <summary>
    /// Negative log-likelihood of integer labels from log-probabilities [B, K]: terms −log q(yᵢ | xᵢ) = −logProbs[i, yᵢ]
    /// (the MLE loss of §10 for a categorical model). Reduction over the batch.
    /// </summary>
    public static Tensor Nll(Tensor logProbs, int[] labels, Reduction reduction = Reduction.Mean)
    {
        CheckLabels("Nll", logProbs, labels);
        var index = Tensor.FromArray(labels.Select(l => (double)l).ToArray(), labels.Length, 1).To(logProbs.DType).To(logProbs.Device);
        var picked = Op.Reshape(Op.Gather(logProbs, 1, index), labels.Length); // [B]
        return Reduce(-picked, reduction);
    }

    /// <summary>
    /// Cross-entropy of integer labels from unnormalised scores (logits) [B, K]: terms −log softmax(z)[yᵢ]
    /// = log Σₖ e^{zₖ} − z_{yᵢ}. It goes through log-softmax, which subtracts the row maximum first, so large
    /// logits never overflow (§10: H(p_d, p_m), the data distribution being one-hot).
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, int[] labels, Reduction reduction = Reduction.Mean)
    {
        CheckLabels("CrossEntropy", logits, labels);
        return Nll(Op.LogSoftmax(logits, 1), labels, reduction);
    }

    /// <summary>
    /// Cross-entropy against target distributions p [B, K] (rows summing to 1): terms H(pᵢ, qᵢ) = −Σₖ pᵢₖ log softmax(zᵢ)ₖ,
    /// one per row. H(p, q) = H(p) + KL(p ‖ q) (§10), so it is minimised, at H(p), when softmax(z) = p.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targetProbabilities, Reduction reduction = Reduction.Mean)
    {
        if (logits.Rank != 2) throw new ArgumentException($"CrossEntropy: expected logits [B, K], got {logits.Shape}");
        SameShape("CrossEntropy", logits, targetProbabilities);
        return Reduce(-Op.Sum(targetProbabilities * Op.LogSoftmax(logits, 1), 1), reduction);
    }

    static void CheckLabels(string op, Tensor scores, int[] labels)
    {
        if (scores.Rank != 2) throw new ArgumentException($"{op}: expected [B, K] scores, got {scores.Shape}");
        if (labels.Length != scores.Shape[0])
            throw new ArgumentException($"{op}: {labels.Length} labels for {scores.Shape[0]} rows of {scores.Shape}");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= scores.Shape[1])
                throw new ArgumentException($"{op}: label {labels[i]} at position {i} is not a class in [0, {scores.Shape[1]}) of {scores.Shape}");
    }
}
