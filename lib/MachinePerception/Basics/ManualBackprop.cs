using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Basics;

/// <summary>The forward pass of <see cref="ManualBackprop"/>: A[l] = a⁽ˡ⁾ (pre-activations) and Z[l] = z⁽ˡ⁾ (activations), Z[0] = x.</summary>
public sealed record ForwardPass(double[][] A, double[][] Z)
{
    /// <summary>The network's output z⁽ᴸ⁾.</summary>
    public double[] Output => Z[^1];
}

/// <summary>The backward pass: Delta[l] = δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾, and ∂L/∂W⁽ˡ⁾, ∂L/∂b⁽ˡ⁾ (index 0 unused for W and b).</summary>
public sealed record BackwardPass(double[][] Delta, double[][,] WeightGradients, double[][] BiasGradients);

/// <summary>
/// A multilayer perceptron whose gradients are written out with the δ formulas of §10, in plain loops (no autodiff), so
/// they can be set against the engine's reverse mode and against finite differences. Layer l computes
/// a⁽ˡ⁾ = W⁽ˡ⁾z⁽ˡ⁻¹⁾ + b⁽ˡ⁾, z⁽ˡ⁾ = f(a⁽ˡ⁾), with z⁽⁰⁾ = x, the hidden activation f from the table of §10.1 and the
/// identity on the last layer. With δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾:
/// <list type="bullet">
/// <item>backward inputs: δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ · ∂z⁽ˡ⁺¹⁾/∂z⁽ˡ⁾, where [∂z⁽ˡ⁺¹⁾/∂z⁽ˡ⁾]ₖⱼ = f′(a⁽ˡ⁺¹⁾)ₖ W⁽ˡ⁺¹⁾ₖⱼ;</item>
/// <item>backward weights: [∂z⁽ˡ⁾/∂W⁽ˡ⁾ᵢⱼ]ₖ = f′(a⁽ˡ⁾)ₖ z⁽ˡ⁻¹⁾ⱼ [k = i], so ∂L/∂W⁽ˡ⁾ᵢⱼ = δ⁽ˡ⁾ᵢ f′(a⁽ˡ⁾)ᵢ z⁽ˡ⁻¹⁾ⱼ
/// (the summary writes z⁽ˡ⁾ⱼ: the layer's input is meant, see the chapter's errata);</item>
/// <item>backward bias: the same without z: ∂L/∂b⁽ˡ⁾ᵢ = δ⁽ˡ⁾ᵢ f′(a⁽ˡ⁾)ᵢ.</item>
/// </list>
/// </summary>
public sealed class ManualBackprop
{
    /// <summary>Layer widths, input first: [n₀, n₁, …, n_L].</summary>
    public int[] Sizes { get; }

    /// <summary>The hidden layers' activation (the last layer is linear).</summary>
    public Activation Hidden { get; }

    /// <summary>W[l] is W⁽ˡ⁾ [n_l, n_{l−1}] (W[0] unused).</summary>
    public double[][,] W { get; }

    /// <summary>B[l] is b⁽ˡ⁾ [n_l] (B[0] unused).</summary>
    public double[][] B { get; }

    /// <summary>Weights drawn N(0, 1/n_{l−1}), biases N(0, 0.1²), from <paramref name="rng"/>.</summary>
    public ManualBackprop(int[] sizes, Activation hidden, Rng rng)
    {
        if (sizes.Length < 2 || sizes.Any(s => s <= 0))
            throw new ArgumentException($"ManualBackprop: sizes [{string.Join(", ", sizes)}] need at least two positive widths");
        Sizes = sizes;
        Hidden = hidden;
        W = new double[sizes.Length][,];
        B = new double[sizes.Length][];
        W[0] = new double[0, 0];
        B[0] = [];
        for (int l = 1; l < sizes.Length; l++)
        {
            W[l] = new double[sizes[l], sizes[l - 1]];
            for (int i = 0; i < sizes[l]; i++)
                for (int j = 0; j < sizes[l - 1]; j++) W[l][i, j] = rng.NextNormal() / Math.Sqrt(sizes[l - 1]);
            B[l] = Enumerable.Range(0, sizes[l]).Select(_ => 0.1 * rng.NextNormal()).ToArray();
        }
    }

    int Layers => Sizes.Length - 1;

    double Slope(int l, double a) => l == Layers ? 1 : Hidden.Derivative(a);

    /// <summary>a⁽ˡ⁾ = W⁽ˡ⁾z⁽ˡ⁻¹⁾ + b⁽ˡ⁾, z⁽ˡ⁾ = f(a⁽ˡ⁾), layer by layer.</summary>
    public ForwardPass Forward(double[] x)
    {
        if (x.Length != Sizes[0]) throw new ArgumentException($"ManualBackprop.Forward: input has {x.Length} entries, the network takes {Sizes[0]}");
        var a = new double[Sizes.Length][];
        var z = new double[Sizes.Length][];
        a[0] = [];
        z[0] = (double[])x.Clone();
        for (int l = 1; l <= Layers; l++)
        {
            a[l] = new double[Sizes[l]];
            z[l] = new double[Sizes[l]];
            for (int i = 0; i < Sizes[l]; i++)
            {
                double s = B[l][i];
                for (int j = 0; j < Sizes[l - 1]; j++) s += W[l][i, j] * z[l - 1][j];
                a[l][i] = s;
                z[l][i] = l == Layers ? s : Hidden.F(s);
            }
        }
        return new ForwardPass(a, z);
    }

    /// <summary>The δ recursion from δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ = <paramref name="outputGradient"/>, then the weight and bias gradients.</summary>
    public BackwardPass Backward(ForwardPass pass, double[] outputGradient)
    {
        if (outputGradient.Length != Sizes[^1])
            throw new ArgumentException($"ManualBackprop.Backward: output gradient has {outputGradient.Length} entries, the output {Sizes[^1]}");
        var delta = new double[Sizes.Length][];
        delta[Layers] = (double[])outputGradient.Clone();
        for (int l = Layers - 1; l >= 0; l--) // δ⁽ˡ⁾ⱼ = Σₖ δ⁽ˡ⁺¹⁾ₖ f′(a⁽ˡ⁺¹⁾ₖ) W⁽ˡ⁺¹⁾ₖⱼ
        {
            delta[l] = new double[Sizes[l]];
            for (int k = 0; k < Sizes[l + 1]; k++)
            {
                double dk = delta[l + 1][k] * Slope(l + 1, pass.A[l + 1][k]);
                for (int j = 0; j < Sizes[l]; j++) delta[l][j] += dk * W[l + 1][k, j];
            }
        }
        var dW = new double[Sizes.Length][,];
        var dB = new double[Sizes.Length][];
        dW[0] = new double[0, 0];
        dB[0] = [];
        for (int l = 1; l <= Layers; l++)
        {
            dW[l] = new double[Sizes[l], Sizes[l - 1]];
            dB[l] = new double[Sizes[l]];
            for (int i = 0; i < Sizes[l]; i++)
            {
                double local = delta[l][i] * Slope(l, pass.A[l][i]); // δ⁽ˡ⁾ᵢ f′(a⁽ˡ⁾)ᵢ
                dB[l][i] = local;                                     // bias: same, but no z
                for (int j = 0; j < Sizes[l - 1]; j++) dW[l][i, j] = local * pass.Z[l - 1][j];
            }
        }
        return new BackwardPass(delta, dW, dB);
    }

    /// <summary>Forward and backward for the squared error L = ½‖z⁽ᴸ⁾ − y‖², whose δ⁽ᴸ⁾ is z⁽ᴸ⁾ − y.</summary>
    public (double Loss, BackwardPass Gradients) SquaredErrorGradients(double[] x, double[] y)
    {
        var pass = Forward(x);
        if (y.Length != Sizes[^1]) throw new ArgumentException($"ManualBackprop: target has {y.Length} entries, the output {Sizes[^1]}");
        var r = pass.Output.Zip(y, (o, t) => o - t).ToArray();
        return (0.5 * r.Sum(v => v * v), Backward(pass, r));
    }

    /// <summary>
    /// Centered differences (L(θ + h) − L(θ − h))/2h of L = ½‖z⁽ᴸ⁾ − y‖² for every weight and bias, in the order of
    /// <see cref="Flatten"/>: a third computation of the same gradient, by perturbing the parameters in place.
    /// </summary>
    public double[] NumericGradients(double[] x, double[] y, double h = 1e-6)
    {
        double Loss() => SquaredErrorGradients(x, y).Loss;
        var list = new List<double>();
        double Central(Func<double> get, Action<double> set)
        {
            double orig = get();
            set(orig + h);
            double plus = Loss();
            set(orig - h);
            double minus = Loss();
            set(orig);
            return (plus - minus) / (2 * h);
        }
        for (int l = 1; l <= Layers; l++)
        {
            var (w, b) = (W[l], B[l]);
            for (int i = 0; i < Sizes[l]; i++)
                for (int j = 0; j < Sizes[l - 1]; j++)
                {
                    var (ii, jj) = (i, j);
                    list.Add(Central(() => w[ii, jj], v => w[ii, jj] = v));
                }
            for (int i = 0; i < Sizes[l]; i++)
            {
                int ii = i;
                list.Add(Central(() => b[ii], v => b[ii] = v));
            }
        }
        return [.. list];
    }

    /// <summary>
    /// The weight gradient with the summary's index as written, δ⁽ˡ⁾ᵢ f′(a⁽ˡ⁾)ᵢ z⁽ˡ⁾ⱼ (the layer's output in place of its
    /// input); defined only for a square layer. Kept to show, in the errata, that it is not the gradient.
    /// </summary>
    public double[,] WeightGradientAsWritten(ForwardPass pass, BackwardPass gradients, int l)
    {
        if (l < 1 || l > Layers || Sizes[l] != Sizes[l - 1])
            throw new ArgumentException($"ManualBackprop.WeightGradientAsWritten: layer {l} must exist and be square ({string.Join("→", Sizes)})");
        var g = new double[Sizes[l], Sizes[l]];
        for (int i = 0; i < Sizes[l]; i++)
            for (int j = 0; j < Sizes[l]; j++) g[i, j] = gradients.Delta[l][i] * Slope(l, pass.A[l][i]) * pass.Z[l][j];
        return g;
    }

    /// <summary>The parameters as float64 leaves for autodiff, in the order W⁽¹⁾, b⁽¹⁾, W⁽²⁾, b⁽²⁾, …</summary>
    public Tensor[] ParameterTensors()
    {
        var list = new List<Tensor>();
        for (int l = 1; l <= Layers; l++)
        {
            list.Add(Tensor.FromArray(W[l]).RequireGrad());
            list.Add(Tensor.FromArray(B[l], Sizes[l]).RequireGrad());
        }
        return [.. list];
    }

    /// <summary>
    /// The same network written with the engine's ops, for autodiff: <paramref name="parameters"/> as from
    /// <see cref="ParameterTensors"/>, x [n₀] → z⁽ᴸ⁾ [n_L].
    /// </summary>
    public Tensor ForwardWithOps(Tensor[] parameters, Tensor x)
    {
        if (parameters.Length != 2 * Layers) throw new ArgumentException($"ManualBackprop.ForwardWithOps: {parameters.Length} tensors for {Layers} layers");
        var z = Op.Reshape(x, [Sizes[0], 1]);                  // [n₀, 1]
        for (int l = 1; l <= Layers; l++)
        {
            var a = Op.MatMul(parameters[2 * l - 2], z) + Op.Reshape(parameters[2 * l - 1], [Sizes[l], 1]); // [n_l, 1]
            z = l == Layers ? a : Hidden.Op(a);
        }
        return Op.Reshape(z, [Sizes[^1]]);
    }

    /// <summary>Flattens gradients in the order of <see cref="ParameterTensors"/> (for comparisons).</summary>
    public static double[] Flatten(BackwardPass gradients)
    {
        var list = new List<double>();
        for (int l = 1; l < gradients.WeightGradients.Length; l++)
        {
            list.AddRange(gradients.WeightGradients[l].Cast<double>());
            list.AddRange(gradients.BiasGradients[l]);
        }
        return [.. list];
    }
}
