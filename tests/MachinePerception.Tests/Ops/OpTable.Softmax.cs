using MachinePerception.Ops;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

public static partial class OpTable
{
    // textbook definitions, without the max shift (inputs are standard normal, so nothing overflows)
    static double[] RefSoftmax(double[] v)
    {
        var e = v.Select(Math.Exp).ToArray();
        double s = e.Sum();
        return e.Select(x => x / s).ToArray();
    }

    static double[] RefLogSoftmax(double[] v)
    {
        double lse = Math.Log(v.Select(Math.Exp).Sum());
        return v.Select(x => x - lse).ToArray();
    }

    static IEnumerable<OpCase> Softmaxes()
    {
        static OpCase Sm(string name, int[] shape, int axis, bool log) =>
            new(name, S(shape), x => log ? Op.LogSoftmax(x[0], axis) : Op.Softmax(x[0], axis),
                r => AlongAxis(r[0], axis, log ? RefLogSoftmax : RefSoftmax)) { SecondOrder = true, Float64Tolerance = 1e-12 };

        yield return Sm("softmax_last", [3, 5], -1, false);
        yield return Sm("softmax_axis0", [3, 5], 0, false);
        yield return Sm("softmax_middle", [2, 3, 4], 1, false);
        yield return Sm("softmax_vector", [6], 0, false);
        yield return Sm("log_softmax_last", [3, 5], -1, true);
        yield return Sm("log_softmax_axis0", [4, 3], 0, true);
        yield return Sm("log_softmax_middle", [2, 3, 4], 1, true);
    }
}
