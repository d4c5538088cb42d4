using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Basics;

/// <summary>
/// One row of the activation table of §10.1: the function as a tensor op (differentiable by autodiff), and, written
/// independently in plain doubles, f and the summary's formula for f′, with the range f(ℝ) and whether its ends are
/// attained.
/// </summary>
/// <param name="Name">sigmoid, tanh or ReLU.</param>
/// <param name="Op">f as a tensor op (the engine's, with its own backward rule).</param>
/// <param name="F">f(x) from the table's formula.</param>
/// <param name="Derivative">f′(x) from the table's formula (in terms of f where the table writes it so).</param>
/// <param name="RangeText">f(ℝ) as the table writes it.</param>
/// <param name="Low">Lower end of the range.</param>
/// <param name="High">Upper end of the range.</param>
/// <param name="LowAttained">True when f reaches <paramref name="Low"/> ([0, ∞) for ReLU).</param>
public sealed record Activation(string Name, Func<Tensor, Tensor> Op, Func<double, double> F, Func<double, double> Derivative,
    string RangeText, double Low, double High, bool LowAttained)
{
    public override string ToString() => Name;
}

/// <summary>The three activations of the table in §10.1.</summary>
public static class ActivationTable
{
    static double Sigma(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>σ(x) = 1/(1 + e^{−x}), σ′ = σ(1 − σ), range (0, 1).</summary>
    public static readonly Activation Sigmoid = new("sigmoid", Ops.Op.Sigmoid, Sigma, x => Sigma(x) * (1 - Sigma(x)), "(0, 1)", 0, 1, false);

    /// <summary>tanh x = (eˣ − e^{−x})/(eˣ + e^{−x}), tanh′ = 1 − tanh², range (−1, 1).</summary>
    public static readonly Activation Tanh = new("tanh", Ops.Op.Tanh,
        x => x > 20 ? 1 : x < -20 ? -1 : (Math.Exp(x) - Math.Exp(-x)) / (Math.Exp(x) + Math.Exp(-x)),
        x => 1 - Math.Tanh(x) * Math.Tanh(x), "(−1, 1)", -1, 1, false);

    /// <summary>ReLU(x) = max(0, x), ReLU′ = [x ≥ 0] as the table writes it (any value in [0, 1] at the kink x = 0), range [0, ∞).</summary>
    public static readonly Activation ReLU = new("ReLU", Ops.Op.Relu, x => Math.Max(0, x), x => x >= 0 ? 1 : 0, "[0, ∞)", 0, double.PositiveInfinity, true);

    /// <summary>The table's rows in its order.</summary>
    public static IReadOnlyList<Activation> All { get; } = [Sigmoid, Tanh, ReLU];
}
