using MachinePerception.Geometry;
using MachinePerception.Implicit;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Implicit;

public class MarchingCubesTests
{
    static readonly Vec3 Lo = new(-1.2, -1.2, -1.2), Hi = new(1.2, 1.2, 1.2);

    [Fact]
    public void Unit_sphere_mesh_is_closed_and_its_area_error_falls_about_fourfold_per_halving()
    {
        double exactArea = 4 * Math.PI, exactVolume = 4 * Math.PI / 3;
        var errors = new List<double>();
        foreach (int samples in new[] { 17, 33, 65 }) // 16, 32, 64 cells: the cell halves each time
        {
            var mesh = MarchingCubes.Extract(Sdf.Sphere(1), Lo, Hi, samples);
            Assert.True(mesh.IsClosedAndOriented());
            Assert.False(mesh.IsOpen);
            Assert.True(mesh.Volume() > 0);
            errors.Add(Math.Abs(mesh.Area() - exactArea) / exactArea);
            Assert.True(Math.Abs(mesh.Volume() - exactVolume) / exactVolume < 0.02);
        }
        Assert.InRange(errors[1], 1e-3, 3e-3);
        for (int i = 1; i < errors.Count; i++) Assert.InRange(errors[i - 1] / errors[i], 3.3, 4.7);
    }

    [Fact]
    public void Vertices_lie_on_the_surface_and_the_case_table_matches_the_classic_counts()
    {
        var mesh = MarchingCubes.Extract(Sdf.Sphere(0.8), new(-1, -1, -1), new(1, 1, 1), 25);
        foreach (var v in mesh.Vertices) Assert.InRange(v.Norm, 0.8 - 0.01, 0.8 + 0.01);
        var table = MarchingCubes.CaseTable();
        Assert.Empty(table[0]);
        Assert.Empty(table[255]);
        Assert.Equal(3, table[1].Length);                                // one corner: one triangle
        Assert.Equal(6, table[3].Length);                                // one edge: a quadrilateral
        Assert.Equal(6, table[0b1001].Length);                           // face diagonal, separated: two triangles
        Assert.Equal(5, table.Max(t => t.Length / 3));                  // the classic maximum of five triangles per cube
        Assert.All(table, t => Assert.Equal(0, t.Length % 3));
    }

    [Theory]
    [InlineData(AmbiguityRule.SeparateInside, true)]
    [InlineData(AmbiguityRule.ComplementSymmetric, false)]
    public void Random_fields_mesh_watertight_only_with_a_face_consistent_ambiguity_rule(AmbiguityRule rule, bool closed)
    {
        // noise hits every case, ambiguous faces included; the boundary is kept outside so the surface is closed
        const int n = 12;
        var rng = new Rng(3);
        var values = new double[n * n * n];
        var grid = new SampledGrid(values, new(0, 0, 0), new(1, 1, 1), n);
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                    values[grid.Index(i, j, k)] = i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1 ? 1 : rng.NextNormal();
        var mesh = MarchingCubes.Extract(grid, rule: rule);
        Assert.Equal(closed, mesh.IsClosedAndOriented());
    }

    [Fact]
    public void Every_case_closes_alone_in_a_padded_cube()
    {
        // each of the 256 corner patterns in the middle of a 4³ grid whose rim is outside: one closed mesh per case
        for (int bits = 1; bits < 255; bits++)
        {
            var values = new double[64];
            var grid = new SampledGrid(values, new(0, 0, 0), new(3, 3, 3), 4);
            Array.Fill(values, 1.0);
            for (int c = 0; c < 8; c++)
                values[grid.Index(1 + (c & 1), 1 + (c >> 1 & 1), 1 + (c >> 2 & 1))] = (bits >> c & 1) == 1 ? -1 : 1;
            var mesh = MarchingCubes.Extract(grid);
            Assert.True(mesh.IsClosedAndOriented(), $"case {bits}");
            Assert.True(mesh.Volume() > 0, $"case {bits}: the triangles face inwards");
        }
    }

    [Fact]
    public void A_surface_clipped_by_the_box_is_an_error_or_an_explicitly_open_mesh()
    {
        var small = new Vec3(0.7, 0.7, 0.7);
        var ex = Assert.Throws<ArgumentException>(() => MarchingCubes.Extract(Sdf.Sphere(1), -1 * small, small, 16));
        Assert.Contains("leaves the grid box", ex.Message);
        Assert.Throws<ArgumentException>(() => MarchingTetrahedra.Extract(Sdf.Sphere(1), -1 * small, small, 16));
        var open = MarchingCubes.Extract(SampledGrid.Sample(Sdf.Sphere(0.8), -1 * small, small, 16), allowOpen: true);
        Assert.True(open.IsOpen);
        Assert.False(open.IsClosedAndOriented());
        Assert.Throws<InvalidOperationException>(() => open.Volume());
        var empty = Assert.Throws<ArgumentException>(() => MarchingCubes.Extract(Sdf.Sphere(0.1), Lo, Hi, 8));
        Assert.Contains("no surface", empty.Message);
    }

    [Fact]
    public void Csg_and_smooth_union_behave_as_stated()
    {
        var a = Sdf.Sphere(0.5, new Vec3(-0.3, 0, 0));
        var b = Sdf.Sphere(0.5, new Vec3(0.3, 0, 0));
        var p = new Vec3(0.1, 0.2, -0.1);
        Assert.Equal(Math.Min(a(p), b(p)), Csg.Union(a, b)(p));
        Assert.Equal(Math.Max(a(p), b(p)), Csg.Intersection(a, b)(p));
        Assert.Equal(Math.Max(a(p), -b(p)), Csg.Difference(a, b)(p));
        // smooth min: equals min when |a − b| ≥ k, is k/4 below it at a = b, never above min
        Assert.Equal(1.0, Csg.SmoothMin(1.0, 2.5, 1.0), 15);
        Assert.Equal(0.3 - 0.1, Csg.SmoothMin(0.3, 0.3, 0.4), 15);
        var rng = new Rng(1);
        for (int i = 0; i < 200; i++)
        {
            double x = rng.NextNormal(), y = rng.NextNormal();
            Assert.True(Csg.SmoothMin(x, y, 0.5) <= Math.Min(x, y) + 1e-15);
        }
        Assert.Throws<ArgumentException>(() => Csg.SmoothUnion(a, b, 0));
        var mesh = MarchingCubes.Extract(Csg.SmoothUnion(a, b, 0.2), Lo, Hi, 33);
        Assert.True(mesh.IsClosedAndOriented());
        Assert.True(mesh.Volume() > MarchingCubes.Extract(Csg.Union(a, b), Lo, Hi, 33).Volume()); // the fillet adds volume
    }
}
