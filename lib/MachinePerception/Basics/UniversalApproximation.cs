using MachinePerception.Autodiff;
using MachinePerception.Data;
using MachinePerception.Nn;
using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Basics;

/// <summary>
/// The universal approximation theorem (§10): for any continuous f on an interval and any ε &gt; 0 there is a network
/// g with one hidden layer and a nonlinear activation such that |g(x) − f(x)| &lt; ε. Two ways to see it in one
/// dimension: a ReLU network built by hand that interpolates f linearly between knots (<see cref="PiecewiseLinear"/>),
/// whose error falls like 1/width², and networks of growing width trained by gradient descent (<see cref="Fit"/>).
/// </summary>
public static class UniversalApproximation
{
    /// <summary>
    /// The one-hidden-layer ReLU network g(x) = f(x₀) + Σₖ cₖ ReLU(x − xₖ) with <paramref name="width"/> hidden units:
    /// knots x₀ &lt; … &lt; x_w evenly spaced on [lo, hi], c₀ the first segment's slope and cₖ the change of slope at xₖ.
    /// On [lo, hi] it equals the piecewise-linear interpolant of f at the knots, whose error is at most h² max|f″|/8
    /// (h the knot spacing). Returned as Linear(1 → width) → ReLU → Linear(width → 1) in float64.
    /// </summary>
    public static Sequential PiecewiseLinear(Func<double, double> f, double lo, double hi, int width)
    {
        if (width < 1 || !(hi > lo)) throw new ArgumentException($"UniversalApproximation.PiecewiseLinear: width {width} on [{lo}, {hi}]");
        var knots = Enumerable.Range(0, width + 1).Select(k => lo + (hi - lo) * k / width).ToArray();
        var slopes = Enumerable.Range(0, width).Select(k => (f(knots[k + 1]) - f(knots[k])) / (knots[k + 1] - knots[k])).ToArray();
        var rng = new Rng(0); // overwritten below: the weights are constructed, not drawn
        var hidden = new Linear(1, width, rng, dtype: DType.Float64);
        var output = new Linear(width, 1, rng, dtype: DType.Float64);
        var w1 = hidden.Weight.AsSpan<double>();
        var b1 = hidden.Bias!.AsSpan<double>();
        var w2 = output.Weight.AsSpan<double>();
        for (int k = 0; k < width; k++)
        {
            w1[k] = 1;                                            // unit k: ReLU(x − xₖ)
            b1[k] = -knots[k];
            w2[k] = k == 0 ? slopes[0] : slopes[k] - slopes[k - 1]; // cₖ
        }
        output.Bias!.AsSpan<double>()[0] = f(knots[0]);
        return new Sequential(hidden, new ReLU(), output);
    }

    /// <summary>max |g(x) − f(x)| over <paramref name="points"/> evenly spaced x in [lo, hi].</summary>
    public static double MaxError(Layer g, Func<double, double> f, double lo, double hi, int points = 2001)
    {
        var x = Enumerable.Range(0, points).Select(i => lo + (hi - lo) * i / (points - 1)).ToArray();
        var dtype = g.Parameters()[0].DType;
        double[] y;
        using (Autograd.NoGrad()) y = g.Forward(Tensor.FromArray(x, points, 1).To(dtype)).ToDoubleArray();
        return x.Select((v, i) => Math.Abs(y[i] - f(v))).Max();
    }

    /// <summary>
    /// A network Linear(1 → width) → tanh → Linear(width → 1) fitted to <paramref name="data"/> by full-batch Adam on the
    /// mean squared error for <paramref name="steps"/> steps. Returns the network and its loss after each step.
    /// </summary>
    public static (Sequential Net, double[] Losses) Fit(FunctionSamples data, int width, int steps, Rng rng, double learningRate = 0.01)
    {
        var net = new Sequential(new Linear(1, width, rng, dtype: data.X.DType), new Tanh(), new Linear(width, 1, rng, dtype: data.X.DType));
        var optimizer = new Adam(net.Parameters(), learningRate);
        var losses = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            optimizer.ZeroGrad();
            var loss = Losses.Mse(net.Forward(data.X), data.Y);
            loss.Backward();
            optimizer.Step();
            losses[t] = loss.Item();
        }
        return (net, losses);
    }
}
