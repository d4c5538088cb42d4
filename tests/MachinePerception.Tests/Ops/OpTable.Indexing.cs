using MachinePerception.Ops;
using MachinePerception.Tensors;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

public static partial class OpTable
{
    /// <summary>Reference slice: y[..., j, ...] = x[..., start + j·step, ...] along axis a.</summary>
    static Nd RefSlice(Nd x, int a, int start, int length, int step)
    {
        var shape = (int[])x.Shape.Clone();
        shape[a] = length;
        var y = Nd.Zeros(shape);
        foreach (var idx in Nd.Indices(shape))
        {
            var src = (int[])idx.Clone();
            src[a] = start + idx[a] * step;
            y[idx] = x[src];
        }
        return y;
    }

    /// <summary>Reference concatenation along axis a: each output index reads the part its position falls in.</summary>
    static Nd RefConcat(Nd[] parts, int a)
    {
        var shape = (int[])parts[0].Shape.Clone();
        shape[a] = parts.Sum(p => p.Shape[a]);
        var y = Nd.Zeros(shape);
        foreach (var idx in Nd.Indices(shape))
        {
            int pos = idx[a], k = 0;
            while (pos >= parts[k].Shape[a]) pos -= parts[k++].Shape[a];
            var src = (int[])idx.Clone();
            src[a] = pos;
            y[idx] = parts[k][src];
        }
        return y;
    }

    static IEnumerable<OpCase> Indexing()
    {
        yield return new OpCase("slice", S([5, 4]), x => Op.Slice(x[0], 0, 1, 3), r => RefSlice(r[0], 0, 1, 3, 1)) { SecondOrder = true };
        yield return new OpCase("slice_step", S([3, 7]), x => Op.Slice(x[0], 1, 1, 3, step: 2), r => RefSlice(r[0], 1, 1, 3, 2)) { SecondOrder = true };
        yield return new OpCase("slice_negative_start", S([2, 3, 5]), x => Op.Slice(x[0], -1, -2, 2), r => RefSlice(r[0], 2, 3, 2, 1));
        yield return new OpCase("slice_empty", S([3, 4]), x => Op.Slice(x[0], 1, 2, 0), r => Nd.Zeros(3, 0));
        yield return new OpCase("index", S([3, 4, 2]), x => Op.Index(x[0], 1, 2), r =>
        {
            var y = Nd.Zeros(3, 2);
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < 2; k++) y[i, k] = r[0][i, 2, k];
            return y;
        }) { SecondOrder = true };
        yield return new OpCase("index_last_to_scalar", S([4]), x => Op.Index(x[0], 0, -1), r => new Nd([], [r[0][3]]));
        yield return new OpCase("split_middle_piece", S([2, 6]), x => Op.Split(x[0], 1, 1, 3, 2)[1], r => RefSlice(r[0], 1, 1, 3, 1)) { SecondOrder = true };
        yield return new OpCase("chunk_last_piece", S([7, 2]), x => Op.Chunk(x[0], 3)[2], r => RefSlice(r[0], 0, 6, 1, 1));

        int[] picks = [4, 0, 4, 2];
        yield return new OpCase("index_select_rows", S([5, 3]), x => Op.IndexSelect(x[0], 0, picks), r =>
        {
            var y = Nd.Zeros(picks.Length, 3);
            for (int j = 0; j < picks.Length; j++)
                for (int c = 0; c < 3; c++) y[j, c] = r[0][picks[j], c];
            return y;
        }) { SecondOrder = true };
        yield return new OpCase("index_select_middle", S([2, 4, 3]), x => Op.IndexSelect(x[0], 1, [3, 1]), r =>
        {
            var y = Nd.Zeros(2, 2, 3);
            int[] p = [3, 1];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    for (int k = 0; k < 3; k++) y[i, j, k] = r[0][i, p[j], k];
            return y;
        });

        // gather along axis 1 of [3, 4] with a [3, 2] index (repeats allowed)
        double[,] gi = { { 3, 0 }, { 1, 1 }, { 2, 3 } };
        var gatherIndex = Tensor.FromArray(gi);
        yield return new OpCase("gather", S([3, 4]), x => Op.Gather(x[0], 1, gatherIndex.To(x[0].DType)), r =>
        {
            var y = Nd.Zeros(3, 2);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++) y[i, j] = r[0][i, (int)gi[i, j]];
            return y;
        }) { SecondOrder = true };

        // scatter-add along axis 0 of y [4, 3] from src [3, 3]; two sources land on row 2 of column 0
        double[,] si = { { 2, 0, 3 }, { 2, 1, 3 }, { 0, 0, 0 } };
        var scatterIndex = Tensor.FromArray(si);
        yield return new OpCase("scatter_add", S([4, 3], [3, 3]), x => Op.ScatterAdd(x[0], 0, scatterIndex.To(x[0].DType), x[1]), r =>
        {
            var y = new Nd([4, 3], (double[])r[0].Data.Clone());
            for (int j = 0; j < 3; j++)
                for (int c = 0; c < 3; c++) y[(int)si[j, c], c] += r[1][j, c];
            return y;
        }) { SecondOrder = true };

        // PyTorch's rule: the index may be shorter than x on the other axes (here axis 1: 2 of 4 columns)
        double[,] gs = { { 2, 0 }, { 2, 2 } };
        var gatherSmall = Tensor.FromArray(gs);
        yield return new OpCase("gather_short_index", S([3, 4]), x => Op.Gather(x[0], 0, gatherSmall.To(x[0].DType)), r =>
        {
            var y = Nd.Zeros(2, 2);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) y[i, j] = r[0][(int)gs[i, j], j];
            return y;
        }) { SecondOrder = true };
        double[,] ss = { { 1, 1 }, { 0, 2 } };
        var scatterSmall = Tensor.FromArray(ss);
        yield return new OpCase("scatter_add_short_index", S([3, 4], [2, 2]), x => Op.ScatterAdd(x[0], 1, scatterSmall.To(x[0].DType), x[1]), r =>
        {
            var y = new Nd([3, 4], (double[])r[0].Data.Clone());
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) y[i, (int)ss[i, j]] += r[1][i, j];
            return y;
        }) { SecondOrder = true };

        yield return new OpCase("concat_axis0", S([2, 3], [1, 3], [4, 3]), x => Op.Concat(x, 0), r => RefConcat(r, 0)) { SecondOrder = true };
        yield return new OpCase("concat_axis1", S([2, 1], [2, 3]), x => Op.Concat(x, 1), r => RefConcat(r, 1)) { SecondOrder = true };
        yield return new OpCase("concat_with_empty", S([2, 0], [2, 3]), x => Op.Concat(x, -1), r => RefConcat(r, 1));
        yield return new OpCase("stack_axis1", S([2, 3], [2, 3]), x => Op.Stack(x, 1), r =>
            RefConcat([r[0].Reshape(2, 1, 3), r[1].Reshape(2, 1, 3)], 1)) { SecondOrder = true };

        yield return new OpCase("pad", S([2, 3]), x => Op.Pad(x[0], [(1, 2), (0, 1)], 0.5), r =>
        {
            var y = Nd.Zeros(5, 4).Map(_ => 0.5);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) y[i + 1, j] = r[0][i, j];
            return y;
        }) { SecondOrder = true };
        yield return new OpCase("pad_last_axes", S([2, 2, 3]), x => Op.Pad(x[0], [(0, 1), (2, 0)]), r =>
        {
            var y = Nd.Zeros(2, 3, 5);
            for (int n = 0; n < 2; n++)
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 3; j++) y[n, i, j + 2] = r[0][n, i, j];
            return y;
        });

        // masked fill with a [1, 4] mask over [3, 4]: columns 1 and 3 become −3
        var mask = Tensor.FromArray([0.0, 1, 0, 1], 1, 4);
        yield return new OpCase("masked_fill", S([3, 4]), x => Op.MaskedFill(x[0], mask, -3), r =>
        {
            var y = new Nd([3, 4], (double[])r[0].Data.Clone());
            for (int i = 0; i < 3; i++) { y[i, 1] = -3; y[i, 3] = -3; }
            return y;
        });
    }
}
