using MachinePerception.Checks;
using MachinePerception.Ops;
using MachinePerception.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Tests.Ops;

// Op.Inverse, Op.LogAbsDet and Op.DetSign against MathNet's LU (an independent implementation), and their
// backward rules against centred differences in float64 (threshold 1e-7 first order, 1e-6 second order).
public class LinearAlgebraTests
{
    // a random matrix kept away from singularity by adding 2·I (its eigenvalues move right by 2)
    static Tensor Matrix(int n, int seed) => new Rng(seed).Normal([n, n], dtype: DType.Float64) + Tensor.Eye(n, DType.Float64) * 2;

    static Matrix<double> ToMathNet(Tensor a) =>
        Matrix<double>.Build.Dense(a.Shape[0], a.Shape[1], (i, j) => a[i, j]);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(6, 3)]
    public void Forward_matches_MathNet(int n, int seed)
    {
        var a = Matrix(n, seed);
        var reference = ToMathNet(a);
        double det = reference.Determinant();
        Assert.True(Math.Abs(Op.LogAbsDet(a).Item() - Math.Log(Math.Abs(det))) < 1e-12);
        Assert.Equal(Math.Sign(det), Op.DetSign(a));
        var inverse = Op.Inverse(a);
        var expected = reference.Inverse();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) Assert.True(Math.Abs(inverse[i, j] - expected[i, j]) < 1e-12, $"({i}, {j})");
    }

    [Fact]
    public void Sign_follows_the_row_swaps_and_the_pivots()
    {
        var swap = Tensor.FromArray([0.0, 1, 1, 0], 2, 2);               // a transposition: det −1
        Assert.Equal(-1, Op.DetSign(swap));
        Assert.Equal(0, Op.LogAbsDet(swap).Item(), 15);
        var negative = Tensor.FromArray([-2.0, 0, 0, 3], 2, 2);          // det −6
        Assert.Equal(-1, Op.DetSign(negative));
        Assert.Equal(Math.Log(6), Op.LogAbsDet(negative).Item(), 14);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var a = Matrix(4, 5);
        var r1 = GradCheck.Run(x => Op.LogAbsDet(x[0]), [a]);
        Assert.True(r1.Passed, r1.Summary);
        var r2 = GradCheck.Run(x => Op.Inverse(x[0]), [a]);
        Assert.True(r2.Passed, r2.Summary);
        // a matrix with negative determinant: ∂log|det A|/∂A = A⁻ᵀ holds for either sign
        var flipped = Op.Concat([Op.Slice(a, 0, 1, 1), Op.Slice(a, 0, 0, 1), Op.Slice(a, 0, 2, 2)], 0);
        Assert.Equal(-Op.DetSign(a), Op.DetSign(flipped));
        var r3 = GradCheck.Run(x => Op.LogAbsDet(x[0]), [flipped]);
        Assert.True(r3.Passed, r3.Summary);
    }

    [Fact]
    public void Second_order_gradients_match_finite_differences()
    {
        var a = Matrix(3, 7);
        var r1 = GradCheck.RunSecondOrder(x => Op.LogAbsDet(x[0]), [a]);
        Assert.True(r1.Passed, r1.Summary);
        var r2 = GradCheck.RunSecondOrder(x => Op.Inverse(x[0]), [a]);
        Assert.True(r2.Passed, r2.Summary);
    }

    [Fact]
    public void Bad_input_names_the_op_and_the_shape()
    {
        var e1 = Assert.Throws<ArgumentException>(() => Op.Inverse(Tensor.Zeros([2, 3], DType.Float64)));
        Assert.StartsWith("inverse", e1.Message);
        Assert.Contains("[2, 3]", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Op.LogAbsDet(Tensor.FromArray([1.0, 2, 2, 4], 2, 2)));
        Assert.StartsWith("logabsdet", e2.Message);
        Assert.Contains("singular", e2.Message);
    }
}
