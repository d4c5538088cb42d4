namespace MachinePerception.Geometry;

/// <summary>
/// A triangle mesh: shared vertices and triangles as index triples, counter-clockwise seen from outside.
/// <see cref="IsOpen"/> marks a mesh its maker knows to be open (a surface clipped by the box it was extracted in).
/// </summary>
public sealed class Mesh(IReadOnlyList<Vec3> vertices, IReadOnlyList<(int A, int B, int C)> triangles, bool isOpen = false)
{
    public IReadOnlyList<Vec3> Vertices { get; } = vertices;
    public IReadOnlyList<(int A, int B, int C)> Triangles { get; } = triangles;

    /// <summary>True when the surface was cut off by the extraction box: area and volume then describe only a piece.</summary>
    public bool IsOpen { get; } = isOpen;

    /// <summary>Σ ½‖(b − a) × (c − a)‖ over the triangles.</summary>
    public double Area()
    {
        double area = 0;
        foreach (var (a, b, c) in Triangles)
            area += 0.5 * (Vertices[b] - Vertices[a]).Cross(Vertices[c] - Vertices[a]).Norm;
        return area;
    }

    /// <summary>
    /// The enclosed volume by the divergence theorem: Σ a·(b × c)/6 over outward-oriented triangles
    /// (the signed volumes of the tetrahedra from the origin to each face).
    /// </summary>
    public double Volume()
    {
        if (IsOpen) throw new InvalidOperationException($"Mesh.Volume: the mesh is open ({Triangles.Count} triangles, clipped by its extraction box): it encloses no volume");
        double v = 0;
        foreach (var (a, b, c) in Triangles)
            v += Vertices[a].Dot(Vertices[b].Cross(Vertices[c])) / 6;
        return v;
    }

    /// <summary>Directed edges with no triangle running the other way: the border of a hole (0 for a closed, consistently oriented mesh).</summary>
    public int OpenEdges()
    {
        var directed = new HashSet<(int, int)>();
        foreach (var (a, b, c) in Triangles)
            foreach (var e in new[] { (a, b), (b, c), (c, a) }) directed.Add(e);
        return directed.Count(e => !directed.Contains((e.Item2, e.Item1)));
    }

    /// <summary>
    /// True when every edge is shared by exactly two triangles that traverse it in opposite directions: a closed,
    /// consistently oriented surface (what a volume needs).
    /// </summary>
    public bool IsClosedAndOriented()
    {
        var directed = new Dictionary<(int, int), int>();
        foreach (var (a, b, c) in Triangles)
            foreach (var e in new[] { (a, b), (b, c), (c, a) })
                directed[e] = directed.GetValueOrDefault(e) + 1;
        foreach (var ((u, v), count) in directed)
            if (count != 1 || directed.GetValueOrDefault((v, u)) != 1) return false;
        return true;
    }
}
