using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// Runs an optimizer of §10.2 on a 2-parameter <see cref="TestFunction"/> and records the path of θ = (x, y), for
/// plotting on the surface's contours. θ is one float64 tensor [2], so the optimizer classes run unchanged.
/// </summary>
public static class Trajectory
{
    /// <summary>
    /// <paramref name="steps"/> updates from <see cref="TestFunction.Start"/>; returns the start and every iterate θ.
    /// Every optimizer takes <see cref="Optimizer.Step()"/> after a backward pass, except a <see cref="Nesterov"/> built
    /// with <see cref="NesterovForm.LookAheadClosure"/>, which takes Step(loss) (the gradient at θ + αv). For
    /// <see cref="NesterovForm.ShiftedParameters"/> the parameters hold θ + αv, and the path records θ = φ − αv
    /// (<see cref="Nesterov.Theta"/>): both forms trace the same θ path.
    /// </summary>
    public static IReadOnlyList<(double X, double Y)> Run(TestFunction f, Func<Tensor[], Optimizer> make, int steps)
    {
        var theta = Tensor.FromArray([f.Start.X, f.Start.Y], 2).RequireGrad();
        var optimizer = make([theta]);
        var path = new List<(double X, double Y)> { f.Start };
        for (int t = 0; t < steps; t++)
        {
            if (optimizer is Nesterov { Form: NesterovForm.LookAheadClosure } closureForm) closureForm.Step(() => f.Loss(theta));
            else
            {
                optimizer.ZeroGrad();
                f.Loss(theta).Backward();
                optimizer.Step();
            }
            var p = (optimizer is Nesterov nesterov ? nesterov.Theta(0) : theta).ToDoubleArray();
            path.Add((p[0], p[1]));
        }
        return path;
    }

    /// <summary>The distance of the path's last point to the function's minimiser.</summary>
    public static double FinalDistance(TestFunction f, IReadOnlyList<(double X, double Y)> path) =>
        Math.Sqrt(Math.Pow(path[^1].X - f.Minimum.X, 2) + Math.Pow(path[^1].Y - f.Minimum.Y, 2));
}
