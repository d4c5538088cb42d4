namespace MachinePerception.Backends.Cuda;

/// <summary>Eight ints passed by value to a kernel (kernels cannot take managed arrays).</summary>
public struct Axes8
{
    public int A0, A1, A2, A3, A4, A5, A6, A7;

    public readonly int this[int k] => k switch { 0 => A0, 1 => A1, 2 => A2, 3 => A3, 4 => A4, 5 => A5, 6 => A6, _ => A7 };

    public void Set(int k, int v)
    {
        switch (k)
        {
            case 0: A0 = v; break;
            case 1: A1 = v; break;
            case 2: A2 = v; break;
            case 3: A3 = v; break;
            case 4: A4 = v; break;
            case 5: A5 = v; break;
            case 6: A6 = v; break;
            default: A7 = v; break;
        }
    }
}

/// <summary>
/// Maps the linear index of an element of a row-major shape to offsets in up to three strided operands
/// (broadcasting reads with stride 0; permutes and slices read with other strides). Built on the host, where
/// axes that are contiguous for every operand are merged first, so most launches see rank 1 or 2.
/// </summary>
public struct StridedIndex
{
    public const int MaxRank = 8;

    public int Rank;
    public Axes8 Dims, Stride0, Stride1, Stride2;

    /// <summary>Offsets of element <paramref name="linear"/> in operands 0, 1, 2 (peeling axes from the last).</summary>
    public readonly void Offsets(int linear, out int o0, out int o1, out int o2)
    {
        if (Rank == 1)
        {
            // the common cases (operands of one shape, or a scalar against a tensor): no division at all
            o0 = linear * Stride0.A0; o1 = linear * Stride1.A0; o2 = linear * Stride2.A0;
            return;
        }
        o0 = 0; o1 = 0; o2 = 0;
        for (int k = Rank - 1; k >= 0; k--)
        {
            int d = Dims[k];
            int i = linear % d;
            linear /= d;
            o0 += i * Stride0[k];
            o1 += i * Stride1[k];
            o2 += i * Stride2[k];
        }
    }

    /// <summary>
    /// The index for <paramref name="dims"/> and one to three stride lists (missing ones read as zeros).
    /// Size-1 axes are dropped and neighbours merged where stride[k] = stride[k+1]·dims[k+1] for every operand.
    /// </summary>
    public static StridedIndex Create(ReadOnlySpan<int> dims, int[] s0, int[]? s1 = null, int[]? s2 = null)
    {
        var d = new List<int>();
        var a = new List<int>();
        var b = new List<int>();
        var c = new List<int>();
        for (int k = 0; k < dims.Length; k++)
        {
            if (dims[k] == 1) continue;
            int sa = s0[k], sb = s1?[k] ?? 0, sc = s2?[k] ?? 0;
            int last = d.Count - 1;
            if (last >= 0 && a[last] == sa * dims[k] && b[last] == sb * dims[k] && c[last] == sc * dims[k])
            {
                d[last] *= dims[k];
                a[last] = sa; b[last] = sb; c[last] = sc;
                continue;
            }
            d.Add(dims[k]); a.Add(sa); b.Add(sb); c.Add(sc);
        }
        if (d.Count > MaxRank)
            throw new NotSupportedException($"CUDA backend: shape [{string.Join(", ", dims.ToArray())}] has {d.Count} axes that cannot be merged; kernels take at most {MaxRank}");
        var r = new StridedIndex { Rank = d.Count };
        for (int k = 0; k < d.Count; k++)
        {
            r.Dims.Set(k, d[k]);
            r.Stride0.Set(k, a[k]);
            r.Stride1.Set(k, b[k]);
            r.Stride2.Set(k, c[k]);
        }
        return r;
    }
}
