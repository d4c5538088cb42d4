using MachinePerception.Ops;
using MachinePerception.Tensors;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

public static partial class OpTable
{
    static double RefSum(double[] v) { double s = 0; foreach (var x in v) s += x; return s; }
    static double RefMean(double[] v) => RefSum(v) / v.Length;
    static double RefVar(double[] v, int ddof) { double m = RefMean(v), s = 0; foreach (var x in v) s += (x - m) * (x - m); return s / (v.Length - ddof); }
    static double RefLogSumExp(double[] v) { double s = 0; foreach (var x in v) s += Math.Exp(x); return Math.Log(s); }
    static double RefArgMax(double[] v) { int k = 0; for (int i = 1; i < v.Length; i++) if (v[i] > v[k]) k = i; return k; }
    static double RefArgMin(double[] v) { int k = 0; for (int i = 1; i < v.Length; i++) if (v[i] < v[k]) k = i; return k; }

    static IEnumerable<OpCase> Reductions()
    {
        static OpCase R(string name, int[] shape, Func<Tensor, Tensor> op, int[] axes, bool keepDims, Func<double[], double> f) =>
            new(name, S(shape), x => op(x[0]), r => r[0].Reduce(axes, keepDims, f)) { Float64Tolerance = 1e-12 };

        yield return R("sum_all", [2, 3, 4], x => Op.Sum(x), [], false, RefSum) with { SecondOrder = true };
        yield return R("sum_axes_keepdims", [2, 3, 4], x => Op.Sum(x, [0, 2], keepDims: true), [0, 2], true, RefSum) with { SecondOrder = true };
        yield return R("sum_last_axis", [2, 3, 4], x => Op.Sum(x, -1), [2], false, RefSum);
        yield return R("sum_size1_axes", [2, 1, 1], x => Op.Sum(x, [1, 2]), [1, 2], false, RefSum);
        yield return R("mean_all", [3, 4], x => Op.Mean(x), [], false, RefMean) with { SecondOrder = true };
        yield return R("mean_axis_keepdims", [2, 3, 4], x => Op.Mean(x, 1, keepDims: true), [1], true, RefMean) with { SecondOrder = true };
        yield return R("max_all", [3, 4], x => Op.Max(x), [], false, v => v.Max());
        yield return R("max_axis", [2, 5, 3], x => Op.Max(x, 1), [1], false, v => v.Max());
        yield return R("max_axes_keepdims", [2, 3, 4], x => Op.Max(x, [0, 2], keepDims: true), [0, 2], true, v => v.Max());
        yield return R("min_axis", [4, 3], x => Op.Min(x, 0), [0], false, v => v.Min());
        yield return R("min_axes", [2, 3, 4], x => Op.Min(x, [1, 2]), [1, 2], false, v => v.Min());
        yield return R("argmax_axis", [3, 5], x => Op.ArgMax(x, 1), [1], false, RefArgMax) with { Gradient = false };
        yield return R("argmax_axis0_keepdims", [4, 2, 3], x => Op.ArgMax(x, 0, keepDims: true), [0], true, RefArgMax) with { Gradient = false };
        yield return R("argmin_flat", [3, 4], x => Op.ArgMin(x), [], false, RefArgMin) with { Gradient = false };
        yield return R("logsumexp_all", [3, 4], x => Op.LogSumExp(x), [], false, RefLogSumExp) with { SecondOrder = true };
        yield return R("logsumexp_axis", [3, 5], x => Op.LogSumExp(x, 1), [1], false, RefLogSumExp) with { SecondOrder = true };
        yield return R("logsumexp_axis0", [4, 6], x => Op.LogSumExp(x, 0), [0], false, RefLogSumExp) with { SecondOrder = true };
        yield return R("max_axis0_wide", [3, 9], x => Op.Max(x, 0), [0], false, v => v.Max());
        yield return R("argmin_axis0_wide", [3, 9], x => Op.ArgMin(x, 0), [0], false, RefArgMin) with { Gradient = false };
        yield return R("logsumexp_axes_keepdims", [2, 3, 4], x => Op.LogSumExp(x, [0, 2], keepDims: true), [0, 2], true, RefLogSumExp) with { SecondOrder = true };
        yield return R("variance_all", [3, 4], x => Op.Variance(x), [], false, v => RefVar(v, 0)) with { SecondOrder = true };
        yield return R("variance_axis_unbiased", [3, 5], x => Op.Variance(x, 1, unbiased: true), [1], false, v => RefVar(v, 1)) with { SecondOrder = true };
        yield return R("std_axis_unbiased", [4, 3], x => Op.Std(x, 0, unbiased: true, keepDims: true), [0], true, v => Math.Sqrt(RefVar(v, 1))) with { SecondOrder = true };
    }
}
