namespace MachinePerception.Optim;

/// <summary>
/// A learning rate as a function of the step number (0-based): set <c>optimizer.LearningRate = schedule.At(step)</c>
/// before each step. Schedules are pure functions, so a plot of the schedule is the schedule.
/// </summary>
public abstract class LearningRateSchedule
{
    public abstract double At(int step);

    /// <summary>Applies the rate for <paramref name="step"/> to an optimizer; returns it.</summary>
    public double Apply(Optimizer optimizer, int step) => optimizer.LearningRate = At(step);

    protected static void NonNegative(string name, int step)
    {
        if (step < 0) throw new ArgumentException($"{name}: step {step} must be ≥ 0");
    }
}

/// <summary>Step decay: η₀ · γ^⌊step / stepSize⌋ (the rate drops by γ every stepSize steps).</summary>
public sealed class StepDecay(double baseRate, int stepSize, double gamma) : LearningRateSchedule
{
    public override double At(int step)
    {
        NonNegative("StepDecay", step);
        if (stepSize <= 0) throw new ArgumentException($"StepDecay: stepSize = {stepSize} must be positive");
        return baseRate * Math.Pow(gamma, step / stepSize);
    }
}

/// <summary>Exponential decay: η₀ · γ^step.</summary>
public sealed class ExponentialDecay(double baseRate, double gamma) : LearningRateSchedule
{
    public override double At(int step)
    {
        NonNegative("ExponentialDecay", step);
        return baseRate * Math.Pow(gamma, step);
    }
}

/// <summary>Cosine annealing: η_min + ½(η₀ − η_min)(1 + cos(π·step/T)) for step ≤ T, then η_min.</summary>
public sealed class CosineDecay(double baseRate, int totalSteps, double minRate = 0) : LearningRateSchedule
{
    public override double At(int step)
    {
        NonNegative("CosineDecay", step);
        if (totalSteps <= 0) throw new ArgumentException($"CosineDecay: totalSteps = {totalSteps} must be positive");
        double progress = Math.Min(step, totalSteps) / (double)totalSteps;
        return minRate + 0.5 * (baseRate - minRate) * (1 + Math.Cos(Math.PI * progress));
    }
}

/// <summary>
/// Linear warm-up: the rate rises linearly, (step + 1)/warmupSteps of the schedule <paramref name="after"/>'s rate, over the
/// first warmupSteps steps, then follows <paramref name="after"/> (counted from the end of the warm-up).
/// Small first steps keep Adam's early, noisy moment estimates from throwing the weights far.
/// </summary>
public sealed class LinearWarmup(int warmupSteps, LearningRateSchedule after) : LearningRateSchedule
{
    public override double At(int step)
    {
        NonNegative("LinearWarmup", step);
        if (warmupSteps < 0) throw new ArgumentException($"LinearWarmup: warmupSteps = {warmupSteps} must be ≥ 0");
        return step < warmupSteps ? after.At(0) * (step + 1) / warmupSteps : after.At(step - warmupSteps);
    }
}

/// <summary>A constant rate (the identity schedule, e.g. after a warm-up).</summary>
public sealed class ConstantRate(double rate) : LearningRateSchedule
{
    public override double At(int step) => rate;
}
