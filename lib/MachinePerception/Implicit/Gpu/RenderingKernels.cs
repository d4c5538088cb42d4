using ILGPU;
using MachinePerception.Backends.Cuda;

namespace MachinePerception.Implicit.Gpu;

/// <summary>Sphere tracing of a packed <see cref="PrimitiveScene"/>: one thread per ray.</summary>
public readonly record struct SphereTraceArgs<T>(ArrayView<T> Scene, int Primitives, ArrayView<T> Origins, ArrayView<T> Directions,
    ArrayView<T> Depth, T Near, T Far, int MaxSteps, T Epsilon) where T : unmanaged;

/// <summary>The fused volume-rendering composite: σ [R·S], values [R·S·K], δ [R·S], background [K] → output [R·K].</summary>
public readonly record struct CompositeArgs<T>(ArrayView<T> Sigma, ArrayView<T> Values, ArrayView<T> Delta, ArrayView<T> Background,
    ArrayView<T> Output, int Rays, int Samples, int Channels) where T : unmanaged;

/// <summary>The hash-grid lookup: unit coordinates [N·3], table [L·T·F], level resolutions [L] → features [N·L·F].</summary>
public readonly record struct HashGridArgs<T>(ArrayView<T> Unit, ArrayView<T> Table, ArrayView<T> Resolutions, ArrayView<T> Output,
    int Points, int Levels, int TableSize, int Features) where T : unmanaged;

/// <summary>The splat rasterizer's forward pass over binned splats (<see cref="SplatBins"/>): one thread per pixel.</summary>
public readonly record struct SplatArgs<T>(ArrayView<T> Means, ArrayView<T> Conics, ArrayView<T> Opacity, ArrayView<T> Colours,
    ArrayView<T> Entries, ArrayView<T> TileStart, ArrayView<T> TileCount, ArrayView<T> Background, ArrayView<T> Image,
    int Width, int Height, int TilesX, int TileSize, int Channels, T MinAlpha, T MaxAlpha, T MinTransmittance) where T : unmanaged;

/// <summary>
/// The rendering kernels of chapter 8 for ILGPU (CUDA on a GPU, the CPU accelerator in the tests): ray marching
/// (sphere tracing), the volume-rendering composite, the hash-grid lookup and the splat rasterizer, each the forward
/// pass of its CPU twin in <c>Implicit/</c>, written the backend's way (one argument struct, generic over the element
/// type, grid-stride loops, each output written by one thread in a fixed order: no atomics). Launched by
/// <see cref="RenderingGpu"/>.
/// </summary>
public static class RenderingKernels
{
    static T Length3<T, TMath>(T x, T y, T z) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        return m.Sqrt(m.Add(m.Mul(x, x), m.Add(m.Mul(y, y), m.Mul(z, z))));
    }

    /// <summary>The packed scene's distance at (x, y, z): the minimum over primitives of sphere, box and torus SDFs.</summary>
    static T SceneDistance<T, TMath>(ArrayView<T> scene, int count, T x, T y, T z) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        T best = m.Neg(m.NegativeInfinity);
        for (int k = 0; k < count; k++)
        {
            int at = k * PrimitiveScene.PackedSize;
            int kind = m.ToInt(scene[at]);
            T qx = m.Sub(x, scene[at + 1]), qy = m.Sub(y, scene[at + 2]), qz = m.Sub(z, scene[at + 3]);
            T d;
            if (kind == (int)PrimitiveKind.Sphere) d = m.Sub(Length3<T, TMath>(qx, qy, qz), scene[at + 4]);
            else if (kind == (int)PrimitiveKind.Box)
            {
                T ax = m.Sub(m.Abs(qx), scene[at + 4]), ay = m.Sub(m.Abs(qy), scene[at + 5]), az = m.Sub(m.Abs(qz), scene[at + 6]);
                T outside = Length3<T, TMath>(m.Max(ax, m.Zero), m.Max(ay, m.Zero), m.Max(az, m.Zero));
                d = m.Add(outside, m.Min(m.Max(ax, m.Max(ay, az)), m.Zero));
            }
            else
            {
                T ring = m.Sub(m.Sqrt(m.Add(m.Mul(qx, qx), m.Mul(qy, qy))), scene[at + 4]);
                d = m.Sub(m.Sqrt(m.Add(m.Mul(ring, ring), m.Mul(qz, qz))), scene[at + 5]);
            }
            best = m.Min(best, d);
        }
        return best;
    }

    /// <summary>Depth of the first surface along each ray (NaN when it misses before far): t += f(o + t w) until f &lt; ε.</summary>
    [Kernel]
    public static void SphereTrace<T, TMath>(SphereTraceArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        for (int r = Grid.GlobalIndex.X; r < p.Depth.IntLength; r += ElementwiseKernels.GridStride)
        {
            T t = p.Near, hit = m.Div(m.Zero, m.Zero);
            for (int i = 0; i < p.MaxSteps && !m.GreaterEqual(t, p.Far); i++)
            {
                T d = SceneDistance<T, TMath>(p.Scene, p.Primitives,
                    m.MulAdd(t, p.Directions[3 * r], p.Origins[3 * r]), m.MulAdd(t, p.Directions[3 * r + 1], p.Origins[3 * r + 1]), m.MulAdd(t, p.Directions[3 * r + 2], p.Origins[3 * r + 2]));
                if (m.Greater(p.Epsilon, d)) { hit = t; break; }
                t = m.Add(t, d);
            }
            p.Depth[r] = hit;
        }
    }

    /// <summary>c = Σ_i T_i α_i v_i + T_{S+1}·background per ray, front to back.</summary>
    [Kernel]
    public static void VolumeComposite<T, TMath>(CompositeArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        for (int r = Grid.GlobalIndex.X; r < p.Rays; r += ElementwiseKernels.GridStride)
        {
            for (int c = 0; c < p.Channels; c++) p.Output[r * p.Channels + c] = m.Zero;
            T t = m.One;
            for (int i = 0; i < p.Samples; i++)
            {
                int at = r * p.Samples + i;
                T next = m.Mul(t, m.Exp(m.Neg(m.Mul(p.Sigma[at], p.Delta[at])))), w = m.Sub(t, next);
                for (int c = 0; c < p.Channels; c++)
                    p.Output[r * p.Channels + c] = m.MulAdd(w, p.Values[at * p.Channels + c], p.Output[r * p.Channels + c]);
                t = next;
            }
            for (int c = 0; c < p.Channels; c++) p.Output[r * p.Channels + c] = m.MulAdd(t, p.Background[c], p.Output[r * p.Channels + c]);
        }
    }

    /// <summary>Trilinear interpolation of the 8 corner features at each (point, level), dense or hashed indices.</summary>
    [Kernel]
    public static void HashGridLookup<T, TMath>(HashGridArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        for (int k = Grid.GlobalIndex.X; k < p.Points * p.Levels; k += ElementwiseKernels.GridStride)
        {
            int i = k / p.Levels, l = k % p.Levels, res = m.ToInt(p.Resolutions[l]);
            T scale = m.FromInt(res);
            T x = m.Mul(m.Min(m.Max(p.Unit[3 * i], m.Zero), m.One), scale);
            T y = m.Mul(m.Min(m.Max(p.Unit[3 * i + 1], m.Zero), m.One), scale);
            T z = m.Mul(m.Min(m.Max(p.Unit[3 * i + 2], m.Zero), m.One), scale);
            int cx = m.ToInt(x), cy = m.ToInt(y), cz = m.ToInt(z);
            if (cx > res - 1) cx = res - 1;
            if (cy > res - 1) cy = res - 1;
            if (cz > res - 1) cz = res - 1;
            T fx = m.Sub(x, m.FromInt(cx)), fy = m.Sub(y, m.FromInt(cy)), fz = m.Sub(z, m.FromInt(cz));
            bool dense = (long)(res + 1) * (res + 1) * (res + 1) <= p.TableSize;
            for (int f = 0; f < p.Features; f++) p.Output[k * p.Features + f] = m.Zero;
            for (int c = 0; c < 8; c++)
            {
                int dx = c & 1, dy = c >> 1 & 1, dz = c >> 2 & 1;
                T w = m.Mul(dx == 1 ? fx : m.Sub(m.One, fx), m.Mul(dy == 1 ? fy : m.Sub(m.One, fy), dz == 1 ? fz : m.Sub(m.One, fz)));
                int x1 = cx + dx, y1 = cy + dy, z1 = cz + dz;
                int slot = dense ? (z1 * (res + 1) + y1) * (res + 1) + x1
                    : (int)(((uint)x1 ^ (uint)y1 * 2654435761u ^ (uint)z1 * 805459861u) & (uint)(p.TableSize - 1));
                int row = l * p.TableSize + slot;
                for (int f = 0; f < p.Features; f++)
                    p.Output[k * p.Features + f] = m.MulAdd(w, p.Table[row * p.Features + f], p.Output[k * p.Features + f]);
            }
        }
    }

    /// <summary>Front-to-back α compositing of the splats binned to each pixel's tile (the CPU forward pass, per pixel).</summary>
    [Kernel]
    public static void SplatRasterize<T, TMath>(SplatArgs<T> p) where T : unmanaged where TMath : struct, IScalarMath<T>
    {
        var m = default(TMath);
        int hw = p.Width * p.Height;
        T half = m.Div(m.One, m.FromInt(2));
        for (int pixel = Grid.GlobalIndex.X; pixel < hw; pixel += ElementwiseKernels.GridStride)
        {
            int x = pixel % p.Width, y = pixel / p.Width, tile = y / p.TileSize * p.TilesX + x / p.TileSize;
            int e0 = m.ToInt(p.TileStart[tile]), e1 = e0 + m.ToInt(p.TileCount[tile]);
            T px = m.Add(m.FromInt(x), half), py = m.Add(m.FromInt(y), half), t = m.One;
            for (int c = 0; c < p.Channels; c++) p.Image[c * hw + pixel] = m.Zero;
            for (int e = e0; e < e1; e++)
            {
                int g = m.ToInt(p.Entries[e]);
                T dx = m.Sub(px, p.Means[2 * g]), dy = m.Sub(py, p.Means[2 * g + 1]);
                T q = m.Add(m.Mul(p.Conics[3 * g], m.Mul(dx, dx)),
                      m.Add(m.Mul(m.FromInt(2), m.Mul(p.Conics[3 * g + 1], m.Mul(dx, dy))), m.Mul(p.Conics[3 * g + 2], m.Mul(dy, dy))));
                T alpha = m.Min(p.MaxAlpha, m.Mul(p.Opacity[g], m.Exp(m.Neg(m.Mul(half, q)))));
                if (m.Greater(p.MinAlpha, alpha)) continue;
                T next = m.Mul(t, m.Sub(m.One, alpha));
                if (m.Greater(p.MinTransmittance, next)) break;
                for (int c = 0; c < p.Channels; c++)
                    p.Image[c * hw + pixel] = m.MulAdd(p.Colours[g * p.Channels + c], m.Mul(alpha, t), p.Image[c * hw + pixel]);
                t = next;
            }
            for (int c = 0; c < p.Channels; c++) p.Image[c * hw + pixel] = m.MulAdd(t, p.Background[c], p.Image[c * hw + pixel]);
        }
    }
}
