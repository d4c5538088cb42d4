using MachinePerception.Autodiff;
using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Optim;
using MachinePerception.Rl;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// A learned update step (§9.3.1: "argmin is hard to find, learn F: Δθ = F(∂L_reproj/∂θ, θᵗ, x)"), on a toy scale: a
/// planar arm of three links (<see cref="KinematicChain"/>'s lengths and geometry) whose three joint angles θ must be found
/// from the observed 2-D positions x of its three joints, L(θ) = ½ Σ_j ‖p_j(θ) − x_j‖². Plain gradient descent takes
/// θᵗ⁺¹ = θᵗ − η ∂L/∂θ with one step size η for every problem and every direction; the learned update is a small MLP F
/// that sees the gradient, the current angles (as sin, cos) and the observations and outputs the step. F is trained by
/// unrolling a few steps from θ⁰ = 0 on random problems and minimising Σ_t L(θᵗ) (the gradient is fed as an input, not
/// differentiated again, as in Andrychowicz et al. 2016).
/// </summary>
public sealed class LearnedUpdate : Module
{
    readonly Sequential f;
    readonly Tensor lengths;      // [3]
    readonly Tensor cumulative;   // [3, 3] lower-triangular ones: φ = θ · Cᵀ (φ_i = θ_0 + … + θ_i)

    public KinematicChain Arm { get; }

    public LearnedUpdate(KinematicChain arm, Rng rng, int hidden = 64)
    {
        if (arm.Joints != 3) throw new ArgumentException($"LearnedUpdate: the toy arm has 3 links, got {arm.Joints}");
        Arm = arm;
        lengths = Tensor.FromArray(arm.Lengths.ToArray(), 3);
        cumulative = Tensor.FromArray(new double[] { 1, 0, 0, 1, 1, 0, 1, 1, 1 }, 3, 3);
        f = RegisterModule("f", new Sequential(new Linear(15, hidden, rng, dtype: DType.Float64), new Tanh(),
            new Linear(hidden, hidden, rng, dtype: DType.Float64), new Tanh(), new Linear(hidden, 3, rng, dtype: DType.Float64)));
    }

    /// <summary>Joint positions p_1, p_2, p_3 [B, 6] of angles θ [B, 3] (the base at the origin), as KinematicChain.JointPositions.</summary>
    public Tensor Joints(Tensor theta)
    {
        var phi = Op.MatMul(theta, cumulative, transB: true);                  // [B, 3] absolute link angles
        var dx = Op.MatMul(Op.Cos(phi) * lengths, cumulative, transB: true);   // x of joints 1..3
        var dy = Op.MatMul(Op.Sin(phi) * lengths, cumulative, transB: true);
        return Op.Reshape(Op.Stack([dx, dy], -1), theta.Shape[0], 6);          // (x₁, y₁, x₂, y₂, x₃, y₃)
    }

    /// <summary>L(θ) per problem [B].</summary>
    public Tensor Loss(Tensor theta, Tensor observed) => Op.Sum(Op.Square(Joints(theta) - observed), 1) * 0.5;

    /// <summary>∂L/∂θ [B, 3] (each problem's own gradient; no graph kept).</summary>
    public Tensor Gradient(Tensor theta, Tensor observed)
    {
        var leaf = theta.Detach().Clone().RequireGrad();
        return Autograd.Grad(Op.Sum(Loss(leaf, observed)), leaf);
    }

    /// <summary>Δθ = F(∂L/∂θ, θ, x).</summary>
    public Tensor Step(Tensor gradient, Tensor theta, Tensor observed) =>
        f.Forward(Op.Concat([gradient, Op.Sin(theta), Op.Cos(theta), observed], 1));

    /// <summary>Random problems: angles θ* uniform in ±<paramref name="range"/> and their joint positions x = p(θ*).</summary>
    public (Tensor Truth, Tensor Observed) Problems(int count, Rng rng, double range = 0.8)
    {
        var truth = rng.Uniform([count, 3], -range, range, DType.Float64);
        using var _ = Autograd.NoGrad();
        return (truth, Joints(truth));
    }

    /// <summary>Trains F by unrolling <paramref name="unroll"/> steps; returns the training loss (mean Σ_t L(θᵗ)) per iteration.</summary>
    public List<double> Train(int iterations, int batch, int unroll, Rng rng, double learningRate = 3e-3)
    {
        var optimizer = new Adam(Parameters(), learningRate);
        var losses = new List<double>();
        for (int it = 0; it < iterations; it++)
        {
            var (_, x) = Problems(batch, rng);
            var theta = Tensor.Zeros([batch, 3], DType.Float64);
            Tensor total = Tensor.Scalar(0, DType.Float64);
            for (int t = 0; t < unroll; t++)
            {
                theta = theta + Step(Gradient(theta, x), theta, x);
                total = total + Op.Mean(Loss(theta, x));
            }
            optimizer.ZeroGrad();
            total.Backward();
            optimizer.Step();
            losses.Add(total.Item() / unroll);
        }
        return losses;
    }

    /// <summary>
    /// Iterations each problem needs until L(θ) ≤ <paramref name="tolerance"/> (or <paramref name="maxIterations"/> + 1 if
    /// never), from θ⁰ = 0, with the learned step (<paramref name="stepSize"/> null) or plain gradient descent with step η.
    /// </summary>
    public int[] IterationsToConverge(Tensor observed, double tolerance, int maxIterations, double? stepSize = null)
    {
        int b = observed.Shape[0];
        var theta = Tensor.Zeros([b, 3], DType.Float64);
        var result = Enumerable.Repeat(maxIterations + 1, b).ToArray();
        for (int it = 1; it <= maxIterations; it++)
        {
            var g = Gradient(theta, observed);
            using (Autograd.NoGrad())
            {
                theta = stepSize is double eta ? theta - g * eta : theta + Step(g, theta, observed);
                var l = Loss(theta, observed).ToDoubleArray();
                for (int i = 0; i < b; i++) if (result[i] > maxIterations && l[i] <= tolerance) result[i] = it;
            }
            if (result.All(r => r <= maxIterations)) break;
        }
        return result;
    }
}
