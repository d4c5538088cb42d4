using MachinePerception.Geometry;

namespace MachinePerception.Implicit;

/// <summary>How a cube face whose diagonal corners are inside and the other two outside is cut (§8 marching cubes).</summary>
public enum AmbiguityRule
{
    /// <summary>
    /// The two inside corners are cut off separately (the outside joins across the face). The decision reads only the
    /// face's four signs, so the two cubes sharing a face always cut it the same way: the mesh is watertight.
    /// </summary>
    SeparateInside,

    /// <summary>
    /// Lorensen and Cline's reduction of the 256 cases to 15 by complementing: a cube with more than four inside corners
    /// is meshed as its complement with the triangles flipped, which joins its inside corners on an ambiguous face. Two
    /// neighbours may then cut their shared face differently and leave a hole (shown in the chapter, never the default).
    /// </summary>
    ComplementSymmetric,
}

/// <summary>
/// Marching cubes (Lorensen and Cline 1987; §8 "to get a mesh, sample points, predict occupancy/SDF, use marching
/// cubes"). Every cell of a <see cref="SampledGrid"/> is a cube with 8 corners, each inside (value &lt; level) or not:
/// 2⁸ = 256 cases. A case table lists, for each case, the triangles to emit, as triples of cube edges; a vertex sits on
/// each edge whose ends differ in sign, where the linear interpolant of the values reaches the level, shared with the
/// neighbouring cubes. The table is not typed in: <see cref="BuildCaseTable"/> derives it from the rule that defines
/// it. On each cube face the surface crosses two or four of its edges; two crossings are joined by a segment, four (the
/// ambiguous face: diagonal corners alike) are joined as <see cref="AmbiguityRule"/> says. The segments of the six faces
/// close into loops around the cube, and each loop is fanned into triangles, wound counter-clockwise seen from the
/// outside.
/// </summary>
public static class MarchingCubes
{
    /// <summary>Corner c of a cube is at offset (c &amp; 1, (c &gt;&gt; 1) &amp; 1, (c &gt;&gt; 2) &amp; 1).</summary>
    public static readonly (int A, int B)[] Edges =
    [
        (0, 1), (2, 3), (4, 5), (6, 7),   // along x
        (0, 2), (1, 3), (4, 6), (5, 7),   // along y
        (0, 4), (1, 5), (2, 6), (3, 7),   // along z
    ];

    /// <summary>The six faces, each as its four corners in cyclic order.</summary>
    public static readonly int[][] Faces =
    [
        [0, 2, 6, 4], [1, 3, 7, 5],       // x = 0, x = 1
        [0, 1, 5, 4], [2, 3, 7, 6],       // y = 0, y = 1
        [0, 1, 3, 2], [4, 5, 7, 6],       // z = 0, z = 1
    ];

    static readonly Lazy<int[][]> separateInside = new(() => BuildCaseTable(AmbiguityRule.SeparateInside));
    static readonly Lazy<int[][]> complementSymmetric = new(() => BuildCaseTable(AmbiguityRule.ComplementSymmetric));

    /// <summary>The case table of a rule: for case bits (bit c set = corner c inside), edge triples, three per triangle.</summary>
    public static int[][] CaseTable(AmbiguityRule rule = AmbiguityRule.SeparateInside) =>
        rule == AmbiguityRule.SeparateInside ? separateInside.Value : complementSymmetric.Value;

    static Vec3 Corner(int c) => new(c & 1, (c >> 1) & 1, (c >> 2) & 1);

    static int EdgeBetween(int a, int b) => Array.FindIndex(Edges, e => (e.A == a && e.B == b) || (e.A == b && e.B == a));

    /// <summary>Derives the 256-case table of <paramref name="rule"/> (see the class summary for the construction).</summary>
    public static int[][] BuildCaseTable(AmbiguityRule rule)
    {
        var table = new int[256][];
        for (int bits = 0; bits < 256; bits++)
        {
            if (rule == AmbiguityRule.ComplementSymmetric && int.PopCount(bits) > 4)
            {
                // mesh the complement, then flip every triangle so it still faces the (now swapped) outside
                var complement = Triangulate(255 - bits);
                for (int t = 0; t < complement.Length; t += 3) (complement[t + 1], complement[t + 2]) = (complement[t + 2], complement[t + 1]);
                table[bits] = complement;
            }
            else table[bits] = Triangulate(bits);
        }
        return table;
    }

    // The triangles of one case under SeparateInside.
    static int[] Triangulate(int bits)
    {
        bool In(int c) => (bits >> c & 1) == 1;
        // 1. on each face, segments joining the crossed edges
        var segments = new List<(int, int)>();
        foreach (var face in Faces)
        {
            var crossed = new List<int>();
            for (int k = 0; k < 4; k++)
                if (In(face[k]) != In(face[(k + 1) % 4])) crossed.Add(k);
            if (crossed.Count == 2)
                segments.Add((EdgeBetween(face[crossed[0]], face[(crossed[0] + 1) % 4]), EdgeBetween(face[crossed[1]], face[(crossed[1] + 1) % 4])));
            else if (crossed.Count == 4)
                for (int k = 0; k < 4; k++)
                    if (In(face[k])) // cut this inside corner off: join its two face edges
                        segments.Add((EdgeBetween(face[(k + 3) % 4], face[k]), EdgeBetween(face[k], face[(k + 1) % 4])));
        }
        // 2. every crossed cube edge lies on two faces, so it ends exactly two segments: the segments form closed loops
        var triangles = new List<int>();
        var used = new bool[segments.Count];
        for (int s0 = 0; s0 < segments.Count; s0++)
        {
            if (used[s0]) continue;
            used[s0] = true;
            var loop = new List<int> { segments[s0].Item1 };
            int current = segments[s0].Item2;
            while (current != loop[0])
            {
                loop.Add(current);
                int next = -1;
                for (int s = 0; s < segments.Count && next < 0; s++)
                {
                    if (used[s]) continue;
                    if (segments[s].Item1 == current) next = segments[s].Item2;
                    else if (segments[s].Item2 == current) next = segments[s].Item1;
                    if (next >= 0) used[s] = true;
                }
                if (next < 0) throw new InvalidOperationException($"MarchingCubes: case {bits} has an unclosed loop (a bug in the table construction)");
                current = next;
            }
            // 3. orient the loop: its normal (Newell's formula over the edge midpoints) must point from the inside
            //    corners to the outside ones along the crossed edges
            var mid = loop.Select(e => 0.5 * (Corner(Edges[e].A) + Corner(Edges[e].B))).ToArray();
            var normal = default(Vec3);
            for (int i = 0; i < mid.Length; i++) normal += mid[i].Cross(mid[(i + 1) % mid.Length]);
            var outward = default(Vec3);
            foreach (int e in loop)
            {
                var (a, b) = Edges[e];
                outward += In(a) ? Corner(b) - Corner(a) : Corner(a) - Corner(b);
            }
            if (normal.Dot(outward) < 0) loop.Reverse();
            for (int i = 1; i + 1 < loop.Count; i++) triangles.AddRange([loop[0], loop[i], loop[i + 1]]);
        }
        return [.. triangles];
    }

    /// <summary>
    /// The mesh of the level set of <paramref name="grid"/>. Throws when the grid holds no surface, or when the surface
    /// leaves the box (the mesh would be open) unless <paramref name="allowOpen"/>, in which case the result says so
    /// (<see cref="Mesh.IsOpen"/>).
    /// </summary>
    public static Mesh Extract(SampledGrid grid, bool allowOpen = false, AmbiguityRule rule = AmbiguityRule.SeparateInside)
    {
        bool open = grid.CheckMeshable("MarchingCubes", allowOpen);
        var table = CaseTable(rule);
        int n = grid.Samples - 1;
        var vertices = new EdgeVertices(grid);
        var triangles = new List<(int, int, int)>();
        var ids = new int[8];
        var points = new Vec3[8];
        var edgeVertex = new int[12];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                {
                    int bits = 0;
                    for (int c = 0; c < 8; c++)
                    {
                        ids[c] = grid.Index(i + (c & 1), j + (c >> 1 & 1), k + (c >> 2 & 1));
                        if (grid.Inside(ids[c])) bits |= 1 << c;
                    }
                    var cases = table[bits];
                    if (cases.Length == 0) continue;
                    for (int c = 0; c < 8; c++) points[c] = grid.Point(i + (c & 1), j + (c >> 1 & 1), k + (c >> 2 & 1));
                    Array.Fill(edgeVertex, -1);
                    int V(int e)
                    {
                        if (edgeVertex[e] < 0)
                        {
                            var (a, b) = Edges[e];
                            edgeVertex[e] = vertices.On(ids[a], ids[b], points[a], points[b]);
                        }
                        return edgeVertex[e];
                    }
                    for (int t = 0; t < cases.Length; t += 3) triangles.Add((V(cases[t]), V(cases[t + 1]), V(cases[t + 2])));
                }
        return new Mesh(vertices.Vertices, triangles, open);
    }

    /// <summary>f sampled at <paramref name="samples"/>³ points over [min, max], then meshed (level 0: f &lt; 0 is inside).</summary>
    public static Mesh Extract(Func<Vec3, double> f, Vec3 min, Vec3 max, int samples, bool allowOpen = false) =>
        Extract(SampledGrid.Sample(f, min, max, samples), allowOpen);
}
