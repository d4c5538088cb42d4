using MachinePerception.Autodiff;
using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>The two ways of running <see cref="Nesterov"/>: what its parameters hold and which Step to call.</summary>
public enum NesterovForm
{
    /// <summary>
    /// The parameters are θ itself, exactly as the summary's rule is written; each step calls
    /// <see cref="Nesterov.Step(Func{Tensor})"/>, which evaluates the loss and its gradient at θ + αv through the closure.
    /// </summary>
    LookAheadClosure,

    /// <summary>
    /// PyTorch's form (Sutskever et al., 2013): the parameters hold the look-ahead point φ = θ + αv, so the ordinary
    /// backward pass already gives ∇L(φ) and the plain <see cref="Optimizer.Step()"/> applies the rule rewritten in φ;
    /// θ = φ − αv is <see cref="Nesterov.Theta"/>. The default, since training loops call Step().
    /// </summary>
    ShiftedParameters,
}

/// <summary>
/// Nesterov's momentum (§10.2): v ← αv − ε∇L(θ + αv), θ ← θ + v — the gradient is taken at the look-ahead
/// point θ + αv, where the velocity is about to carry the parameters. It runs in one of two named forms, chosen
/// when the optimizer is built (<see cref="NesterovForm"/>):
/// <list type="bullet">
/// <item><see cref="NesterovForm.LookAheadClosure"/>: the parameters hold θ; <see cref="Step(Func{Tensor})"/> moves
/// them to θ + αv, calls the closure to recompute the loss and its gradient there, moves them back, and applies the rule.</item>
/// <item><see cref="NesterovForm.ShiftedParameters"/>: the parameters hold φ = θ + αv. Substituting θ = φ − αv into the
/// rule gives v' = αv − ε∇L(φ) and φ' = θ' + αv' = φ + αv' − ε∇L(φ), which <see cref="Optimizer.Step()"/> applies.</item>
/// </list>
/// Both forms give the same sequence θ⁰, θ¹, … (up to rounding). Calling the other form's Step throws.
/// </summary>
public sealed class Nesterov : Optimizer
{
    /// <summary>α, the fraction of the velocity kept each step.</summary>
    public double Alpha { get; }

    /// <summary>Which form this optimizer runs in: what its parameters hold and which Step it takes.</summary>
    public NesterovForm Form { get; }

    public Nesterov(IEnumerable<Tensor> parameters, double learningRate, double alpha = 0.9, NesterovForm form = NesterovForm.ShiftedParameters)
        : base(parameters, learningRate)
    {
        if (!(alpha >= 0 && alpha < 1)) throw new ArgumentException($"Nesterov: alpha = {alpha} must be in [0, 1)");
        Alpha = alpha;
        Form = form;
    }

    void Require(NesterovForm form, string call)
    {
        if (Form != form)
            throw new InvalidOperationException($"Nesterov: {call} belongs to the form {form}, but this optimizer was built with form: {Form} " +
                "(LookAheadClosure: parameters hold θ, call Step(loss); ShiftedParameters: parameters hold θ + αv, call Step())");
    }

    /// <summary>The reformulated update (parameters hold φ = θ + αv); the gradients must be those at the parameters.</summary>
    protected override void Update(int index, Tensor phi, Tensor g)
    {
        Require(NesterovForm.ShiftedParameters, "Step()");
        var v = State(index, "velocity");
        InPlace.Scale(v, Alpha);                      // v' = αv − ε∇L(φ)
        InPlace.AddScaled(v, g, -LearningRate);
        InPlace.AddScaled(phi, v, Alpha);             // φ' = φ + αv' − ε∇L(φ)
        InPlace.AddScaled(phi, g, -LearningRate);
    }

    /// <summary>
    /// The update of the form <see cref="NesterovForm.LookAheadClosure"/>: the parameters hold θ; <paramref name="loss"/> computes the loss from the parameters
    /// (it is called once, at θ + αv, after the gradients are zeroed). Returns that loss value.
    /// </summary>
    public double Step(Func<Tensor> loss)
    {
        Require(NesterovForm.LookAheadClosure, "Step(loss)");
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

    /// <summary>θ of parameter <paramref name="index"/> (a copy): φ − αv in the form <see cref="NesterovForm.ShiftedParameters"/>, the parameter itself otherwise.</summary>
    public Tensor Theta(int index)
    {
        if (Form == NesterovForm.LookAheadClosure) return Parameters[index].Detach().Clone();
        var theta = Parameters[index].Detach().Clone();
        InPlace.AddScaled(theta, State(index, "velocity"), -Alpha);
        return theta;
    }
}
