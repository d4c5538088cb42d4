using MachinePerception.Tensors;

namespace MachinePerception.Optim;

/// <summary>
/// Runs an optimizer of §10.2 on a 2-parameter <see cref="TestFunction"/> and records the path of θ = (x, y), for
/// plotting on the surface's contours. θ is one float64 tensor [2], so the optimizer classes run unchanged.
/// </summary>
public static class Trajectory
{
    /// <summary>
    /// <paramref name="steps"/> updates from <see cref="TestFunction.Start"/>; returns the start and every iterate.
    /// <see cref="Nesterov"/> runs in its literal form (gradient at θ + αv, parameters hold θ), the others with
    /// <see cref="Optimizer.Step()"/>.
    /// </summary>
    public static IReadOnlyList<(double X, double Y)> Run(TestFunction f, Func<Tensor[], Optimizer> make, int steps)
    {
        var theta = Tensor.FromArray([f.Start.X, f.Start.Y], 2).RequireGrad();
        var optimizer = make([theta]);
        var path = new List<(double X, double Y)> { f.Start };
        for (int t = 0; t < steps; t++)
        {
            if (optimizer is Nesterov nesterov) nesterov.Step(() => f.Loss(theta));
            else
            {
                optimizer.ZeroGrad();
                f.Loss(theta).Backward();
                optimizer.Step();
            }
            var p = theta.ToDoubleArray();
            path.Add((p[0], p[1]));
        }
        return path;
    }

    /// <summary>The distance of the path's last point to the function's minimiser.</summary>
    public static double FinalDistance(TestFunction f, IReadOnlyList<(double X, double Y)> path) =>
        Math.Sqrt(Math.Pow(path[^1].X - f.Minimum.X, 2) + Math.Pow(path[^1].Y - f.Minimum.Y, 2));
}
