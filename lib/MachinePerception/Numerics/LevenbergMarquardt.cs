using MathNet.Numerics.LinearAlgebra;
using MachinePerception.Autodiff;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Numerics;

/// <summary>
/// Levenberg–Marquardt for least-squares problems min_x ½‖r(x)‖²: each step solves (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr and keeps
/// it if the cost falls (then λ shrinks, towards Gauss–Newton), else grows λ (towards a short gradient step). Used for
/// fitting body models (§9.3.1), as SMPLify does with a dogleg method. Two ways to get the Jacobian J [R, P]:
/// <list type="bullet">
/// <item><see cref="Minimize"/>: a batch of independent problems, one row of x [B, P] each; R reverse-mode sweeps of the
/// residuals [B, R], one residual index at a time (the problems are independent, so one sweep gives that row of every
/// problem's Jacobian). Best when residuals are few.</item>
/// <item><see cref="MinimizeOne"/>: one problem whose residual function evaluates many parameter vectors at once (rows of
/// [N, P]); J by central differences, all 2P perturbed copies in one batched evaluation. Best when residuals are many
/// (a scan's vertices) or the problem is small (tracking one frame).</item>
/// </list>
/// </summary>
public static class LevenbergMarquardt
{
    public sealed record Result(Tensor Parameters, double[] Cost, List<double[]> CostHistory);

    /// <param name="residuals">x [B, P] → r [B, R], differentiable (float64)</param>
    /// <param name="initial">the starting point [B, P]</param>
    /// <param name="iterations">LM steps (each one Jacobian, one tried step per problem)</param>
    /// <param name="free">which of the P parameters may change (default: all)</param>
    /// <param name="lambda">the starting damping λ</param>
    public static Result Minimize(Func<Tensor, Tensor> residuals, Tensor initial, int iterations, bool[]? free = null, double lambda = 1e-3)
    {
        if (initial.Rank != 2 || initial.DType != DType.Float64)
            throw new ArgumentException($"LevenbergMarquardt.Minimize: the start must be float64 [B, P], got {initial.DType.Name()} {initial.Shape}");
        int b = initial.Shape[0], p = initial.Shape[1];
        free ??= Enumerable.Repeat(true, p).ToArray();
        if (free.Length != p) throw new ArgumentException($"LevenbergMarquardt.Minimize: {free.Length} free flags for {p} parameters");
        var columns = Enumerable.Range(0, p).Where(i => free[i]).ToArray();
        var x = initial.ToDoubleArray();
        var lambdas = Enumerable.Repeat(lambda, b).ToArray();
        double[] Costs(double[] at)
        {
            using var _ = Autograd.NoGrad();
            var r = residuals(Tensor.FromArray(at, b, p)).ToDoubleArray();
            int rc = r.Length / b;
            return Enumerable.Range(0, b).Select(i => 0.5 * Enumerable.Range(0, rc).Sum(j => r[i * rc + j] * r[i * rc + j])).ToArray();
        }
        var cost = Costs(x);
        var history = new List<double[]> { (double[])cost.Clone() };
        for (int it = 0; it < iterations; it++)
        {
            var leaf = Tensor.FromArray(x, b, p).RequireGrad();
            var r = residuals(leaf);
            int rc = r.Shape[1];
            var rv = r.ToDoubleArray();
            var jac = new double[b, rc, columns.Length];
            for (int j = 0; j < rc; j++)
            {
                var pick = new double[b * rc];
                for (int i = 0; i < b; i++) pick[i * rc + j] = 1;
                var g = Autograd.Grad([r], [leaf], [Tensor.FromArray(pick, b, rc)])[0]!.ToDoubleArray();
                for (int i = 0; i < b; i++)
                    for (int c = 0; c < columns.Length; c++) jac[i, j, c] = g[i * p + columns[c]];
            }
            var candidate = (double[])x.Clone();
            var steps = new Vector<double>[b];
            for (int i = 0; i < b; i++)
            {
                var jm = Matrix<double>.Build.Dense(rc, columns.Length, (j, c) => jac[i, j, c]);
                var rvec = Vector<double>.Build.Dense(rc, j => rv[i * rc + j]);
                var jtj = jm.TransposeThisAndMultiply(jm);
                var jtr = jm.TransposeThisAndMultiply(rvec);
                var a = jtj.Clone();
                for (int c = 0; c < columns.Length; c++) a[c, c] += lambdas[i] * jtj[c, c] + 1e-12;
                steps[i] = a.Solve(-jtr);
                for (int c = 0; c < columns.Length; c++) candidate[i * p + columns[c]] += steps[i][c];
            }
            var newCost = Costs(candidate);
            for (int i = 0; i < b; i++)
            {
                if (newCost[i] < cost[i])
                {
                    for (int c = 0; c < p; c++) x[i * p + c] = candidate[i * p + c];
                    cost[i] = newCost[i];
                    lambdas[i] = Math.Max(lambdas[i] / 3, 1e-9);
                }
                else lambdas[i] = Math.Min(lambdas[i] * 4, 1e9);
            }
            history.Add((double[])cost.Clone());
        }
        return new Result(Tensor.FromArray(x, b, p), cost, history);
    }

    /// <summary>
    /// One problem: <paramref name="residuals"/> maps parameter rows [N, P] to residual rows [N, R] (the same problem at N points);
    /// J by central differences with step <paramref name="step"/>, evaluated as one batch of 2P rows.
    /// </summary>
    public static (double[] Parameters, double Cost, List<double> CostHistory) MinimizeOne(Func<Tensor, Tensor> residuals, double[] initial,
        int iterations, double lambda = 1e-3, double step = 1e-6)
    {
        int p = initial.Length;
        var x = (double[])initial.Clone();
        double Cost(double[] at)
        {
            using var _ = Autograd.NoGrad();
            var r = residuals(Tensor.FromArray(at, 1, p)).ToDoubleArray();
            return 0.5 * r.Sum(v => v * v);
        }
        double cost = Cost(x);
        var history = new List<double> { cost };
        for (int it = 0; it < iterations; it++)
        {
            double[] rv;
            var rows = new double[(2 * p + 1) * p];
            for (int i = 0; i <= 2 * p; i++) Array.Copy(x, 0, rows, i * p, p);
            for (int i = 0; i < p; i++) { rows[(2 * i + 1) * p + i] += step; rows[(2 * i + 2) * p + i] -= step; }
            using (Autograd.NoGrad()) rv = residuals(Tensor.FromArray(rows, 2 * p + 1, p)).ToDoubleArray();
            int rc = rv.Length / (2 * p + 1);
            var jm = Matrix<double>.Build.Dense(rc, p, (j, i) => (rv[(2 * i + 1) * rc + j] - rv[(2 * i + 2) * rc + j]) / (2 * step));
            var r0 = Vector<double>.Build.Dense(rc, j => rv[j]);
            var jtj = jm.TransposeThisAndMultiply(jm);
            var jtr = jm.TransposeThisAndMultiply(r0);
            while (true)
            {
                var a = jtj.Clone();
                for (int c = 0; c < p; c++) a[c, c] += lambda * jtj[c, c] + 1e-12;
                var delta = a.Solve(-jtr);
                var candidate = x.Select((v, i) => v + delta[i]).ToArray();
                double c2 = Cost(candidate);
                if (c2 < cost) { x = candidate; cost = c2; lambda = Math.Max(lambda / 3, 1e-9); break; }
                lambda *= 4;
                if (lambda > 1e9) break;
            }
            history.Add(cost);
        }
        return (x, cost, history);
    }
}
