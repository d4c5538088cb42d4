using MachinePerception.Backends;
using MachinePerception.Tensors;

namespace MachinePerception.Data;

/// <summary>The three shapes of <see cref="Sprites"/>.</summary>
public enum SpriteShape
{
    Square,
    Ellipse,
    Triangle,
}

/// <summary>
/// Images [N, 1, S, S] of single white shapes on black, with the factors that generated each one:
/// Factors[i] = (shape index, scale, rotation in radians, x, y), in the order of <see cref="FactorNames"/>.
/// </summary>
public sealed record SpriteImages(Tensor Images, double[][] Factors)
{
    public static readonly string[] FactorNames = ["shape", "scale", "rotation", "x", "y"];
}

/// <summary>
/// A generated dataset with known factors of variation, in the spirit of dSprites: one square, ellipse or
/// triangle per image, at a random scale, rotation and position. Because every factor is known, a β-VAE's
/// latent codes can be compared with them (disentanglement, §2). Pixels are 1 inside the shape and 0 outside.
/// </summary>
public static class Sprites
{
    /// <summary>Smallest and largest scale (half the side of the square, as a fraction of the image width).</summary>
    public const double MinScale = 0.1, MaxScale = 0.2;

    /// <summary>Range of the centre's coordinates: far enough from the border that no shape is cut off.</summary>
    public const double MinPosition = 0.3, MaxPosition = 0.7;

    /// <summary>n images of size×size pixels, each with factors drawn uniformly: shape, scale, rotation in [0, 2π), x, y.</summary>
    public static SpriteImages Generate(int n, Rng rng, int size = 32, DType dtype = DType.Float32)
    {
        if (n <= 0 || size <= 0) throw new ArgumentException($"Sprites: n = {n} and size = {size} must be positive");
        // draw every factor first, in order, so the images depend only on the seed and not on thread timing
        var factors = new double[n][];
        for (int i = 0; i < n; i++)
            factors[i] =
            [
                rng.NextInt(3),
                MinScale + (MaxScale - MinScale) * rng.NextDouble(),
                2 * Math.PI * rng.NextDouble(),
                MinPosition + (MaxPosition - MinPosition) * rng.NextDouble(),
                MinPosition + (MaxPosition - MinPosition) * rng.NextDouble(),
            ];
        return new SpriteImages(Images(factors, size, dtype), factors);
    }

    // [N, 1, size, size] images of the given factors
    static Tensor Images(double[][] factors, int size, DType dtype)
    {
        var shape = new Shape(factors.Length, 1, size, size);
        return dtype == DType.Float32
            ? new Tensor(shape, new CpuStorage<float>(DrawAll<float>(factors, size)))
            : new Tensor(shape, new CpuStorage<double>(DrawAll<double>(factors, size)));
    }

    // every pixel of every image is written, by exactly one chunk of the parallel loop
    static T[] DrawAll<T>(double[][] factors, int size) where T : unmanaged, System.Numerics.INumber<T>
    {
        int n = factors.Length, pixels = size * size;
        var result = GC.AllocateUninitializedArray<T>(n * pixels);
        CpuParallel.For(n, pixels * 8, (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                var f = factors[i];
                Draw(result.AsSpan(i * pixels, pixels), size, (SpriteShape)(int)f[0], f[1], f[2], f[3], f[4]);
            }
        });
        return result;
    }

    /// <summary>One image [1, 1, size, size] of the given shape and factors (x to the right, y downwards, both in [0, 1]).</summary>
    public static Tensor Render(SpriteShape shape, double scale, double rotation, double x, double y, int size = 32, DType dtype = DType.Float32)
    {
        if (size <= 0 || !(scale > 0)) throw new ArgumentException($"Sprites.Render: size = {size} and scale = {scale} must be positive");
        return Images([[(int)shape, scale, rotation, x, y]], size, dtype);
    }

    // Pixel (r, c) has its centre at ((c + ½)/size, (r + ½)/size). It is inside when its position in the shape's
    // own frame, (u, v) = R(−θ)(p − centre)/scale, is inside the unit shape.
    static void Draw<T>(Span<T> image, int size, SpriteShape shape, double scale, double rotation, double x, double y)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        double cos = Math.Cos(rotation), sin = Math.Sin(rotation);
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++)
            {
                double px = (c + 0.5) / size - x, py = (r + 0.5) / size - y;
                double u = (cos * px + sin * py) / scale, v = (-sin * px + cos * py) / scale;
                image[r * size + c] = Inside(shape, u, v) ? T.One : T.Zero;
            }
    }

    /// <summary>
    /// The unit shapes: the square [−1, 1]², the ellipse with semi-axes 1 and 0.6, and the equilateral triangle
    /// with vertices (0, 1), (±√3/2, −½) on the unit circle.
    /// </summary>
    static bool Inside(SpriteShape shape, double u, double v) => shape switch
    {
        SpriteShape.Square => Math.Abs(u) <= 1 && Math.Abs(v) <= 1,
        SpriteShape.Ellipse => u * u + v * v / (0.6 * 0.6) <= 1,
        SpriteShape.Triangle => v >= -0.5 && v <= 1 - Math.Sqrt(3) * Math.Abs(u),
        _ => throw new ArgumentException($"Sprites: unknown shape {shape}"),
    };

    /// <summary>Area of the unit shape times scale², as a fraction of the image: what the pixel count approaches.</summary>
    public static double Area(SpriteShape shape, double scale) => scale * scale * shape switch
    {
        SpriteShape.Square => 4,
        SpriteShape.Ellipse => Math.PI * 0.6,
        SpriteShape.Triangle => 3 * Math.Sqrt(3) / 4,
        _ => throw new ArgumentException($"Sprites.Area: unknown shape {shape}"),
    };
}
