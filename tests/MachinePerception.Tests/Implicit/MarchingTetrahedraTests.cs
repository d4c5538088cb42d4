using MachinePerception.Geometry;
using MachinePerception.Implicit;

namespace MachinePerception.Tests.Implicit;

public class MarchingTetrahedraTests
{
    [Fact]
    public void Torus_mesh_is_closed_and_its_volume_and_area_converge()
    {
        double R = 1.0, r = 0.4;
        double exactVolume = 2 * Math.PI * Math.PI * R * r * r, exactArea = 4 * Math.PI * Math.PI * R * r;
        var box = new Vec3(1.5, 1.5, 0.5);
        double previousError = double.MaxValue;
        foreach (int n in new[] { 16, 32, 64 })
        {
            var mesh = MarchingTetrahedra.Extract(Sdf.Torus(R, r), -1 * box, box, n);
            Assert.True(mesh.IsClosedAndOriented());
            double error = Math.Abs(mesh.Volume() - exactVolume) / exactVolume;
            Assert.True(error < previousError, $"volume error did not fall at n = {n}: {error} vs {previousError}");
            previousError = error;
            if (n == 64)
            {
                Assert.True(error < 5e-3, $"volume error {error}");
                Assert.True(Math.Abs(mesh.Area() - exactArea) / exactArea < 2e-2);
            }
        }
    }

    [Fact]
    public void Sphere_vertices_lie_on_the_sphere()
    {
        var mesh = MarchingTetrahedra.Extract(Sdf.Sphere(0.8), new(-1, -1, -1), new(1, 1, 1), 24);
        foreach (var v in mesh.Vertices) Assert.InRange(v.Norm, 0.8 - 0.01, 0.8 + 0.01);
        Assert.True(mesh.Volume() > 0, "outward orientation gives a positive volume");
    }

    [Fact]
    public void A_box_that_clips_the_surface_is_refused_unless_an_open_mesh_is_asked_for()
    {
        var sphere = Sdf.Sphere(0.8);
        var ex = Assert.Throws<ArgumentException>(() => MarchingTetrahedra.Extract(sphere, new(0, -1, -1), new(1, 1, 1), 12));
        Assert.Contains("clips the surface", ex.Message);
        Assert.Contains("(0, ", ex.Message); // the first clipped grid point lies on the face x = 0

        var open = MarchingTetrahedra.Extract(sphere, new(0, -1, -1), new(1, 1, 1), 12, allowOpen: true);
        Assert.NotEmpty(open.Triangles);
        Assert.False(open.IsClosedAndOriented(), "half a sphere cut by the plane x = 0 has a boundary");
    }

    [Fact]
    public void A_grid_without_a_sign_change_is_refused()
    {
        var sphere = Sdf.Sphere(0.8);
        var outside = Assert.Throws<ArgumentException>(() => MarchingTetrahedra.Extract(sphere, new(2, 2, 2), new(3, 3, 3), 4));
        Assert.Contains("no sign change", outside.Message);
        Assert.Contains("outside", outside.Message);
        var inside = Assert.Throws<ArgumentException>(() => MarchingTetrahedra.Extract(sphere, new(-0.1, -0.1, -0.1), new(0.1, 0.1, 0.1), 4));
        Assert.Contains("inside, f < 0", inside.Message);
        Assert.Empty(MarchingTetrahedra.Extract(sphere, new(2, 2, 2), new(3, 3, 3), 4, allowOpen: true).Triangles);
        Assert.Throws<ArgumentException>(() => MarchingTetrahedra.Extract(sphere, new(1, -1, -1), new(-1, 1, 1), 4));
    }

    [Fact]
    public void Torus_sdf_is_a_distance_and_zero_where_the_implicit_form_is()
    {
        var f = Sdf.Torus(2, 0.5);
        var g = Sdf.TorusImplicit(2, 0.5);
        var p = new Vec3(2.5, 0, 0); // on the outer equator
        Assert.Equal(0, f(p), 14);
        Assert.Equal(0, g(p), 14);
        var q = new Vec3(1.1, 0.7, 0.9);
        Assert.Equal(1, Sdf.Gradient(f, q).Norm, 8); // eikonal: |∇f| = 1
    }
}
