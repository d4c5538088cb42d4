using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// Thresholds of adaptive density control: a Gaussian whose mean screen-space position gradient exceeds
/// <see cref="GradientThreshold"/> is under-fitting its region; if its largest scale is at most
/// <see cref="ScaleThreshold"/> it is cloned, else split in two smaller ones (scales divided by
/// <see cref="SplitShrink"/>); one with opacity below <see cref="MinOpacity"/> is pruned. No growth beyond <see cref="MaxCount"/>.
/// </summary>
public sealed record DensitySettings(double GradientThreshold, double ScaleThreshold, double MinOpacity = 0.005, double SplitShrink = 1.6, int MaxCount = 1 << 20);

/// <summary>What one round of density control did.</summary>
public sealed record DensityChange(int Before, int Cloned, int Split, int Pruned, int After);

/// <summary>
/// Adaptive density control of 3-D Gaussian splatting (§8.3 "adaptive density control moves/clones/... points"; Kerbl
/// et al. 2023, §5.2). Every few hundred steps, Gaussians in regions that are not yet reconstructed show large
/// screen-space position gradients (the loss wants to move them). A small one sits in an under-covered region: it is
/// <b>cloned</b> (a copy, which the optimiser then moves apart). A large one covers too much: it is <b>split</b> into two
/// Gaussians drawn from it, each with its scales shrunk by 1.6. Gaussians that became nearly transparent are
/// <b>pruned</b>. The parameters are rows of tensors (means first, log-scales second), so control is row surgery: keep,
/// duplicate, replace by two, or drop, then new leaf tensors (and a fresh optimiser state for them).
/// </summary>
public static class AdaptiveDensityControl
{
    /// <summary>
    /// One round over parameter tensors that share their first axis (index 0: means [N, D], index 1: log-scales [N, D];
    /// <paramref name="opacityIndex"/>: opacity logits [N]). <paramref name="gradientNorm"/> [N] is each Gaussian's mean
    /// screen-space position-gradient norm since the last round; <paramref name="sample"/>(i, rng) draws a point from
    /// Gaussian i. Survivors keep their order, clones and split halves follow at the end.
    /// </summary>
    public static (Tensor[] Parameters, DensityChange Change) Apply(Tensor[] parameters, int opacityIndex, double[] gradientNorm,
        DensitySettings settings, Func<int, Rng, double[]> sample, Rng rng)
    {
        int n = parameters[0].Shape[0];
        if (parameters.Length < 3 || parameters.Any(p => p.Shape[0] != n) || gradientNorm.Length != n || parameters[1].Rank != 2 || parameters[opacityIndex].Rank != 1)
            throw new ArgumentException($"AdaptiveDensityControl.Apply: parameters must share their first axis N = {n} (means, log-scales, …, opacity [N]) with {gradientNorm.Length} gradient norms");
        var rows = parameters.Select(p => p.Detach().ToDoubleArray()).ToArray();
        var width = parameters.Select(p => p.Size / Math.Max(1, n)).ToArray();
        int d = parameters[0].Shape[1];
        var output = parameters.Select(_ => new List<double>()).ToArray();
        var appended = parameters.Select(_ => new List<double>()).ToArray();
        int cloned = 0, split = 0, pruned = 0, count = n;
        for (int i = 0; i < n; i++)
        {
            double opacity = 1 / (1 + Math.Exp(-rows[opacityIndex][i]));
            if (opacity < settings.MinOpacity) { pruned++; count--; continue; }
            for (int p = 0; p < parameters.Length; p++) output[p].AddRange(rows[p].AsSpan(i * width[p], width[p]).ToArray());
            if (!(gradientNorm[i] > settings.GradientThreshold) || count >= settings.MaxCount) continue;
            double largest = Enumerable.Range(0, d).Max(k => Math.Exp(rows[1][i * d + k]));
            if (largest <= settings.ScaleThreshold)
            {
                for (int p = 0; p < parameters.Length; p++) appended[p].AddRange(rows[p].AsSpan(i * width[p], width[p]).ToArray());
                cloned++;
                count++;
            }
            else
            {
                // replace by two draws from it with shrunk scales: overwrite the kept row, append the second
                int at = output[0].Count - d;
                var first = sample(i, rng);
                var second = sample(i, rng);
                for (int k = 0; k < d; k++) output[0][at + k] = first[k];
                for (int k = 0; k < d; k++) output[1][at + k] -= Math.Log(settings.SplitShrink);
                for (int p = 0; p < parameters.Length; p++)
                {
                    var row = rows[p].AsSpan(i * width[p], width[p]).ToArray();
                    if (p == 0) row = second;
                    if (p == 1) for (int k = 0; k < d; k++) row[k] -= Math.Log(settings.SplitShrink);
                    appended[p].AddRange(row);
                }
                split++;
                count++;
            }
        }
        int after = output[0].Count / d + appended[0].Count / d;
        var result = new Tensor[parameters.Length];
        for (int p = 0; p < parameters.Length; p++)
        {
            var shape = parameters[p].Shape.ToArray();
            shape[0] = after;
            result[p] = Tensor.FromArray([.. output[p], .. appended[p]], shape).To(parameters[p].DType).RequireGrad();
        }
        return (result, new DensityChange(n, cloned, split, pruned, after));
    }
}
