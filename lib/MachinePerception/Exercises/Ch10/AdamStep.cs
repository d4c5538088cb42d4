using MachinePerception.Tensors;

namespace MachinePerception.Exercises.Ch10;

/// <summary>
/// §10.2: one Adam update of a 3-parameter vector: m ← β₁m + (1 − β₁)∇, v ← β₂v + (1 − β₂)∇⊙∇,
/// m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), θ ← θ − η m̂/(√v̂ + ε). ε is chosen large (0.05–0.2) so that where it sits
/// matters: the summary writes it inside the root, a known slip.
/// </summary>
[Exercise(10, "adam-step", "One Adam step")]
public sealed class AdamStep : NumericExercise
{
    readonly int t;
    readonly double beta1, beta2, eta, epsilon;
    readonly double[] theta, grad, m0, v0;

    public AdamStep(int seed) : base(seed)
    {
        var rng = new Rng(seed);
        double Round2(double x) => Math.Round(x, 2);
        t = rng.NextInt(1, 6);
        beta1 = new[] { 0.8, 0.9 }[rng.NextInt(2)];
        beta2 = new[] { 0.99, 0.999 }[rng.NextInt(2)];
        eta = new[] { 0.01, 0.05, 0.1 }[rng.NextInt(3)];
        epsilon = new[] { 0.05, 0.1, 0.2 }[rng.NextInt(3)];
        theta = Enumerable.Range(0, 3).Select(_ => Round2(rng.NextDouble() * 4 - 2)).ToArray();
        grad = Enumerable.Range(0, 3).Select(_ => Round2((rng.NextDouble() * 2 - 1) * 1.5)).ToArray();
        // after t − 1 earlier steps the moments are nonzero (m has the gradient's scale, v its square's)
        m0 = Enumerable.Range(0, 3).Select(_ => t == 1 ? 0 : Round2(rng.NextDouble() - 0.5)).ToArray();
        v0 = Enumerable.Range(0, 3).Select(_ => t == 1 ? 0 : Round2(rng.NextDouble() * 0.5 + 0.01)).ToArray();
    }

    protected override int[] AnswerShape => [3];

    protected override Prose Pose() => new Prose()
        .Text($"Adam (§10.2) is about to take step t = {t} with learning rate η = {Prose.Number(eta)}, β₁ = {Prose.Number(beta1)}, " +
              $"β₂ = {Prose.Number(beta2)} and ε = {Prose.Number(epsilon)} (larger than usual, so that where ε goes matters).")
        .Vector("θ =", theta)
        .Vector("∇ =", grad)
        .Vector("m (before) =", m0)
        .Vector("v (before) =", v0)
        .Text("Update the moments m and v, correct their bias, and give the new parameters θ after the step " +
              "(3 numbers, at least 5 significant digits).");

    enum Variant { Correct, EpsilonInsideRoot, NoBiasCorrection, PlusSign, StepOnly, RawGradient, NoRoot, OldMoments, SwappedBetas }

    double[] Update(Variant variant)
    {
        var result = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double b1 = variant == Variant.SwappedBetas ? beta2 : beta1, b2 = variant == Variant.SwappedBetas ? beta1 : beta2;
            double m = variant == Variant.OldMoments ? m0[i] : b1 * m0[i] + (1 - b1) * grad[i];
            double v = variant == Variant.OldMoments ? v0[i] : b2 * v0[i] + (1 - b2) * grad[i] * grad[i];
            double mHat = variant == Variant.NoBiasCorrection ? m : m / (1 - Math.Pow(b1, t));
            double vHat = variant == Variant.NoBiasCorrection ? v : v / (1 - Math.Pow(b2, t));
            double numerator = variant == Variant.RawGradient ? grad[i] : mHat;
            double denominator = variant switch
            {
                Variant.EpsilonInsideRoot => Math.Sqrt(vHat + epsilon),
                Variant.NoRoot => vHat + epsilon,
                _ => Math.Sqrt(vHat) + epsilon,
            };
            double step = -eta * numerator / denominator;
            result[i] = variant switch
            {
                Variant.PlusSign => theta[i] - step,
                Variant.StepOnly => step,
                _ => theta[i] + step,
            };
        }
        return result;
    }

    internal override double[] Reference() => Update(Variant.Correct);

    internal override IEnumerable<Mistake> Mistakes()
    {
        yield return Wrong("ε inside the square root", "The update is −η m̂ / (√v̂ + ε): ε is added after the root. The summary's √(v̂ + ε) is a slip (§10.2 errata).", Update(Variant.EpsilonInsideRoot));
        yield return Wrong("no bias correction", $"Divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ (t = {t}) before the step: early moments are biased towards 0.", Update(Variant.NoBiasCorrection));
        yield return Wrong("stepped uphill (wrong sign)", "Adam moves against the gradient: θ ← θ − η m̂/(√v̂ + ε).", Update(Variant.PlusSign));
        yield return Wrong("gave the step Δθ instead of the new θ", "The question asks for θ + Δθ, not Δθ alone.", Update(Variant.StepOnly));
        yield return Wrong("used the raw gradient instead of m̂", "The numerator is the bias-corrected first moment m̂, not the current gradient.", Update(Variant.RawGradient));
        yield return Wrong("forgot the square root of v̂", "v̂ estimates the squared gradient: divide by √v̂ (+ ε), not by v̂.", Update(Variant.NoRoot));
        yield return Wrong("used the moments before updating them", "First update m and v with the new gradient, then correct and step.", Update(Variant.OldMoments));
        yield return Wrong("swapped β₁ and β₂", "β₁ goes with the first moment m, β₂ with the second moment v.", Update(Variant.SwappedBetas));
    }

    protected override Prose Solve()
    {
        double c1 = 1 - Math.Pow(beta1, t), c2 = 1 - Math.Pow(beta2, t);
        var m = Enumerable.Range(0, 3).Select(i => beta1 * m0[i] + (1 - beta1) * grad[i]).ToArray();
        var v = Enumerable.Range(0, 3).Select(i => beta2 * v0[i] + (1 - beta2) * grad[i] * grad[i]).ToArray();
        var mHat = m.Select(x => x / c1).ToArray();
        var vHat = v.Select(x => x / c2).ToArray();
        return new Prose()
            .Text("1. Moments: m ← β₁m + (1 − β₁)∇ and v ← β₂v + (1 − β₂)∇⊙∇.")
            .Vector("m =", m).Vector("v =", v)
            .Text($"2. Bias correction: m̂ = m/(1 − β₁ᵗ) with 1 − β₁^{t} = {Prose.Number(c1)}, v̂ = v/(1 − β₂ᵗ) with 1 − β₂^{t} = {Prose.Number(c2)}.")
            .Vector("m̂ =", mHat).Vector("v̂ =", vHat)
            .Text("3. Step: θ ← θ − η m̂ / (√v̂ + ε), entry by entry.")
            .Vector("θ (new) =", Reference());
    }
}
