using MachinePerception.Geometry;

namespace MachinePerception.Implicit;

/// <summary>
/// Extracts the surface {p | f(p) = 0} of an implicit function as a triangle mesh (§8, §14). The table-free
/// sibling of marching cubes: every grid cube is cut into six tetrahedra around its main diagonal, and each
/// tetrahedron is cut by the surface in at most two triangles, with vertices placed on the edges by linear
/// interpolation of f. Cubes split the same way share their face diagonals, so the mesh is closed
/// (watertight) wherever the surface stays inside the grid, and vertices on a grid edge are shared
/// (<see cref="EdgeVertices"/>, the piece it shares with <see cref="MarchingCubes"/>).
/// </summary>
public static class MarchingTetrahedra
{
    // The six tetrahedra of a cube whose corners are numbered dx + 2dy + 4dz: each runs 0 → a → b → 7 along one
    // monotone path of the cube's edges.
    static readonly int[][] Tetrahedra =
    [
        [0, 1, 3, 7], [0, 1, 5, 7], [0, 2, 3, 7], [0, 2, 6, 7], [0, 4, 5, 7], [0, 4, 6, 7],
    ];

    /// <summary>Meshes f &lt; 0 on an n×n×n-cell grid over the box [min, max] (see <see cref="Extract(SampledGrid, bool)"/>).</summary>
    public static Mesh Extract(Func<Vec3, double> f, Vec3 min, Vec3 max, int n, bool allowOpen = false)
    {
        if (n < 1) throw new ArgumentException($"MarchingTetrahedra: the grid needs at least 1 cell per axis, got {n}");
        return Extract(SampledGrid.Sample(f, min, max, n + 1), allowOpen);
    }

    /// <summary>
    /// Meshes the level set of a sampled grid. Like <see cref="MarchingCubes"/>, it throws when the grid holds no surface
    /// or the surface leaves the box, unless <paramref name="allowOpen"/> (then <see cref="Mesh.IsOpen"/> is set).
    /// </summary>
    public static Mesh Extract(SampledGrid grid, bool allowOpen = false)
    {
        bool open = grid.CheckMeshable("MarchingTetrahedra", allowOpen);
        int n = grid.Samples - 1;
        var edges = new EdgeVertices(grid);
        var triangles = new List<(int, int, int)>();
        var cornerId = new int[8];
        var cornerPoint = new Vec3[8];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                {
                    for (int c = 0; c < 8; c++)
                    {
                        int di = c & 1, dj = (c >> 1) & 1, dk = (c >> 2) & 1;
                        cornerId[c] = grid.Index(i + di, j + dj, k + dk);
                        cornerPoint[c] = grid.Point(i + di, j + dj, k + dk);
                    }
                    foreach (var tet in Tetrahedra)
                        Polygonise(tet, cornerId, cornerPoint, grid, edges, triangles);
                }
        return new Mesh(edges.Vertices, triangles, open);
    }

    static void Polygonise(int[] tet, int[] ids, Vec3[] points, SampledGrid grid, EdgeVertices edges, List<(int, int, int)> triangles)
    {
        var inside = tet.Where(c => grid.Inside(ids[c])).ToArray();
        var outside = tet.Where(c => !grid.Inside(ids[c])).ToArray();
        if (inside.Length == 0 || outside.Length == 0) return;
        var vertices = edges.Vertices;

        int Cut(int a, int b) => edges.On(ids[a], ids[b], points[a], points[b]);
        var insideCentre = inside.Aggregate(default(Vec3), (s, c) => s + points[c]) * (1.0 / inside.Length);

        // orient each triangle so its normal points away from the inside corners (outward)
        void Emit(int a, int b, int c)
        {
            var normal = (vertices[b] - vertices[a]).Cross(vertices[c] - vertices[a]);
            var centre = (vertices[a] + vertices[b] + vertices[c]) * (1.0 / 3);
            triangles.Add(normal.Dot(centre - insideCentre) >= 0 ? (a, b, c) : (a, c, b));
        }

        if (inside.Length == 1 || outside.Length == 1)
        {
            // one corner separated from three: one triangle on the three edges leaving it
            var (lone, others) = inside.Length == 1 ? (inside[0], outside) : (outside[0], inside);
            Emit(Cut(lone, others[0]), Cut(lone, others[1]), Cut(lone, others[2]));
        }
        else
        {
            // two and two: the surface cuts four edges in a quadrilateral; split it into two triangles
            int p = Cut(inside[0], outside[0]), q = Cut(inside[0], outside[1]);
            int r = Cut(inside[1], outside[1]), s = Cut(inside[1], outside[0]);
            Emit(p, q, r);
            Emit(p, r, s);
        }
    }
}
