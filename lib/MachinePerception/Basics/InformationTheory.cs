namespace MachinePerception.Basics;

/// <summary>
/// Entropy, cross-entropy and Kullback–Leibler divergence of discrete distributions in nats (§10), each computed from
/// its own definition so that the identity H(p, q) = H(p) + D_KL(p ‖ q) can be checked rather than assumed.
/// Terms with pᵢ = 0 contribute 0 (the limit of p log p).
/// </summary>
public static class InformationTheory
{
    /// <summary>H(p) = −Σ pᵢ log pᵢ.</summary>
    public static double Entropy(IReadOnlyList<double> p)
    {
        Validate(p, "Entropy");
        double h = 0;
        foreach (var v in p) if (v > 0) h -= v * Math.Log(v);
        return h;
    }

    /// <summary>H(p, q) = −Σ pᵢ log qᵢ: the expected code length of samples of p under a code built for q.</summary>
    public static double CrossEntropy(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        Validate(p, "CrossEntropy");
        Validate(q, "CrossEntropy");
        Same(p, q, "CrossEntropy");
        double h = 0;
        for (int i = 0; i < p.Count; i++) if (p[i] > 0) h -= p[i] * Math.Log(q[i]);
        return h;
    }

    /// <summary>D_KL(p ‖ q) = Σ pᵢ log(pᵢ/qᵢ) ≥ 0, zero only for q = p.</summary>
    public static double KlDivergence(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        Validate(p, "KlDivergence");
        Validate(q, "KlDivergence");
        Same(p, q, "KlDivergence");
        double d = 0;
        for (int i = 0; i < p.Count; i++) if (p[i] > 0) d += p[i] * Math.Log(p[i] / q[i]);
        return d;
    }

    /// <summary>A random distribution over <paramref name="k"/> outcomes (normalised exponentials of normal draws).</summary>
    public static double[] RandomDistribution(int k, Tensors.Rng rng, double spread = 1)
    {
        var w = Enumerable.Range(0, k).Select(_ => Math.Exp(spread * rng.NextNormal())).ToArray();
        double s = w.Sum();
        return w.Select(v => v / s).ToArray();
    }

    static void Validate(IReadOnlyList<double> p, string op)
    {
        if (p.Count == 0 || p.Any(v => !(v >= 0)) || Math.Abs(p.Sum() - 1) > 1e-9)
            throw new ArgumentException($"{op}: [{string.Join(", ", p.Take(6))}{(p.Count > 6 ? ", …" : "")}] is not a probability vector");
    }

    static void Same(IReadOnlyList<double> p, IReadOnlyList<double> q, string op)
    {
        if (p.Count != q.Count) throw new ArgumentException($"{op}: p has {p.Count} outcomes, q has {q.Count}");
    }
}
