using MachinePerception.Ops;
using MachinePerception.Tensors;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

public static partial class OpTable
{
    static IEnumerable<OpCase> Elementwise()
    {
        const Domain P = Domain.Positive, A = Domain.Any;
        static OpCase Un(string name, Func<Tensor, Tensor> op, Func<double, double> f, int[]? shape = null) =>
            new(name, S(shape ?? [2, 3]), x => op(x[0]), r => r[0].Map(f));
        static OpCase Bin(string name, int[] sa, int[] sb, Func<Tensor, Tensor, Tensor> op, Func<double, double, double> f) =>
            new(name, S(sa, sb), x => op(x[0], x[1]), r => Nd.Zip(r[0], r[1], f));

        // binary ops, with the broadcasting cases: scalar ⊕ tensor, [3,1] ⊕ [1,4], rank mismatch
        yield return Bin("add", [2, 3], [2, 3], Op.Add, (a, b) => a + b);
        yield return Bin("add_scalar_tensor", [], [2, 3], Op.Add, (a, b) => a + b);
        yield return Bin("add_column_row", [3, 1], [1, 4], Op.Add, (a, b) => a + b);
        yield return Bin("add_rank_mismatch", [2, 3, 4], [4], Op.Add, (a, b) => a + b);
        yield return Bin("sub", [3, 1], [3, 4], Op.Sub, (a, b) => a - b);
        yield return Bin("sub_tensor_scalar", [2, 3], [], Op.Sub, (a, b) => a - b);
        yield return Bin("mul", [2, 3], [3], Op.Mul, (a, b) => a * b) with { SecondOrder = true };
        yield return Bin("mul_column_row", [3, 1], [1, 4], Op.Mul, (a, b) => a * b) with { SecondOrder = true };
        yield return Bin("div", [2, 3], [2, 1], Op.Div, (a, b) => a / b) with { Domains = [A, P], SecondOrder = true };
        yield return Bin("div_scalar_tensor", [], [2, 3], Op.Div, (a, b) => a / b) with { Domains = [A, P], SecondOrder = true };
        yield return Bin("pow", [2, 3], [2, 3], Op.Pow, Math.Pow) with { Domains = [P, A], SecondOrder = true };
        yield return Bin("pow_broadcast_exponent", [2, 3], [3], Op.Pow, Math.Pow) with { Domains = [P, A], SecondOrder = true };
        yield return Bin("maximum", [3, 4], [4], Op.Maximum, Math.Max);
        yield return Bin("minimum", [3, 1], [3, 4], Op.Minimum, Math.Min);
        yield return Bin("greater", [3, 4], [4], Op.Greater, (a, b) => a > b ? 1 : 0) with { Gradient = false };
        yield return Bin("greater_equal", [3, 1], [3, 4], Op.GreaterEqual, (a, b) => a >= b ? 1 : 0) with { Gradient = false };
        yield return Bin("operators", [2, 3], [3],
            (a, b) => (a * 2 - b) / (1.5 + b * b) + 3 - a / 4, (a, b) => (a * 2 - b) / (1.5 + b * b) + 3 - a / 4) with { SecondOrder = true };

        // unary maps; kinked ones drawn away from the kink, so the smooth threshold applies
        yield return Un("add_scalar", x => Op.AddScalar(x, 1.5), v => v + 1.5);
        yield return Un("mul_scalar", x => Op.MulScalar(x, -2.5), v => -2.5 * v);
        yield return Un("neg", Op.Neg, v => -v);
        yield return Un("pow_scalar_int", x => Op.Pow(x, 3), v => v * v * v) with { SecondOrder = true };
        yield return Un("pow_scalar_fraction", x => Op.Pow(x, 0.5), Math.Sqrt) with { Domains = [P], SecondOrder = true };
        yield return Un("pow_scalar_negative", x => Op.Pow(x, -1.5), v => Math.Pow(v, -1.5)) with { Domains = [P], SecondOrder = true };
        yield return Un("square", Op.Square, v => v * v) with { SecondOrder = true };
        yield return Un("reciprocal", Op.Reciprocal, v => 1 / v) with { Domains = [P], SecondOrder = true };
        yield return Un("exp", Op.Exp, Math.Exp) with { SecondOrder = true };
        yield return Un("log", Op.Log, Math.Log) with { Domains = [P], SecondOrder = true };
        yield return Un("log1p", Op.Log1p, v => Math.Log(1 + v)) with { Domains = [P], SecondOrder = true };
        yield return Un("sqrt", Op.Sqrt, Math.Sqrt) with { Domains = [P], SecondOrder = true };
        yield return Un("abs", Op.Abs, Math.Abs) with { Kinks = [0] };
        yield return Un("sign", Op.Sign, v => Math.Sign(v)) with { Kinks = [0] };
        yield return Un("sin", Op.Sin, Math.Sin) with { SecondOrder = true };
        yield return Un("cos", Op.Cos, Math.Cos) with { SecondOrder = true };
        yield return Un("tanh", Op.Tanh, Math.Tanh) with { SecondOrder = true };
        yield return Un("sigmoid", Op.Sigmoid, v => 1 / (1 + Math.Exp(-v))) with { SecondOrder = true };
        yield return Un("softplus", Op.Softplus, v => Math.Log(1 + Math.Exp(v))) with { SecondOrder = true };
        yield return Un("relu", Op.Relu, v => v > 0 ? v : 0) with { Kinks = [0] };
        yield return Un("leaky_relu", x => Op.LeakyRelu(x, 0.1), v => v > 0 ? v : 0.1 * v) with { Kinks = [0] };
        yield return Un("elu", x => Op.Elu(x, 0.7), v => v > 0 ? v : 0.7 * (Math.Exp(v) - 1)) with { Kinks = [0], SecondOrder = true };
        yield return Un("clamp", x => Op.Clamp(x, -0.5, 0.5), v => Math.Min(Math.Max(v, -0.5), 0.5)) with { Kinks = [-0.5, 0.5], Shapes = S([4, 5]) };

        // where: a fixed condition [2, 1] broadcast against a [2, 3] and b [1, 3]
        var cond = Tensor.FromArray([1.0, 0.0], 2, 1);
        yield return new OpCase("where", S([2, 3], [1, 3]),
            x => Op.Where(cond.To(x[0].DType), x[0], x[1]),
            r =>
            {
                var y = Nd.Zeros(2, 3);
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 3; j++) y[i, j] = i == 0 ? r[0][i, j] : r[1][0, j];
                return y;
            })
        { SecondOrder = true };
    }
}
