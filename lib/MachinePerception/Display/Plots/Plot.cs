using System.Globalization;
using MachinePerception.Geometry;

namespace MachinePerception.Display.Plots;

/// <summary>
/// The book's charts: loss curves, scatter plots by class, density maps with optimizer paths, image grids,
/// 3-D meshes and point clouds, vector fields. Each returns a <see cref="Figure"/>; showing it in a chapter gives an
/// interactive chart plus a PNG (see <see cref="Figure"/>). Traces and layouts are written as plotly.js figure JSON with
/// plotly.js's own attribute names (<see cref="PlotlyObject"/>), so its reference documents every field used here.
/// <code>display(Plot.Loss("vae-loss", ("train", trainLoss), ("test", testLoss)));</code>
/// The <c>name</c> argument names the PNG file (<c>images/&lt;chapter&gt;-&lt;name&gt;.png</c>).
/// </summary>
public static partial class Plot
{
    /// <summary>Class colours (the ten of Tableau's palette), used in order for series and labels.</summary>
    public static readonly string[] Colors =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public const int DefaultWidth = 640, DefaultHeight = 420;

    // ---------- line and loss curves ----------

    /// <summary>
    /// Several curves over a shared x (default 1, 2, …): one line per series, in order. <paramref name="logY"/>
    /// puts y on a log scale (losses that fall over orders of magnitude); <paramref name="markers"/> also marks every point
    /// (a series measured only at some x, NaN elsewhere, then shows its isolated values).
    /// </summary>
    public static Figure Lines(string name, IReadOnlyList<(string Label, IReadOnlyList<double> Y)> series,
        IReadOnlyList<double>? x = null, bool logY = false, string? title = null, string xTitle = "step", string yTitle = "", bool markers = false)
    {
        CheckName("Plot.Lines", name);
        if (series.Count == 0) throw new ArgumentException("Plot.Lines: needs at least one series");
        var traces = new List<PlotlyObject>();
        for (int s = 0; s < series.Count; s++)
        {
            var (label, y) = series[s];
            if (x is not null && x.Count != y.Count)
                throw new ArgumentException($"Plot.Lines: series '{label}' has {y.Count} values but x has {x.Count}");
            var t = Trace("scatter", label);
            t.Set("mode", markers ? "lines+markers" : "lines");
            t.Set("x", x is null ? Enumerable.Range(1, y.Count).ToArray() : Floats(x));
            t.Set("y", Floats(y));
            t.Set("line", new Dictionary<string, object> { ["color"] = Colors[s % Colors.Length], ["width"] = 2 });
            traces.Add(t);
        }
        var layout = Layout(title ?? name);
        layout.Set("xaxis", Axis(xTitle));
        var yAxis = Axis(yTitle);
        if (logY) yAxis["type"] = "log";
        layout.Set("yaxis", yAxis);
        return Make(name, traces, layout, DefaultWidth, DefaultHeight, $"line chart '{name}': {series.Count} series");
    }

    /// <summary>Curves that each have their own x values (e.g. quality against wall-clock time of runs with different step rates).</summary>
    public static Figure Lines(string name, IReadOnlyList<(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y)> series,
        bool logX = false, bool logY = false, string? title = null, string xTitle = "x", string yTitle = "")
    {
        CheckName("Plot.Lines", name);
        if (series.Count == 0) throw new ArgumentException("Plot.Lines: needs at least one series");
        var traces = new List<PlotlyObject>();
        for (int s = 0; s < series.Count; s++)
        {
            var (label, x, y) = series[s];
            if (x.Count != y.Count) throw new ArgumentException($"Plot.Lines: series '{label}' has {x.Count} x values and {y.Count} y values");
            var t = Trace("scatter", label);
            t.Set("mode", "lines");
            t.Set("x", Floats(x));
            t.Set("y", Floats(y));
            t.Set("line", new Dictionary<string, object> { ["color"] = Colors[s % Colors.Length], ["width"] = 2 });
            traces.Add(t);
        }
        var layout = Layout(title ?? name);
        var xAxis = Axis(xTitle);
        if (logX) xAxis["type"] = "log";
        layout.Set("xaxis", xAxis);
        var yAxis = Axis(yTitle);
        if (logY) yAxis["type"] = "log";
        layout.Set("yaxis", yAxis);
        return Make(name, traces, layout, DefaultWidth, DefaultHeight, $"line chart '{name}': {series.Count} series");
    }

    /// <summary>Loss curves per epoch on a log scale: <c>Plot.Loss("vae-loss", ("train", a), ("test", b))</c>.</summary>
    public static Figure Loss(string name, params (string Label, IReadOnlyList<double> Y)[] series) =>
        Lines(name, series, logY: true, title: name, xTitle: "epoch", yTitle: "loss");

    // ---------- scatter ----------

    /// <summary>Points [N, 2]; with labels, one colour and one legend entry per class (labels 0…K-1).</summary>
    public static Figure Scatter(string name, Tensor points, IReadOnlyList<int>? labels = null,
        IReadOnlyList<string>? classNames = null, string? title = null, double markerSize = 5, string xTitle = "x₁", string yTitle = "x₂")
    {
        CheckName("Plot.Scatter", name);
        if (points.Shape.Rank != 2 || points.Shape[1] != 2)
            throw new ArgumentException($"Plot.Scatter: points must be [N, 2], got {points.Shape}");
        int n = points.Shape[0];
        if (labels is not null && labels.Count != n)
            throw new ArgumentException($"Plot.Scatter: {labels.Count} labels for {n} points");
        var p = points.ToDoubleArray();
        var traces = new List<PlotlyObject>();
        var classes = labels is null ? [0] : labels.Distinct().Order().ToArray();
        foreach (int c in classes)
        {
            var rows = Enumerable.Range(0, n).Where(i => labels is null || labels[i] == c).ToArray();
            var label = labels is null ? name : classNames is not null && c >= 0 && c < classNames.Count
                ? classNames[c] : c.ToString(CultureInfo.InvariantCulture);
            var t = Trace("scatter", label);
            t.Set("mode", "markers");
            t.Set("x", Floats(rows.Select(i => p[2 * i])));
            t.Set("y", Floats(rows.Select(i => p[2 * i + 1])));
            t.Set("marker", new Dictionary<string, object>
            {
                ["color"] = Colors[((c % Colors.Length) + Colors.Length) % Colors.Length],
                ["size"] = markerSize,
            });
            traces.Add(t);
        }
        var layout = Layout(title ?? name);
        layout.Set("xaxis", Axis(xTitle));
        layout.Set("yaxis", Axis(yTitle));
        return Make(name, traces, layout, DefaultWidth, DefaultHeight, $"scatter plot '{name}': {n} points, {classes.Length} classes");
    }

    // ---------- density / heat map with paths ----------

    /// <summary>
    /// A 2-D function on a grid as a heat map (or filled contours) with optimizer paths drawn on top: values [ny, nx]
    /// at x[j], y[i]; each path a list of (x, y) points, e.g. the iterates of gradient descent on that surface.
    /// </summary>
    public static Figure Density(string name, Tensor values, IReadOnlyList<double> x, IReadOnlyList<double> y,
        IReadOnlyList<(string Label, IReadOnlyList<(double X, double Y)> Path)>? paths = null, bool contour = false, string? title = null)
    {
        CheckName("Plot.Density", name);
        if (values.Shape.Rank != 2 || values.Shape[0] != y.Count || values.Shape[1] != x.Count)
            throw new ArgumentException($"Plot.Density: values must be [ny, nx] = [{y.Count}, {x.Count}], got {values.Shape}");
        var v = values.ToDoubleArray();
        var z = new float?[y.Count][];
        for (int i = 0; i < y.Count; i++) z[i] = Floats(v.Skip(i * x.Count).Take(x.Count));
        var map = Trace(contour ? "contour" : "heatmap", name);
        map.Set("x", Floats(x));
        map.Set("y", Floats(y));
        map.Set("z", z);
        map.Set("colorscale", "Viridis");
        map.Set("showscale", true);
        var traces = new List<PlotlyObject> { map };
        if (paths is not null)
            for (int s = 0; s < paths.Count; s++)
            {
                var (label, path) = paths[s];
                var t = Trace("scatter", label);
                t.Set("mode", "lines+markers");
                t.Set("x", Floats(path.Select(q => q.X)));
                t.Set("y", Floats(path.Select(q => q.Y)));
                var color = Colors[(s + 1) % Colors.Length];
                t.Set("line", new Dictionary<string, object> { ["color"] = color, ["width"] = 2 });
                t.Set("marker", new Dictionary<string, object> { ["color"] = color, ["size"] = 4 });
                traces.Add(t);
            }
        var layout = Layout(title ?? name);
        layout.Set("xaxis", Axis("x"));
        layout.Set("yaxis", Axis("y"));
        // the colour bar takes the right margin, so the paths' legend goes in a row under the plot
        if (paths is { Count: > 0 })
        {
            layout.Set("legend", new Dictionary<string, object> { ["orientation"] = "h", ["x"] = 0, ["y"] = -0.22, ["yanchor"] = "top" });
            layout.Set("margin", new Dictionary<string, object> { ["l"] = 60, ["r"] = 20, ["t"] = 50, ["b"] = 110 });
        }
        return Make(name, traces, layout, DefaultWidth, DefaultHeight,
            $"{(contour ? "contour" : "heat map")} '{name}': {y.Count}×{x.Count} grid, {paths?.Count ?? 0} paths");
    }

    /// <summary>
    /// <paramref name="f"/>(x, y) sampled on a <paramref name="resolution"/>² grid over the given ranges, drawn by
    /// <see cref="Density(string, Tensor, IReadOnlyList{double}, IReadOnlyList{double}, IReadOnlyList{ValueTuple{string, IReadOnlyList{ValueTuple{double, double}}}}?, bool, string?)"/>.
    /// </summary>
    public static Figure Density(string name, Func<double, double, double> f, (double Min, double Max) xRange,
        (double Min, double Max) yRange, int resolution = 80,
        IReadOnlyList<(string Label, IReadOnlyList<(double X, double Y)> Path)>? paths = null, bool contour = false, string? title = null)
    {
        if (resolution < 2) throw new ArgumentException($"Plot.Density: resolution must be ≥ 2, got {resolution}");
        var xs = Grid(xRange, resolution);
        var ys = Grid(yRange, resolution);
        var z = new double[resolution * resolution];
        for (int i = 0; i < resolution; i++)
            for (int j = 0; j < resolution; j++) z[i * resolution + j] = f(xs[j], ys[i]);
        return Density(name, Tensor.FromArray(z, resolution, resolution), xs, ys, paths, contour, title);
    }

    /// <summary>
    /// Small multiples: one panel per path, each the same function <paramref name="f"/> on the same grid (heat map or
    /// filled contours) with that one path drawn on it, <paramref name="columns"/> panels per row, one shared colour bar.
    /// For comparing optimizers whose paths would hide each other on one map.
    /// </summary>
    public static Figure DensityPanels(string name, Func<double, double, double> f, (double Min, double Max) xRange, (double Min, double Max) yRange,
        IReadOnlyList<(string Label, IReadOnlyList<(double X, double Y)> Path)> paths, int columns = 3, int resolution = 60, bool contour = true,
        string? title = null)
    {
        CheckName("Plot.DensityPanels", name);
        if (paths.Count == 0) throw new ArgumentException("Plot.DensityPanels: needs at least one path");
        if (columns < 1) throw new ArgumentException($"Plot.DensityPanels: columns must be ≥ 1, got {columns}");
        if (resolution < 2) throw new ArgumentException($"Plot.DensityPanels: resolution must be ≥ 2, got {resolution}");
        var xs = Grid(xRange, resolution);
        var ys = Grid(yRange, resolution);
        var z = new float?[resolution][];
        for (int i = 0; i < resolution; i++) z[i] = Floats(xs.Select(x => f(x, ys[i])));
        int cols = Math.Min(columns, paths.Count), rows = (paths.Count + cols - 1) / cols;
        var traces = new List<PlotlyObject>();
        var layout = Layout(title ?? name);
        var annotations = new List<Dictionary<string, object>>();
        for (int p = 0; p < paths.Count; p++)
        {
            string suffix = p == 0 ? "" : (p + 1).ToString(CultureInfo.InvariantCulture);
            var map = Trace(contour ? "contour" : "heatmap", paths[p].Label + " (surface)");
            map.Set("x", Floats(xs));
            map.Set("y", Floats(ys));
            map.Set("z", z);
            map.Set("colorscale", "Viridis");
            map.Set("showscale", p == 0);
            map.Set("showlegend", false);
            map.Set("xaxis", "x" + suffix);
            map.Set("yaxis", "y" + suffix);
            traces.Add(map);
            var path = Trace("scatter", paths[p].Label);
            path.Set("mode", "lines+markers");
            path.Set("x", Floats(paths[p].Path.Select(q => q.X)));
            path.Set("y", Floats(paths[p].Path.Select(q => q.Y)));
            path.Set("line", new Dictionary<string, object> { ["color"] = "#e15759", ["width"] = 2 });
            path.Set("marker", new Dictionary<string, object> { ["color"] = "#e15759", ["size"] = 3 });
            path.Set("showlegend", false);
            path.Set("xaxis", "x" + suffix);
            path.Set("yaxis", "y" + suffix);
            traces.Add(path);
            var xAxis = Axis(p / cols == rows - 1 ? "x" : "");
            xAxis["range"] = new[] { xRange.Min, xRange.Max };
            var yAxis = Axis(p % cols == 0 ? "y" : "");
            yAxis["range"] = new[] { yRange.Min, yRange.Max };
            layout.Set("xaxis" + suffix, xAxis);
            layout.Set("yaxis" + suffix, yAxis);
            annotations.Add(new Dictionary<string, object>
            {
                ["text"] = paths[p].Label, ["showarrow"] = false, ["xref"] = $"x{suffix} domain", ["yref"] = $"y{suffix} domain",
                ["x"] = 0.5, ["y"] = 1.0, ["xanchor"] = "center", ["yanchor"] = "bottom",
            });
        }
        layout.Set("grid", new Dictionary<string, object> { ["rows"] = rows, ["columns"] = cols, ["pattern"] = "independent", ["ygap"] = 0.3 });
        layout.Set("annotations", annotations);
        return Make(name, traces, layout, 300 * cols + 120, 260 * rows + 80,
            $"{(contour ? "contour" : "heat map")} panels '{name}': {paths.Count} panels of {resolution}×{resolution}, {rows}×{cols}");
    }

    static double[] Grid((double Min, double Max) r, int n)
    {
        if (!(r.Max > r.Min)) throw new ArgumentException($"Plot.Density: range needs max > min, got ({r.Min}, {r.Max})");
        return Enumerable.Range(0, n).Select(k => r.Min + (r.Max - r.Min) * k / (n - 1)).ToArray();
    }

    // ---------- image grids ----------

    /// <summary>
    /// Images [N, C, H, W] (C = 1 grey or 3 RGB) tiled <paramref name="columns"/> per row with a 1-pixel gap, each pixel
    /// enlarged <paramref name="scale"/> times: samples of a generative model, reconstructions, filters. Values map
    /// linearly from [min, max] to black…white; <paramref name="perImage"/> stretches each image to its own range
    /// (filters, whose scale varies). Drawn by the library's own rasterizer: no browser, byte-identical on re-runs.
    /// With <paramref name="rowLabels"/> (one per row), <paramref name="columnLabels"/> (one per column) or a
    /// <paramref name="title"/>, the grid becomes a chart: the same picture as a plotly image with the labels as axis
    /// ticks (rows on the left, columns on top), so that a reader sees what each row and column shows.
    /// </summary>
    public static Figure ImageGrid(string name, Tensor images, int columns = 8, double min = 0, double max = 1,
        int scale = 2, bool perImage = false, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null,
        string? title = null)
    {
        CheckName("Plot.ImageGrid", name);
        var s = images.Shape;
        if (s.Rank != 4 || s[1] is not (1 or 3))
            throw new ArgumentException($"Plot.ImageGrid: images must be [N, C, H, W] with C = 1 or 3, got {s}");
        if (columns < 1) throw new ArgumentException($"Plot.ImageGrid: columns must be ≥ 1, got {columns}");
        if (!perImage && !(max > min)) throw new ArgumentException($"Plot.ImageGrid: needs max > min, got min={min}, max={max}");
        int n = s[0], c = s[1], h = s[2], w = s[3], cols = Math.Min(columns, n), rows = (n + cols - 1) / cols;
        const int gap = 1;
        int W = cols * (w + gap) + gap, H = rows * (h + gap) + gap;
        var d = images.ToDoubleArray();
        var pixels = new byte[W * H * c];
        Array.Fill(pixels, (byte)255); // white gaps between images
        for (int k = 0; k < n; k++)
        {
            var image = d.AsSpan(k * c * h * w, c * h * w);
            double lo = min, hi = max;
            if (perImage)
            {
                lo = double.PositiveInfinity; hi = double.NegativeInfinity;
                foreach (var v in image) if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
                if (!(hi > lo)) { lo = double.IsFinite(lo) ? lo - 0.5 : 0; hi = lo + 1; }
            }
            int top = gap + (k / cols) * (h + gap), left = gap + (k % cols) * (w + gap);
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        double v = (image[(ch * h + y) * w + x] - lo) / (hi - lo);
                        pixels[((top + y) * W + left + x) * c + ch] = (byte)Math.Round(255 * Math.Clamp(double.IsNaN(v) ? 0 : v, 0, 1));
                    }
        }
        var picture = PngImage.FromPixels(pixels, W, H, c, scale);
        string description = $"image grid '{name}': {n} images {h}×{w}, {rows}×{cols}";
        if (rowLabels is null && columnLabels is null && title is null) return new Figure(name, picture, description);

        if (rowLabels is not null && rowLabels.Count != rows)
            throw new ArgumentException($"Plot.ImageGrid: {rowLabels.Count} row labels for {rows} rows ({n} images, {cols} per row)");
        if (columnLabels is not null && columnLabels.Count != cols)
            throw new ArgumentException($"Plot.ImageGrid: {columnLabels.Count} column labels for {cols} columns");
        // the picture in its own pixel coordinates (scaled), labels at the centres of the rows and columns
        var pictureTrace = Trace("image", name);
        pictureTrace.Set("source", "data:image/png;base64," + Convert.ToBase64String(picture.Bytes));
        pictureTrace.Set("hoverinfo", "skip");
        double Centre(int k, int size) => (gap + k * (size + gap) + size / 2.0) * scale;
        Dictionary<string, object> LabelAxis(IReadOnlyList<string>? labels, int count, int size) => labels is null
            ? new() { ["showticklabels"] = false, ["showgrid"] = false, ["zeroline"] = false, ["ticks"] = "" }
            : new()
            {
                ["tickmode"] = "array", ["tickvals"] = Enumerable.Range(0, count).Select(k => Centre(k, size)).ToArray(),
                ["ticktext"] = labels.ToArray(), ["showgrid"] = false, ["zeroline"] = false, ["ticks"] = "",
            };
        var xAxis = LabelAxis(columnLabels, cols, w);
        xAxis["side"] = "top";
        xAxis["range"] = new[] { -0.5, W * scale - 0.5 };
        var yAxis = LabelAxis(rowLabels, rows, h);
        yAxis["range"] = new[] { H * scale - 0.5, -0.5 };
        yAxis["scaleanchor"] = "x";
        var layout = Layout(title ?? name);
        layout.Set("xaxis", xAxis);
        layout.Set("yaxis", yAxis);
        int marginLeft = 20 + 7 * Math.Max(0, rowLabels?.Max(l => l.Length) ?? 0), marginTop = 50 + (columnLabels is null ? 0 : 30);
        layout.Set("margin", new Dictionary<string, object> { ["l"] = marginLeft, ["r"] = 20, ["t"] = marginTop, ["b"] = 20 });
        string labelled = (rowLabels is null ? "" : $"; rows: {string.Join(", ", rowLabels)}") +
                          (columnLabels is null ? "" : $"; columns: {string.Join(", ", columnLabels)}");
        return Make(name, [pictureTrace], layout, W * scale + marginLeft + 20, H * scale + marginTop + 20, description + labelled);
    }

    // ---------- 3-D ----------

    /// <summary>A triangle mesh (e.g. from marching tetrahedra, §appendix) as a shaded 3-D surface.</summary>
    public static Figure Mesh(string name, Mesh mesh, string? title = null, string color = "#4e79a7")
    {
        CheckName("Plot.Mesh", name);
        var t = Trace("mesh3d", name);
        t.Set("x", Floats(mesh.Vertices.Select(v => v.X)));
        t.Set("y", Floats(mesh.Vertices.Select(v => v.Y)));
        t.Set("z", Floats(mesh.Vertices.Select(v => v.Z)));
        t.Set("i", mesh.Triangles.Select(f => f.A).ToArray());
        t.Set("j", mesh.Triangles.Select(f => f.B).ToArray());
        t.Set("k", mesh.Triangles.Select(f => f.C).ToArray());
        t.Set("color", color);
        t.Set("flatshading", true);
        // Less ambient light than plotly's default (0.8), so faces turned away from the light read as darker.
        t.Set("lighting", new Dictionary<string, object> { ["ambient"] = 0.5, ["diffuse"] = 0.9, ["specular"] = 0.1 });
        var layout = Layout(title ?? name);
        layout.Set("scene", new Dictionary<string, object> { ["aspectmode"] = "data" });
        return Make(name, [t], layout, DefaultWidth, DefaultHeight,
            $"mesh '{name}': {mesh.Vertices.Count} vertices, {mesh.Triangles.Count} triangles");
    }

    /// <summary>Points [N, 3] as a 3-D point cloud, optionally coloured by a value per point (e.g. an SDF).</summary>
    public static Figure PointCloud(string name, Tensor points, IReadOnlyList<double>? values = null, string? title = null, double markerSize = 2)
    {
        CheckName("Plot.PointCloud", name);
        if (points.Shape.Rank != 2 || points.Shape[1] != 3)
            throw new ArgumentException($"Plot.PointCloud: points must be [N, 3], got {points.Shape}");
        int n = points.Shape[0];
        if (values is not null && values.Count != n)
            throw new ArgumentException($"Plot.PointCloud: {values.Count} values for {n} points");
        var p = points.ToDoubleArray();
        var t = Trace("scatter3d", name);
        t.Set("mode", "markers");
        t.Set("x", Floats(Enumerable.Range(0, n).Select(i => p[3 * i])));
        t.Set("y", Floats(Enumerable.Range(0, n).Select(i => p[3 * i + 1])));
        t.Set("z", Floats(Enumerable.Range(0, n).Select(i => p[3 * i + 2])));
        var marker = new Dictionary<string, object> { ["size"] = markerSize };
        if (values is null) marker["color"] = Colors[0];
        else { marker["color"] = Floats(values); marker["colorscale"] = "Viridis"; marker["showscale"] = true; }
        t.Set("marker", marker);
        var layout = Layout(title ?? name);
        layout.Set("scene", new Dictionary<string, object> { ["aspectmode"] = "data" });
        return Make(name, [t], layout, DefaultWidth, DefaultHeight, $"point cloud '{name}': {n} points");
    }

    // ---------- vector fields ----------

    /// <summary>
    /// A 2-D vector field (a gradient field, a flow's velocity) as arrows: at each position [N, 2] a segment along
    /// its vector [N, 2] times <paramref name="scale"/>, with a small two-stroke head. All arrows are one trace: the
    /// segments are separated by null points, which plotly.js leaves unconnected.
    /// </summary>
    public static Figure VectorField(string name, Tensor positions, Tensor vectors, double scale = 1, string? title = null)
    {
        CheckName("Plot.VectorField", name);
        if (positions.Shape.Rank != 2 || positions.Shape[1] != 2 || !vectors.Shape.Equals(positions.Shape))
            throw new ArgumentException($"Plot.VectorField: positions and vectors must both be [N, 2], got {positions.Shape} and {vectors.Shape}");
        var p = positions.ToDoubleArray();
        var v = vectors.ToDoubleArray();
        int n = positions.Shape[0];
        var xs = new List<double>();
        var ys = new List<double>();
        void Segment(double x0, double y0, double x1, double y1)
        {
            xs.Add(x0); ys.Add(y0); xs.Add(x1); ys.Add(y1); xs.Add(double.NaN); ys.Add(double.NaN);
        }
        const double headLength = 0.25, headAngle = 0.45; // head: a quarter of the arrow, ±26°
        for (int i = 0; i < n; i++)
        {
            double x0 = p[2 * i], y0 = p[2 * i + 1], dx = scale * v[2 * i], dy = scale * v[2 * i + 1];
            double x1 = x0 + dx, y1 = y0 + dy;
            Segment(x0, y0, x1, y1);
            if (dx == 0 && dy == 0) continue;
            foreach (var turn in (double[])[headAngle, -headAngle])
            {
                // The head's strokes point back from the tip: the arrow's direction rotated by 180° ± the head angle.
                double c = Math.Cos(Math.PI + turn), s = Math.Sin(Math.PI + turn);
                Segment(x1, y1, x1 + headLength * (c * dx - s * dy), y1 + headLength * (s * dx + c * dy));
            }
        }
        var t = Trace("scatter", name);
        t.Set("mode", "lines");
        t.Set("x", Floats(xs));
        t.Set("y", Floats(ys));
        t.Set("line", new Dictionary<string, object> { ["color"] = Colors[0], ["width"] = 1.5 });
        var layout = Layout(title ?? name);
        layout.Set("xaxis", Axis("x"));
        layout.Set("yaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "y" }, ["scaleanchor"] = "x" });
        return Make(name, [t], layout, DefaultWidth, DefaultHeight, $"vector field '{name}': {n} arrows");
    }

    // ---------- shared pieces ----------

    static PlotlyObject Trace(string type, string label) => PlotlyObject.Trace(type, label);

    static PlotlyObject Layout(string title)
    {
        var layout = new PlotlyObject();
        layout.Set("title", new Dictionary<string, object> { ["text"] = title });
        layout.Set("margin", new Dictionary<string, object> { ["l"] = 60, ["r"] = 20, ["t"] = 50, ["b"] = 50 });
        layout.Set("paper_bgcolor", "#ffffff");
        return layout;
    }

    static Dictionary<string, object> Axis(string title) => new() { ["title"] = new Dictionary<string, object> { ["text"] = title } };

    static Figure Make(string name, IReadOnlyList<PlotlyObject> traces, PlotlyObject layout, int width, int height, string description)
    {
        layout.Set("width", width);
        layout.Set("height", height);
        return new Figure(name, PlotlyObject.Figure(traces, layout), width, height, description);
    }

    // Single precision is plenty on screen and halves the JSON; NaN and ±∞ become null, which JSON allows and
    // plotly.js draws as a gap.
    static float?[] Floats(IEnumerable<double> values) =>
        values.Select(v => double.IsFinite(v) ? (float?)(float)v : null).ToArray();

    static void CheckName(string op, string name)
    {
        if (string.IsNullOrEmpty(name) || !name.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            throw new ArgumentException($"{op}: the name '{name}' names a PNG file: use lower-case letters, digits and '-'");
    }
}
