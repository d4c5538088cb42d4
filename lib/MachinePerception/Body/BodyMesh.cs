using MachinePerception.Geometry;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>
/// The measurements that make one generated person differ from another: stature and the relative lengths, widths and
/// girths that the population of <see cref="BodyModelGenerator"/> varies (1 = average; Belly in metres of extra waist depth).
/// Thirteen numbers, some of which act together (girth scales every radius, the others parts of them), so the meshes
/// vary along a few dominant directions and many small ones — what PCA is for.
/// </summary>
public sealed record BodyMeasurements(double Stature = 1, double LegLength = 1, double ArmLength = 1, double ShoulderWidth = 1,
    double HipWidth = 1, double Girth = 1, double Belly = 0, double Muscle = 1, double TorsoLength = 1, double NeckLength = 1,
    double HeadSize = 1, double ChestDepth = 1, double ThighGirth = 1)
{
    public static BodyMeasurements Average { get; } = new();

    /// <summary>A random person: each factor Gaussian around 1 (stature ±5 %, girth ±10 %, …), belly ≥ 0.</summary>
    public static BodyMeasurements Sample(Rng rng) => new(
        Stature: 1 + 0.05 * rng.NextNormal(),
        LegLength: 1 + 0.04 * rng.NextNormal(),
        ArmLength: 1 + 0.04 * rng.NextNormal(),
        ShoulderWidth: 1 + 0.06 * rng.NextNormal(),
        HipWidth: 1 + 0.06 * rng.NextNormal(),
        Girth: Math.Max(0.75, 1 + 0.10 * rng.NextNormal()),
        Belly: Math.Max(0, 0.03 * rng.NextNormal()),
        Muscle: Math.Max(0.8, 1 + 0.08 * rng.NextNormal()),
        TorsoLength: 1 + 0.04 * rng.NextNormal(),
        NeckLength: 1 + 0.10 * rng.NextNormal(),
        HeadSize: 1 + 0.04 * rng.NextNormal(),
        ChestDepth: 1 + 0.07 * rng.NextNormal(),
        ThighGirth: 1 + 0.07 * rng.NextNormal());
}

/// <summary>
/// The generated body's mesh (§9.3: SMPL's template is an artist's mesh; ours is built): a mannequin of five closed tubes
/// (torso with neck and head, two legs ending in feet, two arms ending in hands) around SMPL's 24-joint skeleton in the
/// T-pose, y up, facing +z, the body's left at +x. Each tube is a path through joints, with rings of vertices (ellipses)
/// at fixed fractions of each bone and rounded caps, so every person has the same vertices in the same order — the
/// correspondence that a shape space needs. A ring sits centred on every joint it passes, so a joint is the mean of
/// its ring (the joint regressor). Skinning weights depend on the position along the path: 1 for the bone that carries
/// a ring, blended linearly to the neighbouring bone within a band around each joint.
/// </summary>
public sealed class BodyMesh
{
    /// <summary>One path: its points (a joint index, or −1 for a point placed relative to a joint), ring size, and per segment
    /// the number of rings, the joint whose rotation carries it, and its radii profile (u ∈ [0, 1], half-width, half-depth).</summary>
    sealed record Tube(string Name, int[] Joints, int RingSize, Vec3 WidthAxis, Segment[] Segments);

    sealed record Segment(int Rings, int Owner, (double U, double A, double B)[] Radii);

    /// <summary>Where each ring sits: tube, position along the path (arclength index), the joint it is centred on (−1: none).</summary>
    public sealed record Ring(int Tube, int FirstVertex, int Size, int Joint);

    public IReadOnlyList<Vec3> Vertices { get; }
    public IReadOnlyList<(int A, int B, int C)> Triangles { get; }

    /// <summary>Skinning weights [V, 24], each row summing to one.</summary>
    public double[,] Weights { get; }

    public IReadOnlyList<Ring> Rings { get; }

    /// <summary>The 24 joints in the rest pose.</summary>
    public IReadOnlyList<Vec3> Joints { get; }

    /// <summary>For each joint, the ring of vertices centred on it (its regressor row averages them).</summary>
    public IReadOnlyList<int> JointRing { get; }

    public int VertexCount => Vertices.Count;

    BodyMesh(Vec3[] vertices, (int, int, int)[] triangles, double[,] weights, Ring[] rings, Vec3[] joints, int[] jointRing)
    {
        Vertices = vertices;
        Triangles = triangles;
        Weights = weights;
        Rings = rings;
        Joints = joints;
        JointRing = jointRing;
    }

    public Mesh ToMesh() => new(Vertices, Triangles);

    /// <summary>SMPL's 24 rest joints (T-pose) for the given measurements, in metres, pelvis at the origin.</summary>
    public static Vec3[] RestJoints(BodyMeasurements m)
    {
        double s = m.Stature, leg = m.LegLength * s, arm = m.ArmLength * s, ws = m.ShoulderWidth * s, wh = m.HipWidth * s;
        double t = m.TorsoLength * s, neck = 0.07 * m.NeckLength * s;
        var j = new Vec3[24];
        j[0] = new(0, 0, 0);
        j[3] = new(0, 0.11 * t, -0.01 * s);
        j[6] = new(0, 0.25 * t, -0.01 * s);
        j[9] = new(0, 0.31 * t, 0);
        j[12] = new(0, 0.52 * t, -0.02 * s);
        j[15] = new(0, 0.52 * t + neck, 0.01 * s);
        foreach (int side in new[] { 1, -1 })
        {
            int o = side > 0 ? 0 : 1; // left joints have the smaller index
            j[1 + o] = new(side * 0.085 * wh, -0.07 * s, 0);
            j[4 + o] = j[1 + o] + new Vec3(side * 0.005 * s, -0.40 * leg, 0);
            j[7 + o] = j[4 + o] + new Vec3(0, -0.41 * leg, -0.025 * s);
            j[10 + o] = j[7 + o] + new Vec3(side * 0.005 * s, -0.055 * s, 0.12 * s);
            j[13 + o] = new(side * 0.075 * ws, 0.44 * t, -0.01 * s);
            j[16 + o] = new(side * 0.175 * ws, 0.45 * t, -0.02 * s);
            j[18 + o] = j[16 + o] + new Vec3(side * 0.27 * arm, 0, -0.01 * s);
            j[20 + o] = j[18 + o] + new Vec3(side * 0.25 * arm, 0, 0);
            j[22 + o] = j[20 + o] + new Vec3(side * 0.085 * arm, 0, 0);
        }
        return j;
    }

    // The five tubes. Path points with joint −1 are placed by ExtraPoint. Radii are for the average person in metres.
    static Tube[] Tubes(BodyMeasurements m)
    {
        double g = m.Girth, bel = m.Belly, mu = m.Muscle * m.Girth, ws = m.ShoulderWidth, wh = m.HipWidth, h = m.HeadSize;
        double chest = m.ChestDepth * g, thigh = m.ThighGirth * mu;
        var torso = new Tube("torso", [-1, 0, 3, 6, 9, 12, 15, -1], 16, new Vec3(1, 0, 0),
        [
            new(2, 0, [(0, 0.12 * wh * g, 0.09 * g), (1, 0.165 * wh * g, 0.11 * g)]),
            new(3, 0, [(0, 0.165 * wh * g, 0.11 * g), (1, 0.15 * g + bel, 0.105 * g + bel)]),
            new(4, 3, [(0, 0.15 * g + bel, 0.105 * g + bel), (0.5, 0.15 * g + bel, 0.11 * g + 1.2 * bel), (1, 0.155 * ws * g + 0.5 * bel, 0.11 * g + 0.5 * bel)]),
            new(2, 6, [(0, 0.155 * ws * g + 0.5 * bel, 0.11 * chest + 0.5 * bel), (1, 0.165 * ws * g, 0.115 * chest)]),
            new(5, 9, [(0, 0.165 * ws * g, 0.115 * chest), (0.55, 0.185 * ws * g, 0.10 * chest), (0.8, 0.12 * ws * g, 0.08 * g), (1, 0.06 * g, 0.06 * g)]),
            new(2, 12, [(0, 0.06 * g, 0.06 * g), (1, 0.065 * h, 0.072 * h)]),
            new(5, 15, [(0, 0.065 * h, 0.075 * h), (0.35, 0.08 * h, 0.095 * h), (0.7, 0.075 * h, 0.09 * h), (1, 0.045 * h, 0.05 * h)]),
        ]);
        Tube Leg(int side)
        {
            int o = side > 0 ? 0 : 1;
            return new Tube(side > 0 ? "left leg" : "right leg", [-1, 1 + o, 4 + o, 7 + o, 10 + o, -1], 12, new Vec3(1, 0, 0),
            [
                new(1, 0, [(0, 0.085 * g, 0.085 * g), (1, 0.085 * g, 0.085 * g)]),
                new(7, 1 + o, [(0, 0.085 * g, 0.085 * g), (0.3, 0.08 * thigh, 0.082 * thigh), (1, 0.055 * g, 0.055 * g)]),
                new(7, 4 + o, [(0, 0.055 * g, 0.055 * g), (0.3, 0.058 * mu, 0.062 * mu), (1, 0.038, 0.038)]),
                new(3, 7 + o, [(0, 0.038, 0.038), (1, 0.045, 0.028)]),
                new(2, 10 + o, [(0, 0.045, 0.028), (1, 0.04, 0.02)]),
            ]);
        }
        Tube Arm(int side)
        {
            int o = side > 0 ? 0 : 1;
            return new Tube(side > 0 ? "left arm" : "right arm", [-1, 13 + o, 16 + o, 18 + o, 20 + o, 22 + o, -1], 12, new Vec3(0, 0, 1),
            [
                new(1, 9, [(0, 0.05 * g, 0.05 * g), (1, 0.055 * g, 0.055 * g)]),
                new(2, 13 + o, [(0, 0.055 * g, 0.055 * g), (1, 0.055 * mu, 0.055 * mu)]),
                new(6, 16 + o, [(0, 0.055 * mu, 0.055 * mu), (0.45, 0.05 * mu, 0.05 * mu), (1, 0.04 * g, 0.04 * g)]),
                new(6, 18 + o, [(0, 0.04 * g, 0.04 * g), (0.25, 0.043 * mu, 0.043 * mu), (1, 0.029, 0.027)]),
                new(3, 20 + o, [(0, 0.029, 0.027), (0.5, 0.045, 0.016), (1, 0.045, 0.015)]),
                new(2, 22 + o, [(0, 0.045, 0.015), (1, 0.035, 0.012)]),
            ]);
        }
        return [torso, Leg(1), Leg(-1), Arm(1), Arm(-1)];
    }

    // The path points that are not joints: below the pelvis, above the head, above each hip, inside the chest, beyond the hand.
    static Vec3 ExtraPoint(string tube, bool start, Vec3[] j, double s, double head) => (tube, start) switch
    {
        ("torso", true) => j[0] + new Vec3(0, -0.12 * s, -0.005 * s),
        ("torso", false) => j[15] + new Vec3(0, 0.19 * s * head, 0),
        ("left leg", true) => j[1] + new Vec3(0, 0.05 * s, 0),
        ("right leg", true) => j[2] + new Vec3(0, 0.05 * s, 0),
        ("left leg", false) => j[10] + new Vec3(0, -0.005 * s, 0.065 * s),
        ("right leg", false) => j[11] + new Vec3(0, -0.005 * s, 0.065 * s),
        ("left arm", true) => j[13] + new Vec3(-0.045 * s, 0, 0),
        ("right arm", true) => j[14] + new Vec3(0.045 * s, 0, 0),
        ("left arm", false) => j[22] + new Vec3(0.09 * s, 0, 0),
        ("right arm", false) => j[23] + new Vec3(-0.09 * s, 0, 0),
        _ => throw new InvalidOperationException($"BodyMesh: no extra point for {tube}"),
    };

    static (double A, double B) Radius((double U, double A, double B)[] profile, double u)
    {
        for (int i = 1; i < profile.Length; i++)
            if (u <= profile[i].U)
            {
                var (u0, a0, b0) = profile[i - 1];
                var (u1, a1, b1) = profile[i];
                double t = (u - u0) / (u1 - u0);
                return (a0 + t * (a1 - a0), b0 + t * (b1 - b0));
            }
        return (profile[^1].A, profile[^1].B);
    }

    const int CapRings = 2;

    /// <summary>Builds the mesh of one person. The vertex order and the triangles are the same for every measurement set.</summary>
    public static BodyMesh Build(BodyMeasurements m)
    {
        var joints = RestJoints(m);
        var vertices = new List<Vec3>();
        var triangles = new List<(int, int, int)>();
        var weightRows = new List<double[]>();
        var rings = new List<Ring>();
        var jointRing = Enumerable.Repeat(-1, 24).ToArray();
        var tubes = Tubes(m);
        for (int ti = 0; ti < tubes.Length; ti++)
        {
            var tube = tubes[ti];
            var points = tube.Joints.Select((k, i) => k >= 0 ? joints[k] : ExtraPoint(tube.Name, i == 0, joints, m.Stature, m.HeadSize)).ToArray();
            int nSeg = tube.Segments.Length;
            var length = new double[nSeg];
            for (int i = 0; i < nSeg; i++) length[i] = (points[i + 1] - points[i]).Norm;
            var at = new double[nSeg + 1]; // arclength of each path point
            for (int i = 0; i < nSeg; i++) at[i + 1] = at[i] + length[i];
            // blend half-widths at interior path points: about the tube's radius there, at most 45 % of either neighbouring bone
            var delta = new double[nSeg + 1];
            for (int i = 1; i < nSeg; i++)
            {
                var (a, b) = Radius(tube.Segments[i].Radii, 0);
                delta[i] = Math.Min(Math.Max(0.03, 0.5 * (a + b)), 0.45 * Math.Min(length[i - 1], length[i]));
            }
            double Ramp(double sigma, int i) => i == 0 ? 1 : i == nSeg ? 0 : Math.Clamp((sigma - at[i] + delta[i]) / (2 * delta[i]), 0, 1);
            double[] WeightsAt(double sigma)
            {
                var w = new double[24];
                for (int i = 0; i < nSeg; i++) w[tube.Segments[i].Owner] += Ramp(sigma, i) - Ramp(sigma, i + 1);
                return w;
            }

            // stations: every ring of every segment, then the last path point
            var stations = new List<(Vec3 Centre, Vec3 Tangent, double A, double B, double Sigma, int Joint)>();
            for (int i = 0; i <= nSeg; i++)
            {
                int count = i < nSeg ? tube.Segments[i].Rings : 1;
                for (int r = 0; r < count; r++)
                {
                    double u = i < nSeg ? (double)r / count : 0;
                    Vec3 tangent;
                    double a, b;
                    if (i == nSeg)
                    {
                        tangent = (points[nSeg] - points[nSeg - 1]).Normalized();
                        (a, b) = Radius(tube.Segments[nSeg - 1].Radii, 1);
                    }
                    else
                    {
                        var dir = (points[i + 1] - points[i]).Normalized();
                        tangent = r == 0 && i > 0 ? (dir + (points[i] - points[i - 1]).Normalized()).Normalized() : dir;
                        (a, b) = Radius(tube.Segments[i].Radii, u);
                    }
                    var centre = i < nSeg ? points[i] + u * (points[i + 1] - points[i]) : points[nSeg];
                    stations.Add((centre, tangent, a, b, i < nSeg ? at[i] + u * length[i] : at[nSeg], r == 0 ? tube.Joints[i] : -1));
                }
            }

            int size = tube.RingSize;
            int ringStart = vertices.Count;
            void AddRing(Vec3 centre, Vec3 tangent, double a, double b, double scale, double[] w, int joint)
            {
                var n = (tube.WidthAxis - tube.WidthAxis.Dot(tangent) * tangent).Normalized();
                var bn = tangent.Cross(n);
                if (joint >= 0) jointRing[joint] = rings.Count;
                rings.Add(new Ring(ti, vertices.Count, size, joint));
                for (int j = 0; j < size; j++)
                {
                    double alpha = 2 * Math.PI * j / size;
                    vertices.Add(centre + (scale * a * Math.Cos(alpha)) * n + (scale * b * Math.Sin(alpha)) * bn);
                    weightRows.Add(w);
                }
            }
            // start cap: rings shrinking backwards along −t, like a quarter circle
            var first = stations[0];
            double rStart = 0.5 * (first.A + first.B);
            for (int c = CapRings; c >= 1; c--)
            {
                double phi = c * Math.PI / (2 * (CapRings + 1));
                AddRing(first.Centre - rStart * Math.Sin(phi) * first.Tangent, first.Tangent, first.A, first.B, Math.Cos(phi), WeightsAt(0), -1);
            }
            foreach (var st in stations) AddRing(st.Centre, st.Tangent, st.A, st.B, 1, WeightsAt(st.Sigma), st.Joint);
            var last = stations[^1];
            double rEnd = 0.5 * (last.A + last.B);
            for (int c = 1; c <= CapRings; c++)
            {
                double phi = c * Math.PI / (2 * (CapRings + 1));
                AddRing(last.Centre + rEnd * Math.Sin(phi) * last.Tangent, last.Tangent, last.A, last.B, Math.Cos(phi), WeightsAt(at[nSeg]), -1);
            }
            int ringCount = (vertices.Count - ringStart) / size;
            for (int r = 0; r + 1 < ringCount; r++)
                for (int j = 0; j < size; j++)
                {
                    int a0 = ringStart + r * size + j, a1 = ringStart + r * size + (j + 1) % size;
                    int b0 = a0 + size, b1 = a1 + size;
                    triangles.Add((a0, a1, b0));
                    triangles.Add((a1, b1, b0));
                }
            int startPole = vertices.Count;
            vertices.Add(first.Centre - rStart * first.Tangent);
            weightRows.Add(WeightsAt(0));
            int endPole = vertices.Count;
            vertices.Add(last.Centre + rEnd * last.Tangent);
            weightRows.Add(WeightsAt(at[nSeg]));
            int lastRing = ringStart + (ringCount - 1) * size;
            for (int j = 0; j < size; j++)
            {
                triangles.Add((startPole, ringStart + (j + 1) % size, ringStart + j));
                triangles.Add((endPole, lastRing + j, lastRing + (j + 1) % size));
            }
        }
        if (jointRing.Any(r => r < 0)) throw new InvalidOperationException("BodyMesh: a joint has no ring");
        var weights = new double[vertices.Count, 24];
        for (int i = 0; i < vertices.Count; i++)
            for (int k = 0; k < 24; k++) weights[i, k] = weightRows[i][k];
        return new BodyMesh(vertices.ToArray(), triangles.ToArray(), weights, rings.ToArray(), joints, jointRing);
    }

    /// <summary>The vertices of the given tube (0 torso, 1–2 legs, 3–4 arms) and the triangles among them.</summary>
    public Mesh TubeMesh(IReadOnlyList<Vec3> vertices, int tube)
    {
        var inTube = new HashSet<int>();
        foreach (var r in Rings.Where(r => r.Tube == tube))
            for (int j = 0; j < r.Size; j++) inTube.Add(r.FirstVertex + j);
        // the two poles follow the tube's last ring in vertex order
        var lastRing = Rings.Last(r => r.Tube == tube);
        inTube.Add(lastRing.FirstVertex + lastRing.Size);
        inTube.Add(lastRing.FirstVertex + lastRing.Size + 1);
        var ordered = inTube.Order().ToArray();
        var index = ordered.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var tris = Triangles.Where(t => inTube.Contains(t.A)).Select(t => (index[t.A], index[t.B], index[t.C])).ToArray();
        return new Mesh(ordered.Select(v => vertices[v]).ToArray(), tris);
    }
}
