using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// The small volume renderer that chapter 5 needs for EG3D's tri-planes (§5.1; the full treatment is NeRF's, §8.2):
/// pinhole cameras on a sphere around the origin looking at it, samples at the middles of S equal bins of [near, far]
/// along each ray, and the compositing
/// <code>c = Σᵢ Tᵢ (1 − e^{−σᵢδ}) cᵢ + T_{S+1}·background,   Tᵢ = exp(−Σ_{j&lt;i} σⱼ δ),</code>
/// written with engine ops (the exclusive cumulative sum is a product with a strictly triangular matrix), so autodiff
/// differentiates it. Until chapter 8's renderer is on main this is the minimal piece; its compositing has the same
/// inputs and result as <c>Implicit.VolumeRendering.CompositeWithOps</c> there.
/// </summary>
public static class RayRendering
{
    /// <summary>
    /// Rays of a size×size pinhole camera at distance <paramref name="distance"/> from the origin, at the given azimuth and
    /// elevation (radians), looking at the origin with vertical field of view <paramref name="fieldOfView"/> (radians).
    /// Returns origins and unit directions, each [size², 3], pixels row by row from the top left.
    /// </summary>
    public static (Tensor Origins, Tensor Directions) CameraRays(int size, double azimuth, double elevation, double distance, double fieldOfView)
    {
        if (size < 1 || !(distance > 0) || !(fieldOfView > 0 && fieldOfView < Math.PI))
            throw new ArgumentException($"RayRendering.CameraRays: size {size} ≥ 1, distance {distance} > 0 and field of view {fieldOfView} in (0, π) needed");
        // camera centre and its orthonormal frame: forward to the origin, right horizontal, up completing the frame
        double[] eye = [distance * Math.Cos(elevation) * Math.Sin(azimuth), distance * Math.Sin(elevation), distance * Math.Cos(elevation) * Math.Cos(azimuth)];
        double[] forward = Normalize([-eye[0], -eye[1], -eye[2]]);
        double[] right = Normalize(Cross(forward, [0, 1, 0]));
        double[] up = Cross(right, forward);
        double half = Math.Tan(fieldOfView / 2);
        var origins = new double[size * size * 3];
        var directions = new double[size * size * 3];
        for (int row = 0; row < size; row++)
            for (int col = 0; col < size; col++)
            {
                double sx = ((col + 0.5) / size * 2 - 1) * half, sy = (1 - (row + 0.5) / size * 2) * half;
                var d = Normalize([forward[0] + sx * right[0] + sy * up[0], forward[1] + sx * right[1] + sy * up[1], forward[2] + sx * right[2] + sy * up[2]]);
                int k = (row * size + col) * 3;
                for (int a = 0; a < 3; a++) { origins[k + a] = eye[a]; directions[k + a] = d[a]; }
            }
        return (Tensor.FromArray(origins, size * size, 3), Tensor.FromArray(directions, size * size, 3));
    }

    /// <summary>The sample points [R·S, 3] at depths tᵢ = near + (i + ½)(far − near)/S along each of R rays, ray by ray.</summary>
    public static Tensor SamplePoints(Tensor origins, Tensor directions, double near, double far, int samples)
    {
        if (origins.Rank != 2 || origins.Shape[1] != 3 || !origins.Shape.Equals(directions.Shape))
            throw new ArgumentException($"RayRendering.SamplePoints: origins and directions must be [R, 3], got {origins.Shape} and {directions.Shape}");
        if (!(far > near) || samples < 1) throw new ArgumentException($"RayRendering.SamplePoints: need far {far} > near {near} and samples {samples} ≥ 1");
        int r = origins.Shape[0];
        var t = Tensor.FromArray(Enumerable.Range(0, samples).Select(i => near + (i + 0.5) * (far - near) / samples).ToArray(), 1, samples, 1).To(origins.DType);
        var points = Op.Unsqueeze(origins, 1) + Op.Unsqueeze(directions, 1) * t;           // [R, S, 3]
        return Op.Reshape(points, r * samples, 3);
    }

    /// <summary>
    /// Composites densities σ [R, S] (≥ 0) and values [R, S, K] with spacing δ (a number, equal bins) over a background [K]
    /// → [R, K] (see the class summary).
    /// </summary>
    public static Tensor Composite(Tensor sigma, Tensor values, double delta, Tensor background)
    {
        if (sigma.Rank != 2 || values.Rank != 3 || values.Shape[0] != sigma.Shape[0] || values.Shape[1] != sigma.Shape[1]
            || background.Rank != 1 || background.Shape[0] != values.Shape[2])
            throw new ArgumentException($"RayRendering.Composite: expected σ [R, S], values [R, S, K], background [K]; got {sigma.Shape}, {values.Shape}, {background.Shape}");
        int s = sigma.Shape[1];
        var below = new double[s * s];
        for (int j = 0; j < s; j++)
            for (int i = j + 1; i < s; i++) below[j * s + i] = 1;                                 // M[j, i] = 1 for j < i
        var optical = sigma * delta;                                                              // σᵢ δ, [R, S]
        var transmittance = Op.Exp(-Op.MatMul(optical, Tensor.FromArray(below, s, s).To(sigma.DType)));
        var weights = transmittance * (1 - Op.Exp(-optical));                                    // wᵢ = Tᵢ αᵢ
        var color = Op.Sum(Op.Unsqueeze(weights, 2) * values, 1);                                 // [R, K]
        var through = 1 - Op.Sum(weights, 1, keepDims: true);                                     // T_{S+1}, [R, 1]
        return color + through * background;
    }

    /// <summary>
    /// Renders a field (points [P, 3] → density [P], colour [P, 3]) along rays: S samples in [near, far] per ray, composited
    /// over <paramref name="background"/> [3]. → colours [R, 3].
    /// </summary>
    public static Tensor Render(Func<Tensor, (Tensor Density, Tensor Color)> field, Tensor origins, Tensor directions,
        double near, double far, int samples, Tensor background)
    {
        int r = origins.Shape[0];
        var (density, color) = field(SamplePoints(origins, directions, near, far, samples));
        return Composite(Op.Reshape(density, r, samples), Op.Reshape(color, r, samples, 3), (far - near) / samples, background);
    }

    static double[] Cross(double[] a, double[] b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

    static double[] Normalize(double[] v)
    {
        double n = Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return [v[0] / n, v[1] / n, v[2] / n];
    }
}
