using MathNet.Numerics.LinearAlgebra;

namespace MachinePerception.Basics;

/// <summary>
/// The result of <see cref="BackpropRecursion.Run"/>: Errors[l] = δ̄⁽ˡ⁾ = ∂L/∂a⁽ˡ⁾ (the error at the pre-activation),
/// WeightGradients[l] = ∂L/∂W⁽ˡ⁾ = δ̄⁽ˡ⁾ z⁽ˡ⁻¹⁾ᵀ and BiasGradients[l] = ∂L/∂b⁽ˡ⁾ = δ̄⁽ˡ⁾ (index 0 unused).
/// </summary>
public sealed record BackpropRecursionResult(Vector<double>[] Errors, Matrix<double>[] WeightGradients, Vector<double>[] BiasGradients)
{
    /// <summary>The gradients in the order of <see cref="ManualBackprop.ParameterTensors"/>: W⁽¹⁾ row by row, b⁽¹⁾, W⁽²⁾, b⁽²⁾, …</summary>
    public double[] Flatten()
    {
        var list = new List<double>();
        for (int l = 1; l < WeightGradients.Length; l++)
        {
            list.AddRange(WeightGradients[l].ToRowMajorArray());
            list.AddRange(BiasGradients[l]);
        }
        return [.. list];
    }
}

/// <summary>
/// The backward recursion of MLP backpropagation as proved in §13 (the summary names it but leaves the proof unwritten), in matrix
/// form: with a⁽ˡ⁾ = W⁽ˡ⁾z⁽ˡ⁻¹⁾ + b⁽ˡ⁾, z⁽ˡ⁾ = f(a⁽ˡ⁾) and the error δ̄⁽ˡ⁾ = ∂L/∂a⁽ˡ⁾,
/// <list type="bullet">
/// <item>output layer: δ̄⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ ⊙ f′(a⁽ᴸ⁾);</item>
/// <item>recursion: δ̄⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ̄⁽ˡ⁺¹⁾) ⊙ f′(a⁽ˡ⁾);</item>
/// <item>parameters: ∂L/∂W⁽ˡ⁾ = δ̄⁽ˡ⁾ z⁽ˡ⁻¹⁾ᵀ, ∂L/∂b⁽ˡ⁾ = δ̄⁽ˡ⁾.</item>
/// </list>
/// Many texts swap the letters (z for the pre-activation, a for the activation): then it reads
/// δˡ = (Wˡ⁺¹ᵀ δˡ⁺¹) ⊙ σ′(zˡ), ∂L/∂Wˡ = δˡ aˡ⁻¹ᵀ. The course's δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾ of <see cref="ManualBackprop"/> is the
/// same quantity one step earlier in the chain: δ̄⁽ˡ⁾ = δ⁽ˡ⁾ ⊙ f′(a⁽ˡ⁾). This class reuses the network and forward pass
/// of <see cref="ManualBackprop"/> but writes the backward pass separately, with whole vectors and matrices.
/// </summary>
public static class BackpropRecursion
{
    /// <summary>The recursion from ∂L/∂z⁽ᴸ⁾ = <paramref name="outputGradient"/> down to layer 1.</summary>
    public static BackpropRecursionResult Run(ManualBackprop net, ForwardPass pass, double[] outputGradient)
    {
        int layers = net.Sizes.Length - 1;
        if (outputGradient.Length != net.Sizes[^1])
            throw new ArgumentException($"BackpropRecursion.Run: output gradient has {outputGradient.Length} entries, the network's output {net.Sizes[^1]}");
        if (pass.A.Length != net.Sizes.Length)
            throw new ArgumentException($"BackpropRecursion.Run: the forward pass has {pass.A.Length - 1} layers, the network {layers}");
        var V = Vector<double>.Build;
        // f′(a⁽ˡ⁾); the last layer is linear (f = identity, f′ = 1)
        Vector<double> Slope(int l) => V.DenseOfArray(pass.A[l]).Map(a => l == layers ? 1.0 : net.Hidden.Derivative(a));
        var errors = new Vector<double>[layers + 1];
        var dW = new Matrix<double>[layers + 1];
        var dB = new Vector<double>[layers + 1];
        errors[layers] = V.DenseOfArray(outputGradient).PointwiseMultiply(Slope(layers));
        for (int l = layers - 1; l >= 1; l--)
        {
            var w = Matrix<double>.Build.DenseOfArray(net.W[l + 1]);                          // [n_{l+1}, n_l]
            errors[l] = w.TransposeThisAndMultiply(errors[l + 1]).PointwiseMultiply(Slope(l)); // (Wᵀ δ̄⁽ˡ⁺¹⁾) ⊙ f′(a⁽ˡ⁾)
        }
        errors[0] = V.Dense(0);
        dW[0] = Matrix<double>.Build.Dense(0, 0);
        dB[0] = V.Dense(0);
        for (int l = 1; l <= layers; l++)
        {
            dW[l] = errors[l].OuterProduct(V.DenseOfArray(pass.Z[l - 1]));                   // δ̄⁽ˡ⁾ z⁽ˡ⁻¹⁾ᵀ
            dB[l] = errors[l].Clone();
        }
        return new(errors, dW, dB);
    }
}
