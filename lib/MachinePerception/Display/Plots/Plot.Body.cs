using MachinePerception.Body;
using MachinePerception.Geometry;

namespace MachinePerception.Display.Plots;

// The 3-D figures of the body models (chapter 9): meshes side by side and skeletons, seen from the front with y up
// (SMPL's convention: y up, the body facing +z).
public static partial class Plot
{
    /// <summary>
    /// Several meshes in one interactive 3-D scene, placed side by side along x (each shifted so that its bounding box
    /// starts <paramref name="gap"/> after the previous one's), one colour each — or, with <paramref name="values"/>, every
    /// mesh coloured by a value per vertex (a skinning weight, an error) on one colour scale.
    /// </summary>
    public static Figure Bodies(string name, IReadOnlyList<(string Label, Mesh Mesh)> meshes, string? title = null,
        IReadOnlyList<IReadOnlyList<double>>? values = null, double gap = 0.15, string valueTitle = "", int width = DefaultWidth, int height = DefaultHeight)
    {
        CheckName("Plot.Bodies", name);
        if (meshes.Count == 0) throw new ArgumentException("Plot.Bodies: needs at least one mesh");
        if (values is not null && (values.Count != meshes.Count || values.Select((v, i) => v.Count != meshes[i].Mesh.Vertices.Count).Any(b => b)))
            throw new ArgumentException($"Plot.Bodies: values must give one number per vertex of each of the {meshes.Count} meshes");
        double lo = values?.SelectMany(v => v).Min() ?? 0, hi = values?.SelectMany(v => v).Max() ?? 1;
        var traces = new List<PlotlyObject>();
        double cursor = 0;
        var placed = new List<Vec3>();
        for (int m = 0; m < meshes.Count; m++)
        {
            var (label, mesh) = meshes[m];
            double minX = mesh.Vertices.Min(p => p.X), maxX = mesh.Vertices.Max(p => p.X);
            double shift = m == 0 ? 0 : cursor + gap - minX;
            cursor = maxX + shift;
            placed.AddRange(mesh.Vertices.Select(p => p + new Vec3(shift, 0, 0)));
            var t = Trace("mesh3d", label);
            t.Set("x", Floats(mesh.Vertices.Select(p => p.X + shift)));
            t.Set("y", Floats(mesh.Vertices.Select(p => p.Y)));
            t.Set("z", Floats(mesh.Vertices.Select(p => p.Z)));
            t.Set("i", mesh.Triangles.Select(f => f.A).ToArray());
            t.Set("j", mesh.Triangles.Select(f => f.B).ToArray());
            t.Set("k", mesh.Triangles.Select(f => f.C).ToArray());
            if (values is null) t.Set("color", Colors[m % Colors.Length]);
            else
            {
                t.Set("intensity", Floats(values[m]));
                t.Set("colorscale", "Viridis");
                t.Set("cmin", lo);
                t.Set("cmax", hi > lo ? hi : lo + 1);
                t.Set("showscale", m == 0);
                if (m == 0) t.Set("colorbar", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = valueTitle } });
            }
            t.Set("flatshading", false);
            t.Set("lighting", new Dictionary<string, object> { ["ambient"] = 0.45, ["diffuse"] = 0.8, ["specular"] = 0.05 });
            // plotly's default light comes from the side (x, y large, z = 0) and leaves a front view dark: light from the viewer's side
            t.Set("lightposition", new Dictionary<string, object> { ["x"] = 100000, ["y"] = 100000, ["z"] = 100000 });
            t.Set("showlegend", true);
            traces.Add(t);
        }
        var layout = Layout(title ?? name);
        layout.Set("scene", FrontScene(placed, width, height));
        layout.Set("legend", new Dictionary<string, object> { ["orientation"] = "h", ["x"] = 0, ["y"] = 0 });
        return Make(name, traces, layout, width, height,
            $"3-D scene '{name}': {meshes.Count} meshes, {meshes.Sum(m => m.Mesh.Vertices.Count)} vertices");
    }

    /// <summary>
    /// Skeletons as 3-D stick figures: each pose its joints [K] drawn as the tree's bones, one colour per pose (a truth and
    /// its estimates, say), optionally shifted apart along x by <paramref name="spread"/> metres.
    /// </summary>
    public static Figure Skeletons(string name, KinematicTree tree, IReadOnlyList<(string Label, IReadOnlyList<Vec3> Joints)> poses,
        string? title = null, double spread = 0)
    {
        CheckName("Plot.Skeletons", name);
        if (poses.Count == 0) throw new ArgumentException("Plot.Skeletons: needs at least one pose");
        var traces = new List<PlotlyObject>();
        for (int s = 0; s < poses.Count; s++)
        {
            var (label, joints) = poses[s];
            if (joints.Count != tree.Count) throw new ArgumentException($"Plot.Skeletons: pose '{label}' has {joints.Count} joints, the tree {tree.Count}");
            var xs = new List<double>();
            var ys = new List<double>();
            var zs = new List<double>();
            foreach (var (p, c) in tree.Bones())
            {
                xs.AddRange([joints[p].X + s * spread, joints[c].X + s * spread, double.NaN]);
                ys.AddRange([joints[p].Y, joints[c].Y, double.NaN]);
                zs.AddRange([joints[p].Z, joints[c].Z, double.NaN]);
            }
            var t = Trace("scatter3d", label);
            t.Set("mode", "lines+markers");
            t.Set("x", Floats(xs));
            t.Set("y", Floats(ys));
            t.Set("z", Floats(zs));
            var color = Colors[s % Colors.Length];
            t.Set("line", new Dictionary<string, object> { ["color"] = color, ["width"] = 6 });
            t.Set("marker", new Dictionary<string, object> { ["color"] = color, ["size"] = 3 });
            traces.Add(t);
        }
        var layout = Layout(title ?? name);
        layout.Set("scene", FrontScene(poses.SelectMany((p, s) => p.Joints.Select(j => j + new Vec3(s * spread, 0, 0))).ToList(), DefaultWidth, DefaultHeight));
        layout.Set("legend", new Dictionary<string, object> { ["orientation"] = "h", ["x"] = 0, ["y"] = 0 });
        return Make(name, traces, layout, DefaultWidth, DefaultHeight, $"skeletons '{name}': {poses.Count} poses of {tree.Count} joints");
    }

    // y up, seen from the front, a little from the right and above, equal scales, no axes (a body needs no ticks).
    static Dictionary<string, object> FrontScene(IReadOnlyList<Vec3> points, int width, int height)
    {
        double back = EyeDistance(points, width, height);
        var hidden = new Dictionary<string, object> { ["visible"] = false };
        return new Dictionary<string, object>
        {
            ["aspectmode"] = "data",
            ["camera"] = new Dictionary<string, object>
            {
                ["up"] = new Dictionary<string, object> { ["x"] = 0, ["y"] = 1, ["z"] = 0 },
                ["eye"] = new Dictionary<string, object> { ["x"] = Eye.X * back, ["y"] = Eye.Y * back, ["z"] = Eye.Z * back },
            },
            ["xaxis"] = hidden,
            ["yaxis"] = hidden,
            ["zaxis"] = hidden,
        };
    }

    static readonly Vec3 Eye = new(0.55, 0.3, 2.45);

    // How far back (a factor ≥ 1 on Eye) the camera must stand for the whole scene to show. Plotly draws a scene with
    // aspectmode "data" in a box whose sides are the axes' ranges (each padded by 1/16; an empty one widened to 2) divided
    // by their geometric mean, centred on the origin, through a perspective camera with a 45° vertical field of view that
    // fills the plot area (the figure less its margins). A scene much wider than a body (bodies side by side) or thinner
    // (one limb) would otherwise leave the picture: we step back until every corner of the data's box projects inside 95 %
    // of that field of view.
    static double EyeDistance(IReadOnlyList<Vec3> points, int width, int height)
    {
        double[] range =
        [
            points.Max(p => p.X) - points.Min(p => p.X), points.Max(p => p.Y) - points.Min(p => p.Y), points.Max(p => p.Z) - points.Min(p => p.Z),
        ];
        double mean = Math.Cbrt(range.Aggregate(1.0, (product, r) => product * (r > 0 ? r * 17 / 16 : 2)));
        var half = new Vec3(range[0] / mean / 2, range[1] / mean / 2, range[2] / mean / 2);
        double tanY = 0.95 * Math.Tan(Math.PI / 8), tanX = tanY * (width - 80.0) / (height - 100.0);   // margins of Layout
        bool Fits(double back)
        {
            var eye = back * Eye;
            var forward = (-1 * eye).Normalized();
            var right = forward.Cross(new Vec3(0, 1, 0)).Normalized();
            var up = right.Cross(forward);
            for (int corner = 0; corner < 8; corner++)
            {
                var d = new Vec3((corner & 1) == 0 ? -half.X : half.X, (corner & 2) == 0 ? -half.Y : half.Y, (corner & 4) == 0 ? -half.Z : half.Z) - eye;
                double depth = d.Dot(forward);
                if (Math.Abs(d.Dot(right)) > tanX * depth || Math.Abs(d.Dot(up)) > tanY * depth) return false;
            }
            return true;
        }
        int steps = 0;
        while (steps < 60 && !Fits(1 + 0.05 * steps)) steps++;
        return 1 + 0.05 * steps;
    }
}
