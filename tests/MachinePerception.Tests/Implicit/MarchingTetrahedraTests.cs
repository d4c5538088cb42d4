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
