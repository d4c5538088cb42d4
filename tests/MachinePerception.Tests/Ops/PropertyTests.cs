using CsCheck;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

/// <summary>Identities between ops on random shapes (CsCheck shrinks a failing shape to a small one).</summary>
public class PropertyTests
{
    // shapes of rank 1–4 with sizes 1–4, and a seed for the values
    static readonly Gen<(int[] Dims, int Seed)> Shapes = Gen.Select(Gen.Int[1, 4].Array[1, 4], Gen.Int[0, 1000]);

    static Tensor Random(int[] dims, int seed, DType dtype = DType.Float64) => new Rng(seed).Normal(dims, dtype: dtype);

    [Fact]
    public void Sum_over_all_axes_equals_summing_axes_one_at_a_time() =>
        Shapes.Sample((dims, seed) =>
        {
            var x = Random(dims, seed);
            var once = Op.Sum(x).Item();
            var y = x;
            for (int a = dims.Length - 1; a >= 0; a--) y = Op.Sum(y, a);
            Assert.Equal(once, y.Item(), 1e-12);
        }, iter: 40, threads: 1);

    [Fact]
    public void Softmax_rows_are_probability_vectors_along_any_axis() =>
        Shapes.Sample((dims, seed) =>
        {
            var x = Random(dims, seed) * 5;
            int axis = seed % dims.Length;
            var p = Op.Softmax(x, axis);
            Assert.True(p.ToDoubleArray().All(v => v >= 0 && v <= 1));
            var sums = Op.Sum(p, axis).ToDoubleArray();
            Assert.All(sums, s => Assert.Equal(1.0, s, 1e-12));
            // log-softmax is the log of softmax
            OpTest.AssertClose("log_softmax", Nd.Of(Op.Log(p)), Op.LogSoftmax(x, axis), 1e-12);
        }, iter: 40, threads: 1);

    [Fact]
    public void Concat_of_split_is_the_identity() =>
        Shapes.Sample((dims, seed) =>
        {
            var x = Random(dims, seed);
            int axis = seed % dims.Length, n = dims[axis];
            int first = seed % (n + 1);
            var parts = Op.Split(x, axis, first, n - first);
            Assert.Equal(x.ToDoubleArray(), Op.Concat(parts, axis).ToDoubleArray());
            Assert.Equal(x.ToDoubleArray(), Op.Concat(Op.Chunk(x, 1 + seed % 3, axis), axis).ToDoubleArray());
        }, iter: 40, threads: 1);

    [Fact]
    public void Permute_then_inverse_permutation_is_the_identity() =>
        Shapes.Sample((dims, seed) =>
        {
            var x = Random(dims, seed);
            var perm = new Rng(seed).Permutation(dims.Length);
            var inverse = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
            var y = Op.Permute(x, perm);
            Assert.Equal(perm.Select(p => dims[p]), y.Shape.ToArray());
            var back = Op.Permute(y, inverse);
            Assert.Equal(x.Shape, back.Shape);
            Assert.Equal(x.ToDoubleArray(), back.ToDoubleArray());
        }, iter: 40, threads: 1);

    [Fact]
    public void Max_over_several_axes_equals_max_over_each_in_turn() =>
        Shapes.Sample((dims, seed) =>
        {
            var x = Random(dims, seed);
            var all = Op.Max(x, keepDims: true);
            var y = x;
            for (int a = 0; a < dims.Length; a++) y = Op.Max(y, a, keepDims: true);
            Assert.Equal(all.Shape, y.Shape);
            Assert.Equal(all.Item(), y.Item());
            // and the max is attained: the argmax of the flattened tensor points at it
            Assert.Equal(all.Item(), x.ToDoubleArray()[(int)Op.ArgMax(x).Item()]);
        }, iter: 40, threads: 1);

    [Fact]
    public void LogSumExp_equals_max_plus_log_sum_exp_of_the_shifted_values() =>
        Shapes.Sample((dims, seed) =>
        {
            var x = Random(dims, seed) * 30;
            int axis = seed % dims.Length;
            var m = Op.Max(x, axis, keepDims: true);
            var expected = Op.Log(Op.Sum(Op.Exp(x - m), axis, keepDims: true)) + m;
            OpTest.AssertClose("logsumexp", Nd.Of(expected), Op.LogSumExp(x, axis, keepDims: true), 1e-12);
        }, iter: 40, threads: 1);

    [Fact]
    public void Broadcast_add_equals_explicit_broadcast_then_add() =>
        Shapes.Sample((dims, seed) =>
        {
            // b drops leading axes and squeezes some others to 1
            var rng = new Rng(seed);
            int drop = rng.NextInt(dims.Length);
            var bdims = dims.Skip(drop).Select(d => rng.NextDouble() < 0.5 ? 1 : d).ToArray();
            var a = Random(dims, seed);
            var b = Random(bdims, seed + 1);
            var expected = Nd.Zip(Nd.Of(a), Nd.Of(b), (u, v) => u + v);
            OpTest.AssertClose("add", expected, a + b, 0);
            OpTest.AssertClose("add (reversed)", expected, b + a, 0);
            OpTest.AssertClose("broadcast_to", expected, a + Op.BroadcastTo(b, a.Shape), 0);
        }, iter: 40, threads: 1);
}
