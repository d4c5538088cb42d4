using MachinePerception.Autodiff;
using MachinePerception.Numerics;
using MachinePerception.Ops;

namespace MachinePerception.Implicit;

/// <summary>Where a ray p(d) = r₀ + d·w first meets the level set f(p) = τ: the depth d̂ and the point p̂.</summary>
public sealed record RayHit(double Depth, double[] Point);

/// <summary>
/// The depth of a surface along a ray, and its derivative by implicit differentiation (§8 DVR, proved in §13
/// "DVR backward pass", Niemeyer et al. 2020). The surface is the level set f_θ(p) = τ of a field (occupancy with
/// τ = ½, a signed distance with τ = 0, …). Forward: march along the ray to the first sign change of f − τ and refine
/// it with the secant method (§14). Backward: differentiating f_θ(r₀ + d̂(θ) w) = τ with respect to θ gives
/// ∂f/∂θ + (∂f/∂p · w) ∂d̂/∂θ = 0, so ∂d̂/∂θ = −(∂f/∂p · w)⁻¹ ∂f/∂θ: no backpropagation through the root finder's
/// iterations is needed, only the field's gradients at the surface point.
/// </summary>
public static class RayDepth
{
    /// <summary>
    /// The first crossing of <paramref name="level"/> by f(r₀ + d·w) for d in [near, far]: <paramref name="steps"/> equal
    /// steps to bracket it, then the secant method inside the bracket (bisection if a secant step leaves it). Null
    /// when the ray misses.
    /// </summary>
    public static RayHit? Find(Func<double[], double> field, double level, double[] origin, double[] direction, double near, double far, int steps = 64)
    {
        CheckRay(origin, direction, "RayDepth.Find");
        if (!(far > near) || steps < 1) throw new ArgumentException($"RayDepth.Find: need near < far and steps ≥ 1, got [{near}, {far}] with {steps} steps");
        double G(double d) => field(At(origin, direction, d)) - level;
        double d0 = near, g0 = G(near);
        for (int i = 1; i <= steps; i++)
        {
            double d1 = near + (far - near) * i / steps, g1 = G(d1);
            if (g0 == 0) return new(d0, At(origin, direction, d0));
            if (g0 * g1 < 0)
            {
                var secant = RootFinding.Secant(G, d0, d1);
                double d = secant.Converged && secant.Root >= d0 && secant.Root <= d1
                    ? secant.Root
                    : RootFinding.Bisection(G, d0, d1).Root;
                return new(d, At(origin, direction, d));
            }
            (d0, g0) = (d1, g1);
        }
        return g0 == 0 ? new(d0, At(origin, direction, d0)) : null;
    }

    /// <summary>
    /// <see cref="Find"/> for many rays at once with a batched field (points [N, 3] → values [N], e.g. a network): all
    /// rays march in lock step, <paramref name="steps"/> + 1 samples each in one batch, to the first sample pair where
    /// f − level goes from positive to negative (entering the surface from outside); the bracket is then narrowed by
    /// <paramref name="refinements"/> rounds of regula falsi (the secant step kept inside the bracket, Illinois variant) (every ray
    /// evaluated together each round). Returns per ray the depth (NaN when it misses) and the sample depth where f was
    /// smallest (where a missed surface comes closest: what a mask loss pushes).
    /// </summary>
    public static (double[] Depth, double[] Closest) FindAll(Func<Tensor, Tensor> field, double level, double[] origins, double[] directions,
        double near, double far, int steps = 64, int refinements = 10, Tensors.DType dtype = Tensors.DType.Float32)
    {
        int r = origins.Length / 3;
        if (origins.Length != 3 * r || directions.Length != 3 * r) throw new ArgumentException($"RayDepth.FindAll: origins [{origins.Length}] and directions [{directions.Length}] must both be [R·3]");
        if (!(far > near) || steps < 1) throw new ArgumentException($"RayDepth.FindAll: need near < far and steps ≥ 1, got [{near}, {far}] with {steps} steps");
        double[] Evaluate(double[] t, int perRay)
        {
            var pts = new double[r * perRay * 3];
            for (int i = 0; i < r; i++)
                for (int k = 0; k < perRay; k++)
                    for (int a = 0; a < 3; a++) pts[(i * perRay + k) * 3 + a] = origins[3 * i + a] + t[i * perRay + k] * directions[3 * i + a];
            using var _ = Autograd.NoGrad();
            var f = field(Tensor.FromArray(pts, r * perRay, 3).To(dtype)).ToDoubleArray();
            if (f.Length != r * perRay) throw new ArgumentException($"RayDepth.FindAll: the field mapped [{r * perRay}, 3] points to {f.Length} values");
            return f;
        }
        int m = steps + 1;
        var ts = new double[r * m];
        for (int i = 0; i < r; i++)
            for (int k = 0; k < m; k++) ts[i * m + k] = near + (far - near) * k / steps;
        var fs = Evaluate(ts, m);
        var depth = new double[r];
        var closest = new double[r];
        var lo = new double[r];
        var hi = new double[r];
        var flo = new double[r];
        var fhi = new double[r];
        var bracketed = new bool[r];
        for (int i = 0; i < r; i++)
        {
            depth[i] = double.NaN;
            int best = 0;
            for (int k = 0; k < m; k++) if (fs[i * m + k] < fs[i * m + best]) best = k;
            closest[i] = ts[i * m + best];
            for (int k = 0; k + 1 < m; k++)
            {
                double g0 = fs[i * m + k] - level, g1 = fs[i * m + k + 1] - level;
                if (g0 > 0 && g1 <= 0)
                {
                    (lo[i], hi[i], flo[i], fhi[i], bracketed[i]) = (ts[i * m + k], ts[i * m + k + 1], g0, g1, true);
                    break;
                }
            }
        }
        var mid = new double[r];
        var side = new int[r];
        for (int round = 0; round < refinements; round++)
        {
            for (int i = 0; i < r; i++)
                mid[i] = bracketed[i] && flo[i] != fhi[i] ? lo[i] - flo[i] * (hi[i] - lo[i]) / (fhi[i] - flo[i]) : 0.5 * (lo[i] + hi[i]);
            var fm = Evaluate(mid, 1);
            for (int i = 0; i < r; i++)
            {
                if (!bracketed[i]) continue;
                double g = fm[i] - level;
                // Illinois: when the same end moves twice, halve the other end's value so the secant cannot stall there
                if (g > 0) { (lo[i], flo[i]) = (mid[i], g); if (side[i] == 1) fhi[i] *= 0.5; side[i] = 1; }
                else { (hi[i], fhi[i]) = (mid[i], g); if (side[i] == -1) flo[i] *= 0.5; side[i] = -1; }
            }
        }
        for (int i = 0; i < r; i++)
            if (bracketed[i]) depth[i] = flo[i] != fhi[i] ? lo[i] - flo[i] * (hi[i] - lo[i]) / (fhi[i] - flo[i]) : 0.5 * (lo[i] + hi[i]);
        return (depth, closest);
    }

    /// <summary>
    /// ∂d̂/∂θ = −(∂f/∂p · w)⁻¹ ∂f/∂θ from the field's gradients at the surface point: <paramref name="fieldGradientInPoint"/>
    /// = ∂f/∂p [3] and <paramref name="fieldGradientInParameters"/> = ∂f/∂θ [any length].
    /// </summary>
    public static double[] DepthGradient(double[] fieldGradientInPoint, double[] direction, double[] fieldGradientInParameters)
    {
        if (fieldGradientInPoint.Length != direction.Length)
            throw new ArgumentException($"RayDepth.DepthGradient: ∂f/∂p has {fieldGradientInPoint.Length} entries, w has {direction.Length}");
        double slope = Dot(fieldGradientInPoint, direction);
        CheckSlope(slope, "RayDepth.DepthGradient");
        return fieldGradientInParameters.Select(g => -g / slope).ToArray();
    }

    /// <summary>
    /// The depths of N rays as a tensor [N] whose autodiff gradient is the implicit one, for training a field with the
    /// engine (§8). <paramref name="field"/> maps points [N, 3] to values [N] and may read any parameter tensors. With
    /// s_n = ∂f/∂p(p̂_n) · w_n (computed once, then held constant) it returns d̂_n − (f_θ(p̂_n) − τ)/s_n: its value is
    /// d̂_n (f(p̂_n) = τ up to the root's tolerance) and its derivative in θ is −∂f/∂θ / s_n. Also returns the surface
    /// points p̂ = r₀ + d̂ w [N, 3] as a tensor carrying the same gradient (for a texture field evaluated there).
    /// </summary>
    public static (Tensor Depths, Tensor Points) Differentiable(Func<Tensor, Tensor> field, double level, double[,] origins, double[,] directions, double[] depths)
    {
        int n = depths.Length;
        if (origins.GetLength(0) != n || directions.GetLength(0) != n || origins.GetLength(1) != 3 || directions.GetLength(1) != 3)
            throw new ArgumentException($"RayDepth.Differentiable: origins [{origins.GetLength(0)}, {origins.GetLength(1)}] and directions [{directions.GetLength(0)}, {directions.GetLength(1)}] must both be [{n}, 3] for {n} depths");
        var pts = new double[n * 3];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 3; k++) pts[3 * i + k] = origins[i, k] + depths[i] * directions[i, k];
        var p = Tensor.FromArray(pts, n, 3).RequireGrad();
        var f = field(p);                                                        // [N]
        if (f.Rank != 1 || f.Shape[0] != n) throw new ArgumentException($"RayDepth.Differentiable: the field must map [{n}, 3] points to [{n}] values, got {f.Shape}");
        double[] dfdp = Autograd.Grad([Op.Sum(f)], [p])[0]!.ToDoubleArray();   // rows are independent: row n = ∂f/∂p at p̂_n
        var inverseSlope = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = dfdp[3 * i] * directions[i, 0] + dfdp[3 * i + 1] * directions[i, 1] + dfdp[3 * i + 2] * directions[i, 2];
            CheckSlope(s, $"RayDepth.Differentiable (ray {i})");
            inverseSlope[i] = 1 / s;
        }
        // f evaluated at the detached point: only θ's path is kept, ∂f/∂p enters through the constant s
        var fTheta = field(Tensor.FromArray(pts, n, 3));
        var depth = Tensor.FromArray(depths, n) - (fTheta - level) * Tensor.FromArray(inverseSlope, n);    // [N]
        var points = Tensor.FromArray(Flat(origins), n, 3) + Op.Reshape(depth, [n, 1]) * Tensor.FromArray(Flat(directions), n, 3);
        return (depth, points);
    }

    static double[] Flat(double[,] m) => m.Cast<double>().ToArray();

    static double[] At(double[] origin, double[] direction, double d) =>
        [origin[0] + d * direction[0], origin[1] + d * direction[1], origin[2] + d * direction[2]];

    static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    static void CheckRay(double[] origin, double[] direction, string where)
    {
        if (origin.Length != 3 || direction.Length != 3)
            throw new ArgumentException($"{where}: origin [{origin.Length}] and direction [{direction.Length}] must be 3-vectors");
        if (direction.All(v => v == 0)) throw new ArgumentException($"{where}: the direction is the zero vector");
    }

    static void CheckSlope(double slope, string where)
    {
        if (Math.Abs(slope) < 1e-12 || !double.IsFinite(slope))
            throw new ArgumentException($"{where}: ∂f/∂p · w = {slope}: the ray grazes the surface, so the depth has no derivative there");
    }
}
