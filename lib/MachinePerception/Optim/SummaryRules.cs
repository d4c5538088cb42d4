namespace MachinePerception.Optim;

/// <summary>
/// The update rules of §10.2 typed out in plain doubles on a 2-D <see cref="TestFunction"/>, with its hand-derived
/// gradient: an implementation independent of the optimizer classes (no tensors, no autodiff), so a chapter can check
/// that each class follows the summary's rule step for step. Each returns the start and every iterate.
/// </summary>
public static class SummaryRules
{
    delegate void Rule(double[] theta, double[] g, int t, int i);

    static IReadOnlyList<(double X, double Y)> Iterate(TestFunction f, int steps, Func<double[], double[]> gradientAt, Rule rule)
    {
        var theta = new[] { f.Start.X, f.Start.Y };
        var path = new List<(double X, double Y)> { f.Start };
        for (int t = 1; t <= steps; t++)
        {
            var g = gradientAt(theta);
            for (int i = 0; i < 2; i++) rule(theta, g, t, i);
            path.Add((theta[0], theta[1]));
        }
        return path;
    }

    static double[] Grad(TestFunction f, double[] p)
    {
        var (dx, dy) = f.Gradient(p[0], p[1]);
        return [dx, dy];
    }

    /// <summary>θ := θ − ε∇L(θ).</summary>
    public static IReadOnlyList<(double X, double Y)> Sgd(TestFunction f, double epsilon, int steps) =>
        Iterate(f, steps, p => Grad(f, p), (theta, g, _, i) => theta[i] -= epsilon * g[i]);

    /// <summary>Polyak: v := αv − ε∇L(θ), θ := θ + v.</summary>
    public static IReadOnlyList<(double X, double Y)> Momentum(TestFunction f, double epsilon, double alpha, int steps)
    {
        var v = new double[2];
        return Iterate(f, steps, p => Grad(f, p), (theta, g, _, i) =>
        {
            v[i] = alpha * v[i] - epsilon * g[i];
            theta[i] += v[i];
        });
    }

    /// <summary>Nesterov: v := αv − ε∇L(θ + αv), θ := θ + v.</summary>
    public static IReadOnlyList<(double X, double Y)> Nesterov(TestFunction f, double epsilon, double alpha, int steps)
    {
        var v = new double[2];
        return Iterate(f, steps, p => Grad(f, [p[0] + alpha * v[0], p[1] + alpha * v[1]]), (theta, g, _, i) =>
        {
            v[i] = alpha * v[i] - epsilon * g[i];
            theta[i] += v[i];
        });
    }

    /// <summary>AdaGrad: r := r + ∇⊙∇, Δθ = −ε/(δ + √r) ⊙ ∇.</summary>
    public static IReadOnlyList<(double X, double Y)> AdaGrad(TestFunction f, double epsilon, double delta, int steps)
    {
        var r = new double[2];
        return Iterate(f, steps, p => Grad(f, p), (theta, g, _, i) =>
        {
            r[i] += g[i] * g[i];
            theta[i] -= epsilon / (delta + Math.Sqrt(r[i])) * g[i];
        });
    }

    /// <summary>RMSProp: r := ρr + (1 − ρ)∇⊙∇, Δθ = −ε/(δ + √r) ⊙ ∇.</summary>
    public static IReadOnlyList<(double X, double Y)> RmsProp(TestFunction f, double epsilon, double rho, double delta, int steps)
    {
        var r = new double[2];
        return Iterate(f, steps, p => Grad(f, p), (theta, g, _, i) =>
        {
            r[i] = rho * r[i] + (1 - rho) * g[i] * g[i];
            theta[i] -= epsilon / (delta + Math.Sqrt(r[i])) * g[i];
        });
    }

    /// <summary>
    /// Adam: m := β₁m + (1 − β₁)∇, v := β₂v + (1 − β₂)∇⊙∇, m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), and the step
    /// −η m̂/(√v̂ + ε) — or, with <paramref name="epsilonInsideRoot"/>, the summary's −η m̂/√(v̂ + ε).
    /// </summary>
    public static IReadOnlyList<(double X, double Y)> Adam(TestFunction f, double eta, double beta1, double beta2, double epsilon,
        int steps, bool epsilonInsideRoot = false)
    {
        var m = new double[2];
        var v = new double[2];
        return Iterate(f, steps, p => Grad(f, p), (theta, g, t, i) =>
        {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.Pow(beta1, t)), vHat = v[i] / (1 - Math.Pow(beta2, t));
            theta[i] -= eta * mHat / (epsilonInsideRoot ? Math.Sqrt(vHat + epsilon) : Math.Sqrt(vHat) + epsilon);
        });
    }

    /// <summary>The largest distance between corresponding points of two paths of equal length.</summary>
    public static double MaxDistance(IReadOnlyList<(double X, double Y)> a, IReadOnlyList<(double X, double Y)> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"SummaryRules.MaxDistance: paths of {a.Count} and {b.Count} points");
        return a.Zip(b, (p, q) => Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y))).Max();
    }
}
