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
        double cursor = 0, minY = double.MaxValue, maxY = double.MinValue;
        for (int m = 0; m < meshes.Count; m++)
        {
            var (label, mesh) = meshes[m];
            double minX = mesh.Vertices.Min(p => p.X), maxX = mesh.Vertices.Max(p => p.X);
            double shift = m == 0 ? 0 : cursor + gap - minX;
            cursor = maxX + shift;
            minY = Math.Min(minY, mesh.Vertices.Min(p => p.Y));
            maxY = Math.Max(maxY, mesh.Vertices.Max(p => p.Y));
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
        layout.Set("scene", FrontScene(cursor - meshes[0].Mesh.Vertices.Min(p => p.X), maxY - minY));
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
        var allX = poses.SelectMany((p, s) => p.Joints.Select(j => j.X + s * spread)).ToList();
        var allY = poses.SelectMany(p => p.Joints.Select(j => j.Y)).ToList();
        layout.Set("scene", FrontScene(allX.Max() - allX.Min(), allY.Max() - allY.Min()));
        layout.Set("legend", new Dictionary<string, object> { ["orientation"] = "h", ["x"] = 0, ["y"] = 0 });
        return Make(name, traces, layout, DefaultWidth, DefaultHeight, $"skeletons '{name}': {poses.Count} poses of {tree.Count} joints");
    }

    // y up, seen from the front, a little from the right and above, equal scales, no axes (a body needs no ticks). A scene
    // much wider than tall is seen from further away: seen from the right, its near end would otherwise leave the picture.
    static Dictionary<string, object> FrontScene(double width, double height)
    {
        double back = Math.Clamp(0.9 + 0.05 * width / Math.Max(height, 1e-9), 1, 1.3);
        var hidden = new Dictionary<string, object> { ["visible"] = false };
        return new Dictionary<string, object>
        {
            ["aspectmode"] = "data",
            ["camera"] = new Dictionary<string, object>
            {
                ["up"] = new Dictionary<string, object> { ["x"] = 0, ["y"] = 1, ["z"] = 0 },
                ["eye"] = new Dictionary<string, object> { ["x"] = 0.55 * back, ["y"] = 0.3 * back, ["z"] = 2.45 * back },
            },
            ["xaxis"] = hidden,
            ["yaxis"] = hidden,
            ["zaxis"] = hidden,
        };
    }
}
