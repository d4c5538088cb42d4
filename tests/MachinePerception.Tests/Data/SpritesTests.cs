using MachinePerception.Data;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Data;

public class SpritesTests
{
    // pixel count, and centroid in image coordinates, of a rendered [1, 1, S, S] image
    static (double Area, double X, double Y) Moments(Tensor image)
    {
        int size = image.Shape[3];
        var p = image.ToDoubleArray();
        double count = 0, sx = 0, sy = 0;
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++)
            {
                double w = p[r * size + c];
                count += w; sx += w * (c + 0.5) / size; sy += w * (r + 0.5) / size;
            }
        return (count / (size * size), sx / count, sy / count);
    }

    [Theory]
    [InlineData(SpriteShape.Square)]
    [InlineData(SpriteShape.Ellipse)]
    [InlineData(SpriteShape.Triangle)]
    public void Rendered_shapes_have_the_analytic_area_and_sit_at_their_position(SpriteShape shape)
    {
        var img = Sprites.Render(shape, scale: 0.2, rotation: 0.4, x: 0.45, y: 0.6, size: 128, dtype: DType.Float64);
        Assert.Equal(DType.Float64, img.DType);
        var (area, cx, cy) = Moments(img);
        Assert.Equal(Sprites.Area(shape, 0.2), area, 0.003);
        // the square and ellipse are centred on (x, y); the triangle's centroid is its circumcentre, also (x, y)
        Assert.Equal(0.45, cx, 0.005);
        Assert.Equal(0.6, cy, 0.005);
    }

    [Fact]
    public void A_square_turned_by_a_quarter_turn_is_the_same_image_and_a_triangle_is_not()
    {
        // a pixel centre on the square's edge may flip by rounding, so compare pixel counts and allow a few
        var a = Sprites.Render(SpriteShape.Square, 0.15, 0.3, 0.5, 0.5, 64).ToDoubleArray();
        var b = Sprites.Render(SpriteShape.Square, 0.15, 0.3 + Math.PI / 2, 0.5, 0.5, 64).ToDoubleArray();
        Assert.True(a.Zip(b).Count(p => p.First != p.Second) <= 2);
        Assert.Equal(Sprites.Area(SpriteShape.Square, 0.15) * 64 * 64, a.Sum(), 30.0);
        var t0 = Sprites.Render(SpriteShape.Triangle, 0.15, 0.3, 0.5, 0.5, 64).ToDoubleArray();
        var t1 = Sprites.Render(SpriteShape.Triangle, 0.15, 0.3 + Math.PI / 2, 0.5, 0.5, 64).ToDoubleArray();
        // a triangle has only threefold symmetry: about a third of its ~120 pixels move
        int moved = t0.Zip(t1).Count(p => p.First != p.Second);
        Assert.True(moved > 20, $"only {moved} pixels changed");
    }

    [Fact]
    public void Generated_images_match_their_factors_and_the_seed()
    {
        var s = Sprites.Generate(40, new Rng(21), size: 32);
        Assert.Equal([40, 1, 32, 32], s.Images.Shape.ToArray());
        Assert.Equal(5, s.Factors[0].Length);
        Assert.Equal(Sprites.Generate(40, new Rng(21), size: 32).Images.ToFloatArray(), s.Images.ToFloatArray());
        var all = s.Images.ToDoubleArray();
        for (int i = 0; i < 40; i++)
        {
            var f = s.Factors[i];
            Assert.InRange(f[1], Sprites.MinScale, Sprites.MaxScale);
            Assert.InRange(f[3], Sprites.MinPosition, Sprites.MaxPosition);
            // each image is exactly the shape its factors describe
            var one = Sprites.Render((SpriteShape)(int)f[0], f[1], f[2], f[3], f[4], 32).ToDoubleArray();
            Assert.Equal(one, all.AsSpan(i * 1024, 1024).ToArray());
            // no shape touches the border
            for (int k = 0; k < 32; k++)
                Assert.Equal(0, all[i * 1024 + k] + all[i * 1024 + 31 * 32 + k] + all[i * 1024 + k * 32] + all[i * 1024 + k * 32 + 31]);
        }
        Assert.Equal(3, s.Factors.Select(f => f[0]).Distinct().Count());
    }
}
