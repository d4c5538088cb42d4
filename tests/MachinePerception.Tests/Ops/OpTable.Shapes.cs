using MachinePerception.Ops;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

public static partial class OpTable
{
    static IEnumerable<OpCase> Shapes()
    {
        // a reshape keeps the row-major order of the elements
        yield return new OpCase("reshape", S([2, 6]), x => Op.Reshape(x[0], 3, -1, 2), r => new Nd([3, 2, 2], r[0].Data)) { SecondOrder = true };
        yield return new OpCase("flatten", S([2, 3, 2]), x => Op.Flatten(x[0]), r => new Nd([12], r[0].Data));
        yield return new OpCase("permute", S([2, 3, 4]), x => Op.Permute(x[0], 2, 0, 1), r =>
        {
            var y = Nd.Zeros(4, 2, 3);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 4; k++) y[k, i, j] = r[0][i, j, k];
            return y;
        }) { SecondOrder = true };
        yield return new OpCase("transpose", S([2, 3, 4]), x => Op.Transpose(x[0]), r =>
        {
            var y = Nd.Zeros(2, 4, 3);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 4; k++) y[i, k, j] = r[0][i, j, k];
            return y;
        });
        yield return new OpCase("broadcast_to", S([3, 1]), x => Op.BroadcastTo(x[0], [2, 3, 4]), r =>
        {
            var y = Nd.Zeros(2, 3, 4);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 4; k++) y[i, j, k] = r[0][j, 0];
            return y;
        }) { SecondOrder = true };
        yield return new OpCase("sum_to", S([2, 3, 4]), x => Op.SumTo(x[0], [3, 1]), r =>
        {
            var y = Nd.Zeros(3, 1);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 4; k++) y[j, 0] += r[0][i, j, k];
            return y;
        }) { SecondOrder = true, Float64Tolerance = 1e-12 };
        yield return new OpCase("unsqueeze", S([2, 3]), x => Op.Unsqueeze(x[0], -1), r => new Nd([2, 3, 1], r[0].Data));
        yield return new OpCase("squeeze", S([2, 1, 3]), x => Op.Squeeze(x[0], 1), r => new Nd([2, 3], r[0].Data));
    }
}
