using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// Nesterov's momentum (§10.2): v ← αv − ε∇L(θ + αv), θ ← θ + v — the gradient is taken at the look-ahead
/// point θ + αv, where the velocity is about to carry the parameters. Two equivalent ways to evaluate it:
/// <list type="bullet">
/// <item><see cref="Step(Func{Tensor})"/>, literally: the parameters hold θ; the step moves them to θ + αv, calls
/// the closure to recompute the loss and its gradient there, moves them back, and applies the rule.</item>
/// <item><see cref="Optimizer.Step()"/>, the usual reformulation: the parameters hold the look-ahead point
/// φ = θ + αv itself, so the ordinary backward pass already gives ∇L(φ). Substituting θ = φ − αv into the rule
/// gives v' = αv − ε∇L(φ) and φ' = θ' + αv' = φ + αv' − ε∇L(φ). At the end, θ = φ − αv (<see cref="Theta"/>).</item>
/// </list>
/// Use one form per optimizer instance: their parameters mean different points.
/// </summary>
public sealed class Nesterov : Optimizer
{
    /// <summary>α, the fraction of the velocity kept each step.</summary>
    public double Alpha { get; }

    bool? closureForm;

    public Nesterov(IEnumerable<Tensor> parameters, double learningRate, double alpha = 0.9) : base(parameters, learningRate)
    {
        if (!(alpha >= 0 && alpha < 1)) throw new ArgumentException($"Nesterov: alpha = {alpha} must be in [0, 1)");
        Alpha = alpha;
    }

    void UseForm(bool closure)
    {
        closureForm ??= closure;
        if (closureForm != closure)
            throw new InvalidOperationException("Nesterov: Step() (parameters hold θ + αv) and Step(closure) (parameters hold θ) cannot be mixed on one optimizer");
    }

    /// <summary>The reformulated update (parameters hold φ = θ + αv); the gradients must be those at the parameters.</summary>
    protected override void Update(int index, Tensor phi, Tensor g)
    {
        UseForm(false);
        var v = State(index, "velocity");
        InPlace.Scale(v, Alpha);                      // v' = αv − ε∇L(φ)
        InPlace.AddScaled(v, g, -LearningRate);
        InPlace.AddScaled(phi, v, Alpha);             // φ' = φ + αv' − ε∇L(φ)
        InPlace.AddScaled(phi, g, -LearningRate);
    }

    /// <summary>
    /// The literal update: the parameters hold θ; <paramref name="loss"/> computes the loss from the parameters
    /// (it is called once, at θ + αv, after the gradients are zeroed). Returns that loss value.
    /// </summary>
    public double Step(Func<Tensor> loss)
    {
        UseForm(true);
        StepCount++;
        var velocities = Enumerable.Range(0, Parameters.Count).Select(i => State(i, "velocity")).ToArray();
        var saved = Parameters.Select(p => p.Clone()).ToArray(); // θ, restored exactly (θ + αv − αv may round)
        using (Autograd.NoGrad())
            for (int i = 0; i < Parameters.Count; i++) InPlace.AddScaled(Parameters[i], velocities[i], Alpha); // to θ + αv
        ZeroGrad();
        var l = loss();
        l.Backward();
        using (Autograd.NoGrad())
            for (int i = 0; i < Parameters.Count; i++)
            {
                var (theta, v) = (Parameters[i], velocities[i]);
                Backend.Get(theta.Device).Copy(saved[i], theta); // back to θ
                if (theta.Grad is not { } g) continue;
                InPlace.Scale(v, Alpha);                  // v ← αv − ε∇L(θ + αv)
                InPlace.AddScaled(v, g, -LearningRate);
                InPlace.AddScaled(theta, v, 1);           // θ ← θ + v
            }
        return l.Item();
    }

    /// <summary>For the reformulated form: θ = φ − αv of parameter <paramref name="index"/> (a copy).</summary>
    public Tensor Theta(int index)
    {
        var theta = Parameters[index].Detach().Clone();
        InPlace.AddScaled(theta, State(index, "velocity"), -Alpha);
        return theta;
    }
}
