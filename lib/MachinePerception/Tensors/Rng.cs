namespace MachinePerception.Tensors;

/// <summary>
/// A seeded random number generator (xoshiro256**, seeded through SplitMix64) that gives the same numbers on
/// every machine and run: the book's experiments and exercises are reproducible from their seed.
/// Normals use the Box–Muller transform.
/// </summary>
public sealed class Rng
{
    ulong s0, s1, s2, s3;
    double? spareNormal;

    public Rng(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix(ref x); s1 = SplitMix(ref x); s2 = SplitMix(ref x); s3 = SplitMix(ref x);
    }

    public Rng(int seed) : this(unchecked((ulong)seed)) { }

    static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n), without modulo bias.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentException($"Rng.NextInt: n = {n} must be positive");
        ulong limit = ulong.MaxValue - ulong.MaxValue % (ulong)n;
        ulong v;
        do v = NextULong(); while (v >= limit);
        return (int)(v % (ulong)n);
    }

    /// <summary>Uniform integer in [lo, hi).</summary>
    public int NextInt(int lo, int hi) => lo + NextInt(hi - lo);

    /// <summary>A standard normal sample.</summary>
    public double NextNormal()
    {
        if (spareNormal is double s) { spareNormal = null; return s; }
        double u1 = 1.0 - NextDouble(), u2 = NextDouble(); // u1 in (0, 1]: log is finite
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A derived generator: independent stream for a sub-task, reproducible from this one.</summary>
    public Rng Fork() => new(NextULong());

    static Tensor Make(Shape shape, DType dtype, Func<double> sample)
    {
        var d = new double[shape.Size];
        for (int i = 0; i < d.Length; i++) d[i] = sample();
        var t = new Tensor(shape, new CpuStorage<double>(d));
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    /// <summary>Uniform samples in [lo, hi).</summary>
    public Tensor Uniform(Shape shape, double lo = 0, double hi = 1, DType dtype = DType.Float32) =>
        Make(shape, dtype, () => lo + (hi - lo) * NextDouble());

    /// <summary>Normal samples with the given mean and standard deviation.</summary>
    public Tensor Normal(Shape shape, double mean = 0, double std = 1, DType dtype = DType.Float32) =>
        Make(shape, dtype, () => mean + std * NextNormal());

    /// <summary>1 with probability p, else 0.</summary>
    public Tensor Bernoulli(Shape shape, double p, DType dtype = DType.Float32)
    {
        if (p is < 0 or > 1) throw new ArgumentException($"Bernoulli: p = {p} is not a probability");
        return Make(shape, dtype, () => NextDouble() < p ? 1 : 0);
    }

    /// <summary>Samples an index with probability proportional to <paramref name="weights"/> (non-negative, not all zero).</summary>
    public int Categorical(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights)
        {
            if (!(w >= 0) || double.IsInfinity(w)) throw new ArgumentException($"Categorical: weight {w} is not a finite non-negative number");
            total += w;
        }
        if (total <= 0) throw new ArgumentException("Categorical: all weights are zero");
        double u = NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u < 0) return i;
        }
        for (int i = weights.Length - 1; i >= 0; i--) if (weights[i] > 0) return i;
        return weights.Length - 1;
    }

    /// <summary>One categorical sample per row of a [rows, classes] tensor of probabilities.</summary>
    public int[] Categorical(Tensor probabilities)
    {
        if (probabilities.Rank != 2) throw new ArgumentException($"Categorical: expected [rows, classes], got {probabilities.Shape}");
        var p = probabilities.ToDoubleArray();
        int rows = probabilities.Shape[0], k = probabilities.Shape[1];
        var result = new int[rows];
        for (int r = 0; r < rows; r++) result[r] = Categorical(p.AsSpan(r * k, k));
        return result;
    }

    /// <summary>A random permutation of 0..n−1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
