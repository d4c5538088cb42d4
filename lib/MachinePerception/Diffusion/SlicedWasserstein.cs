using MachinePerception.Tensors;

namespace MachinePerception.Diffusion;

/// <summary>
/// The sliced Wasserstein distance between two point sets (Rabin et al. 2011): project both onto many random unit
/// directions θ, where the 1-D Wasserstein-2 distance is the distance between the sorted projections (quantile
/// functions), and average: SW₂(P, Q)² = E_θ W₂(θᵀP, θᵀQ)². A distance between sample sets that needs no density, used to
/// compare a model's samples with held-out data (§6's toy experiments). Sets of different sizes are compared at
/// common quantile levels (i + ½)/K.
/// </summary>
public static class SlicedWasserstein
{
    public static double Distance(Tensor a, Tensor b, int projections, Rng rng)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Shape[1] != b.Shape[1] || a.Shape[0] < 1 || b.Shape[0] < 1)
            throw new ArgumentException($"SlicedWasserstein.Distance: expected point sets [N, D] and [M, D], got {a.Shape} and {b.Shape}");
        if (projections < 1) throw new ArgumentException($"SlicedWasserstein.Distance: projections must be ≥ 1, got {projections}");
        int d = a.Shape[1];
        double[] pa = a.ToDoubleArray(), pb = b.ToDoubleArray();
        int levels = Math.Max(a.Shape[0], b.Shape[0]);
        double total = 0;
        var direction = new double[d];
        for (int p = 0; p < projections; p++)
        {
            double norm = 0;
            for (int k = 0; k < d; k++) { direction[k] = rng.NextNormal(); norm += direction[k] * direction[k]; }
            norm = Math.Sqrt(norm);
            for (int k = 0; k < d; k++) direction[k] /= norm;
            var qa = SortedProjection(pa, d, direction);
            var qb = SortedProjection(pb, d, direction);
            double sum = 0;
            for (int i = 0; i < levels; i++)
            {
                double level = (i + 0.5) / levels, gap = Quantile(qa, level) - Quantile(qb, level);
                sum += gap * gap;
            }
            total += sum / levels;
        }
        return Math.Sqrt(total / projections);
    }

    static double[] SortedProjection(double[] points, int d, double[] direction)
    {
        var values = new double[points.Length / d];
        for (int i = 0; i < values.Length; i++)
        {
            double s = 0;
            for (int k = 0; k < d; k++) s += points[i * d + k] * direction[k];
            values[i] = s;
        }
        Array.Sort(values);
        return values;
    }

    // the empirical quantile function of sorted values: the value at position ⌊level · n⌋
    static double Quantile(double[] sorted, double level) => sorted[Math.Min((int)(level * sorted.Length), sorted.Length - 1)];
}
