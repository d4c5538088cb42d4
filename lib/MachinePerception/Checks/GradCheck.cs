using MachinePerception.Autodiff;
using MachinePerception.Tensors;

namespace MachinePerception.Checks;

/// <summary>The outcome of <see cref="GradCheck"/>: the worst disagreement between analytic and numeric gradients.</summary>
/// <remarks>
/// Two relative errors are reported. <see cref="RawRelativeError"/> is CS231n's |a − n| / max(|a| + |n|, 10⁻⁸), the
/// worst over all entries, at <see cref="RawInput"/>/<see cref="RawIndex"/> with the two gradients there.
/// <see cref="MaxRelativeError"/>, which decides PASS/FAIL, is max(0, |a − n| − noise) / max(|a| + |n|, 10⁻⁸): the same
/// ratio after subtracting <see cref="NoiseFloor"/>, an absolute bound on the |a − n| that rounding in the centered
/// differences alone can cause. It is therefore <em>not</em> CS231n's number: an entry whose disagreement lies within
/// the rounding noise counts as 0. <see cref="Input"/>/<see cref="Index"/> name the entry that attains it; when every
/// entry is within the noise (MaxRelativeError = 0) they name the raw worst entry instead.
/// </remarks>
public sealed record GradCheckResult(bool Passed, double MaxRelativeError, double Tolerance, int Input, string Index, double Analytic, double Numeric,
    double RawRelativeError = 0, double NoiseFloor = 0, int RawInput = 0, string RawIndex = "", double RawAnalytic = 0, double RawNumeric = 0)
{
    public string Summary =>
        $"max relative error {MaxRelativeError:G3} {(Passed ? "≤" : ">")} {Tolerance:G3} after allowing the rounding noise {NoiseFloor:G2} of the differences" +
        (MaxRelativeError > 0 && (Input != RawInput || Index != RawIndex)
            ? $" (at input {Input} {Index}: analytic {Analytic:G10}, numeric {Numeric:G10})" : "") +
        $"; raw worst |a − n|/(|a| + |n|) = {RawRelativeError:G3} at input {RawInput} {RawIndex}: analytic {RawAnalytic:G10}, numeric {RawNumeric:G10}";
}

/// <summary>
/// The one gradient check shared by the unit tests and the chapters. For a function f of float64 tensors it
/// compares the reverse-mode gradient of L = Σ r ⊙ f(x) (r a fixed random direction, so every output entry
/// matters) with centered differences (L(x + h eᵢ) − L(x − h eᵢ)) / 2h, entry by entry. It reports the worst relative
/// error max(0, |a − n| − noise) / (|a| + |n|), where noise bounds what rounding in the differences can cause, and beside
/// it the raw worst |a − n| / (|a| + |n|) (CS231n's measure) with its entry (<see cref="GradCheckResult"/>). Thresholds: ≈1e-7 for smooth ops in float64 (truncation error
/// O(h²) ≈ 1e-12 plus rounding ≈ 1e-16/h); looser only where a kink lies within h of an input.
/// </summary>
public static class GradCheck
{
    /// <summary>Threshold for smooth ops in float64.</summary>
    public const double SmoothTolerance = 1e-7;

    /// <summary>The default step h of the centered differences.</summary>
    public const double Step = 1e-6;

    // Entries where both gradients are tiny compare on an absolute floor instead, since rounding alone
    // (≈1e-16 · |L| / h) makes their ratio meaningless.
    const double Floor = 1e-8;

    public static GradCheckResult Run(Func<Tensor[], Tensor> f, Tensor[] inputs, double tolerance = SmoothTolerance, double step = Step, int seed = 12345)
    {
        foreach (var x in inputs)
            if (x.DType != DType.Float64)
                throw new ArgumentException($"GradCheck: input {x.Shape} is {x.DType.Name()}; gradient checks run in float64");
        var leaves = inputs.Select(x => x.Detach().Clone().RequireGrad()).ToArray();
        return RunOn(() => f(leaves), leaves, tolerance, step, seed);
    }

    /// <summary>
    /// The same check on tensors that <paramref name="f"/> already uses, such as a module's parameters
    /// (<c>module.Parameters()</c>) and its input: each entry is perturbed in place and restored.
    /// They must be float64 CPU leaves with RequiresGrad.
    /// </summary>
    public static GradCheckResult RunOn(Func<Tensor> f, Tensor[] leaves, double tolerance = SmoothTolerance, double step = Step, int seed = 12345)
    {
        foreach (var x in leaves)
            if (x.DType != DType.Float64 || !x.IsLeaf || !x.RequiresGrad)
                throw new ArgumentException($"GradCheck.RunOn: tensor {x.Name ?? ""} {x.Shape} must be a float64 leaf with RequiresGrad (got {x.DType.Name()}, leaf: {x.IsLeaf})");
        var y0 = f();
        var r = new Rng(seed).Normal(y0.Shape, dtype: DType.Float64);
        Tensor Loss() => Ops.Op.Sum(f() * r);

        var analytic = Autograd.Grad([Loss()], leaves);
        // Rounding in each evaluation of L is about ε·Σ|r ⊙ f(x)| (a few ulps per term), so centered differences
        // cannot resolve a derivative better than ≈ 2ε·Σ|r ⊙ f| / h. A disagreement within that is noise, not an
        // error; without this allowance small entries of a large sum fail the relative test spuriously.
        var ry = (y0.Detach() * r).ToDoubleArray();
        double noise = 2 * 2.220446049250313e-16 * ry.Sum(Math.Abs) / step;
        double adjusted = 0, raw = -1;
        (int Input, int Flat, double A, double N) adjustedAt = (0, 0, 0, 0), rawAt = (0, 0, 0, 0);
        // the numeric side runs with recording on: f may itself take gradients (second-order checks)
        for (int k = 0; k < leaves.Length; k++)
        {
            var values = leaves[k].AsSpan<double>();
            var a = analytic[k]!.ToDoubleArray();
            for (int i = 0; i < values.Length; i++)
            {
                double orig = values[i];
                values[i] = orig + step;
                double lp = Loss().Item();
                values[i] = orig - step;
                double lm = Loss().Item();
                values[i] = orig;
                double n = (lp - lm) / (2 * step);
                double scale = Math.Max(Math.Abs(a[i]) + Math.Abs(n), Floor);
                double diff = Math.Abs(a[i] - n);
                double rel = double.IsNaN(diff) ? double.PositiveInfinity : Math.Max(0, diff - noise) / scale;
                double rawRel = double.IsNaN(diff) ? double.PositiveInfinity : diff / scale;
                if (rel > adjusted) (adjusted, adjustedAt) = (rel, (k, i, a[i], n));
                if (rawRel > raw) (raw, rawAt) = (rawRel, (k, i, a[i], n));
            }
        }
        string Where(int k, int flat) => k < leaves.Length ? Check.IndexString(leaves[k].Shape, flat) : "";
        var shown = adjusted > 0 ? adjustedAt : rawAt;
        return new GradCheckResult(adjusted <= tolerance, adjusted, tolerance, shown.Input, Where(shown.Input, shown.Flat), shown.A, shown.N,
            Math.Max(raw, 0), noise, rawAt.Input, Where(rawAt.Input, rawAt.Flat), rawAt.A, rawAt.N);
    }

    /// <summary>
    /// Checks second derivatives: the gradient of g(x) = Σ s ⊙ ∂L/∂x (built with createGraph) against centered
    /// differences of g. Needed wherever a chapter differentiates a gradient (WGAN-GP, eikonal loss).
    /// </summary>
    public static GradCheckResult RunSecondOrder(Func<Tensor[], Tensor> f, Tensor[] inputs, double tolerance = 1e-6, double step = 1e-5, int seed = 54321)
    {
        var rng = new Rng(seed);
        var directions = inputs.Select(x => rng.Normal(x.Shape, dtype: DType.Float64)).ToArray();
        Tensor G(Tensor[] xs)
        {
            var y = f(xs);
            var r = new Rng(seed + 1).Normal(y.Shape, dtype: DType.Float64);
            var grads = Autograd.Grad([Ops.Op.Sum(y * r)], xs, createGraph: true);
            Tensor total = Tensor.Scalar(0, DType.Float64);
            for (int k = 0; k < xs.Length; k++) total = total + Ops.Op.Sum(grads[k]! * directions[k]);
            return total;
        }
        return Run(G, inputs, tolerance, step, seed + 2);
    }
}
