using MachinePerception.Geometry;

namespace MachinePerception.Implicit;

/// <summary>
/// Extracts the surface {p | f(p) = 0} of an implicit function as a triangle mesh (§8, §14). The table-free
/// sibling of marching cubes: every grid cube is cut into six tetrahedra around its main diagonal, and each
/// tetrahedron is cut by the surface in at most two triangles, with vertices placed on the edges by linear
/// interpolation of f. Cubes split the same way share their face diagonals, so the mesh is closed
/// (watertight) wherever the surface stays inside the grid, and vertices on a grid edge are shared.
/// </summary>
public static class MarchingTetrahedra
{
    // The six tetrahedra of a cube whose corners are numbered dx + 2dy + 4dz: each runs 0 → a → b → 7 along one
    // monotone path of the cube's edges.
    static readonly int[][] Tetrahedra =
    [
        [0, 1, 3, 7], [0, 1, 5, 7], [0, 2, 3, 7], [0, 2, 6, 7], [0, 4, 5, 7], [0, 4, 6, 7],
    ];

    /// <summary>Meshes f &lt; 0 on an n×n×n-cell grid over the box [min, max].</summary>
    public static Mesh Extract(Func<Vec3, double> f, Vec3 min, Vec3 max, int n)
    {
        if (n < 1) throw new ArgumentException($"MarchingTetrahedra: the grid needs at least 1 cell per axis, got {n}");
        int m = n + 1;
        var step = new Vec3((max.X - min.X) / n, (max.Y - min.Y) / n, (max.Z - min.Z) / n);
        Vec3 Point(int i, int j, int k) => new(min.X + i * step.X, min.Y + j * step.Y, min.Z + k * step.Z);
        int Id(int i, int j, int k) => (k * m + j) * m + i;

        var values = new double[m * m * m];
        for (int k = 0; k < m; k++)
            for (int j = 0; j < m; j++)
                for (int i = 0; i < m; i++)
                    values[Id(i, j, k)] = f(Point(i, j, k));

        var vertices = new List<Vec3>();
        var triangles = new List<(int, int, int)>();
        var edgeVertex = new Dictionary<(int, int), int>();

        // the surface point on the grid edge between two grid points of opposite sign, created once per edge
        int VertexOn(int a, int b, Vec3 pa, Vec3 pb)
        {
            var key = a < b ? (a, b) : (b, a);
            if (edgeVertex.TryGetValue(key, out int v)) return v;
            double fa = values[a], fb = values[b];
            double t = fa / (fa - fb); // where the linear interpolant of f crosses zero
            vertices.Add(pa + t * (pb - pa));
            edgeVertex[key] = vertices.Count - 1;
            return vertices.Count - 1;
        }

        var cornerId = new int[8];
        var cornerPoint = new Vec3[8];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                {
                    for (int c = 0; c < 8; c++)
                    {
                        int di = c & 1, dj = (c >> 1) & 1, dk = (c >> 2) & 1;
                        cornerId[c] = Id(i + di, j + dj, k + dk);
                        cornerPoint[c] = Point(i + di, j + dj, k + dk);
                    }
                    foreach (var tet in Tetrahedra)
                        Polygonise(tet, cornerId, cornerPoint, values, VertexOn, vertices, triangles);
                }
        return new Mesh(vertices, triangles);
    }

    static void Polygonise(int[] tet, int[] ids, Vec3[] points, double[] values,
        Func<int, int, Vec3, Vec3, int> vertexOn, List<Vec3> vertices, List<(int, int, int)> triangles)
    {
        var inside = tet.Where(c => values[ids[c]] < 0).ToArray();
        var outside = tet.Where(c => values[ids[c]] >= 0).ToArray();
        if (inside.Length == 0 || outside.Length == 0) return;

        int Cut(int a, int b) => vertexOn(ids[a], ids[b], points[a], points[b]);
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
