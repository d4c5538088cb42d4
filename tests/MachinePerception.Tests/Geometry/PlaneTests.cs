using MachinePerception.Geometry;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Geometry;

public class PlaneTests
{
    [Fact]
    public void The_plane_through_three_random_points_contains_them()
    {
        var rng = new Rng(7);
        for (int trial = 0; trial < 50; trial++)
        {
            Vec3 R() => new(rng.NextNormal(), rng.NextNormal(), rng.NextNormal());
            var (a, b, c) = (R(), R(), R());
            var plane = Plane.Through(a, b, c);
            foreach (var p in new[] { a, b, c }) Assert.Equal(0, plane.SignedDistance(p), 10);
            // a point off the plane along the normal is at the distance it was moved
            Assert.Equal(0.3, plane.SignedDistance(a + 0.3 * plane.Normal.Normalized()), 10);
        }
    }

    [Fact]
    public void Intercept_form_and_cross_product_form_agree()
    {
        var fromIntercepts = Plane.FromIntercepts(2, -3, 5).Canonical();
        var fromPoints = Plane.Through(new(2, 0, 0), new(0, -3, 0), new(0, 0, 5)).Canonical();
        Assert.Equal(fromIntercepts.Normal.X, fromPoints.Normal.X, 12);
        Assert.Equal(fromIntercepts.Normal.Y, fromPoints.Normal.Y, 12);
        Assert.Equal(fromIntercepts.Normal.Z, fromPoints.Normal.Z, 12);
        Assert.Equal(fromIntercepts.K, fromPoints.K, 12);
    }

    [Fact]
    public void Cross_product_is_perpendicular_and_anticommutative()
    {
        var a = new Vec3(1, 2, 3);
        var b = new Vec3(-2, 0.5, 4);
        var n = a.Cross(b);
        Assert.Equal(0, n.Dot(a), 12);
        Assert.Equal(0, n.Dot(b), 12);
        Assert.Equal(-n, b.Cross(a));
    }

    [Fact]
    public void Collinear_points_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Plane.Through(new(0, 0, 0), new(1, 1, 1), new(2, 2, 2)));
        Assert.Contains("collinear", e.Message);
    }
}
