using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// EG3D's tri-plane representation (§5.1; Chan et al. 2022): a 3-D feature field stored as three axis-aligned 2-D feature
/// planes, F_xy, F_xz and F_yz, each [C, R, R] over [−1, 1]². A point p = (x, y, z) is projected onto each plane, the
/// plane is sampled there bilinearly, and the three feature vectors are summed,
/// <code>f(p) = F_xy(x, y) + F_xz(x, z) + F_yz(y, z),</code>
/// then a small decoder MLP maps f(p) to a density σ(p) ≥ 0 (softplus) and a colour c(p) ∈ (0, 1)³ (sigmoid), which volume
/// rendering turns into an image. In EG3D a StyleGAN generator outputs the three planes (as 3C channels of one 2-D image);
/// here the planes are parameters fitted directly to one scene. Three R² planes cost 3R²C numbers instead of R³C for a
/// voxel grid, and 2-D convolutions can produce them.
/// </summary>
public sealed class TriPlane : Module
{
    public int Channels { get; }
    public int Resolution { get; }
    readonly Linear hidden, output;

    /// <summary>The planes [3, C, R, R]: xy, xz, yz.</summary>
    public Tensor Planes => Parameter("planes");

    public TriPlane(int channels, int resolution, int hiddenSize, Rng rng, DType dtype = DType.Float32)
    {
        if (channels < 1 || resolution < 2) throw new ArgumentException($"TriPlane: channels {channels} ≥ 1 and resolution {resolution} ≥ 2 needed");
        Channels = channels;
        Resolution = resolution;
        RegisterParameter("planes", Init.Normal([3, channels, resolution, resolution], rng, 0, 0.1, dtype));
        hidden = RegisterModule("hidden", new Linear(channels, hiddenSize, rng, dtype: dtype));
        output = RegisterModule("output", new Linear(hiddenSize, 4, rng, dtype: dtype));
    }

    /// <summary>Which two coordinates (of x, y, z) each plane uses.</summary>
    public static readonly (int U, int V)[] PlaneAxes = [(0, 1), (0, 2), (1, 2)];

    /// <summary>The summed features f(p) [P, C] of points [P, 3] in [−1, 1]³.</summary>
    public Tensor Features(Tensor points)
    {
        if (points.Rank != 2 || points.Shape[1] != 3)
            throw new ArgumentException($"TriPlane.Features: expected points [P, 3], got {points.Shape}");
        Tensor? sum = null;
        for (int k = 0; k < 3; k++)
        {
            var (u, v) = PlaneAxes[k];
            var uv = Op.Concat([Op.Slice(points, 1, u, 1), Op.Slice(points, 1, v, 1)], 1);   // [P, 2]
            var f = BilinearSample(Op.Index(Planes, 0, k), uv);                           // [P, C]
            sum = sum is null ? f : sum + f;
        }
        return sum!;
    }

    /// <summary>Density σ [P] (softplus, ≥ 0) and colour [P, 3] (sigmoid) at points [P, 3].</summary>
    public (Tensor Density, Tensor Color) Query(Tensor points)
    {
        var h = Op.Relu(hidden.Forward(Features(points)));
        var o = output.Forward(h);                                                           // [P, 4]
        return (Op.Reshape(Op.Softplus(Op.Slice(o, 1, 0, 1)), points.Shape[0]), Op.Sigmoid(Op.Slice(o, 1, 1, 3)));
    }

    /// <summary>
    /// Bilinear interpolation of a plane [C, R, R] at points uv [P, 2] in [−1, 1]² (u along the plane's second axis, v along
    /// its third; −1 and 1 are the centres of the first and last texels; points outside are clamped to the border).
    /// → [P, C]. Differentiable in the plane and in uv (within a texel the value is bilinear in (u, v); across texel
    /// edges its derivative jumps).
    /// </summary>
    public static Tensor BilinearSample(Tensor plane, Tensor uv)
    {
        if (plane.Rank != 3 || plane.Shape[1] != plane.Shape[2] || uv.Rank != 2 || uv.Shape[1] != 2)
            throw new ArgumentException($"TriPlane.BilinearSample: expected a plane [C, R, R] and points [P, 2], got {plane.Shape} and {uv.Shape}");
        int c = plane.Shape[0], r = plane.Shape[1], p = uv.Shape[0];
        // texel coordinates in [0, R − 1]
        var pos = Op.Clamp((uv + 1) * (0.5 * (r - 1)), 0, r - 1);                            // [P, 2]
        var values = pos.ToDoubleArray();
        var corner = new int[4][];
        for (int k = 0; k < 4; k++) corner[k] = new int[p];
        var floors = new double[2 * p];
        for (int i = 0; i < p; i++)
        {
            int i0 = Math.Min((int)Math.Floor(values[2 * i]), r - 2), j0 = Math.Min((int)Math.Floor(values[2 * i + 1]), r - 2);
            floors[2 * i] = i0;
            floors[2 * i + 1] = j0;
            corner[0][i] = i0 * r + j0;
            corner[1][i] = (i0 + 1) * r + j0;
            corner[2][i] = i0 * r + j0 + 1;
            corner[3][i] = (i0 + 1) * r + j0 + 1;
        }
        // fractional parts carry the gradient to uv; the integer parts are constants
        var frac = pos - Tensor.FromArray(floors, p, 2).To(uv.DType);                         // [P, 2]
        var a = Op.Slice(frac, 1, 0, 1);                                                      // [P, 1] along u
        var b = Op.Slice(frac, 1, 1, 1);                                                      // [P, 1] along v
        var texels = Op.Transpose(Op.Reshape(plane, c, r * r));                               // [R², C]
        Tensor At(int k) => Op.IndexSelect(texels, 0, corner[k]);                             // [P, C]
        return At(0) * ((1 - a) * (1 - b)) + At(1) * (a * (1 - b)) + At(2) * ((1 - a) * b) + At(3) * (a * b);
    }
}
