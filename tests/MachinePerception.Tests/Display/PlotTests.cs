using System.Buffers.Binary;
using System.Text;
using MachinePerception.Display;
using MachinePerception.Display.Plots;
using MachinePerception.Geometry;
using Xunit;
using Tensor = MachinePerception.Tensors.Tensor;

namespace MachinePerception.Tests.Display;

// One class: the tests share the figure counter, the chapter name and the images folder (process-wide state).
public sealed class PlotTests : IDisposable
{
    readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("mp-plot-tests-");
    readonly string savedImages = Figure.ImagesFolder;
    readonly bool savedChromium = Figure.UseChromium;
    readonly string? savedChapter = Notebook.Chapter;

    public PlotTests()
    {
        Figure.ImagesFolder = Path.Combine(folder.FullName, "images");
        Figure.UseChromium = false;
        Notebook.Chapter = "07-test";
        ElementIds.Reset();
    }

    public void Dispose()
    {
        Figure.ImagesFolder = savedImages;
        Figure.UseChromium = savedChromium;
        Notebook.Chapter = savedChapter;
        folder.Delete(recursive: true);
    }

    static (int Width, int Height) Ihdr(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.Equal(signature, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    static Figure Loss() => Plot.Loss("loss", ("train", [2.5, 1.25, 0.625]), ("test", [3.0, 1.5, double.NaN]));

    [Fact]
    public void Line_chart_html_holds_the_data_and_no_cdn()
    {
        var html = Loss().ToDisplay().Data[FormattedValue.Html];
        Assert.Contains("\"y\":[2.5,1.25,0.625]", html);
        Assert.Contains("\"y\":[3,1.5,null]", html);          // NaN becomes a gap, never invalid JSON
        Assert.Contains("\"type\":\"log\"", html);
        Assert.Contains("\"name\":\"train\"", html);
        Assert.Contains("Plotly.newPlot", html);
        Assert.DoesNotContain("http", html);                      // no CDN, no script src of any kind
        Assert.DoesNotContain("<script src", html);
    }

    [Fact]
    public void Element_ids_come_from_the_counter_and_repeat_after_a_reset()
    {
        var first = new[] { Loss().ToDisplay(), Loss().ToDisplay() }.Select(d => d.Data[FormattedValue.Html]).ToArray();
        Assert.Contains("id=\"plot-1\"", first[0]);
        Assert.Contains("id=\"plot-2\"", first[1]);
        ElementIds.Reset();
        var again = new[] { Loss().ToDisplay(), Loss().ToDisplay() }.Select(d => d.Data[FormattedValue.Html]).ToArray();
        Assert.Equal(first, again);
        Assert.DoesNotMatch("[0-9a-f]{8}-[0-9a-f]{4}-", first[0]); // no GUIDs
    }

    [Fact]
    public void Script_cannot_be_closed_by_a_title()
    {
        var html = Plot.Lines("t", [("a", [1.0, 2.0])], title: "</script><b>x").ToDisplay().Data[FormattedValue.Html];
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "</script>"));
    }

    [Fact]
    public void Image_grid_is_a_valid_png_of_the_right_size_saved_under_the_chapter_name_and_identical_on_rerun()
    {
        // 5 grey 3×4 images in rows of 2: 3 rows; each cell is the image plus a 1-pixel gap, scaled ×2.
        var images = Tensor.FromArray(Enumerable.Range(0, 5 * 12).Select(i => (i % 12) / 11.0).ToArray(), 5, 1, 3, 4);
        var shown = Plot.ImageGrid("samples", images, columns: 2, scale: 2).ToDisplay();
        var png = Convert.FromBase64String(shown.Data[FormattedValue.Png]);
        Assert.Equal(((2 * 5 + 1) * 2, (3 * 4 + 1) * 2), Ihdr(png));
        var file = Path.Combine(Figure.ImagesFolder, "07-test-samples.png");
        Assert.Equal(png, File.ReadAllBytes(file));
        var again = Plot.ImageGrid("samples", images, columns: 2, scale: 2).ToDisplay();
        Assert.Equal(shown.Data[FormattedValue.Png], again.Data[FormattedValue.Png]);
        Assert.False(shown.Data.ContainsKey(FormattedValue.Html)); // a picture needs no script
    }

    [Fact]
    public void Labelled_image_grid_is_a_chart_of_the_same_picture_with_a_tick_per_row_and_column()
    {
        var images = Tensor.FromArray(Enumerable.Range(0, 6 * 4).Select(i => (i % 4) / 3.0).ToArray(), 6, 1, 2, 2);
        var plain = Plot.ImageGrid("plain", images, columns: 3, scale: 2);
        var labelled = Plot.ImageGrid("labelled", images, columns: 3, scale: 2, rowLabels: ["first", "second"], columnLabels: ["a", "b", "c"]);
        var chart = labelled.Chart!;
        var trace = chart["data"]![0]!;
        Assert.Equal("image", trace["type"]!.GetValue<string>());
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(plain.ToPng()!.Bytes), trace["source"]!.GetValue<string>());
        var layout = chart["layout"]!;
        Assert.Equal(["first", "second"], layout["yaxis"]!["ticktext"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["a", "b", "c"], layout["xaxis"]!["ticktext"]!.AsArray().Select(v => v!.GetValue<string>()));
        // row k's centre in scaled pixels: (gap + k (h + gap) + h/2) · scale = (1 + 3k + 1) · 2
        Assert.Equal([4.0, 10.0], layout["yaxis"]!["tickvals"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Contains("rows: first, second", labelled.ToString());
        var e = Assert.Throws<ArgumentException>(() => Plot.ImageGrid("bad", images, columns: 3, rowLabels: ["only one"]));
        Assert.Contains("1 row labels for 2 rows", e.Message);
    }

    [Fact]
    public void Density_panels_put_each_path_on_its_own_axes_with_a_title()
    {
        IReadOnlyList<(double X, double Y)> Line(double c) => [(0, 0), (c, c)];
        var figure = Plot.DensityPanels("panels", (x, y) => x * x + y * y, (-1, 1), (-1, 1), [("first", Line(0.5)), ("second", Line(-0.5)), ("third", Line(0.2))],
            columns: 2, resolution: 5);
        var chart = figure.Chart!;
        var data = chart["data"]!.AsArray();
        Assert.Equal(6, data.Count);                                          // a surface and a path per panel
        Assert.Equal(["x", "x", "x2", "x2", "x3", "x3"], data.Select(t => t!["xaxis"]!.GetValue<string>()));
        Assert.Equal(-0.5, data[3]!["x"]![1]!.GetValue<double>());
        var layout = chart["layout"]!;
        Assert.Equal(2, layout["grid"]!["rows"]!.GetValue<int>());
        Assert.Equal(["first", "second", "third"], layout["annotations"]!.AsArray().Select(a => a!["text"]!.GetValue<string>()));
        Assert.Equal(1, data.Count(t => t!["showscale"]?.GetValue<bool>() == true));
        Assert.Throws<ArgumentException>(() => Plot.DensityPanels("none", (x, y) => 0, (-1, 1), (-1, 1), []));
    }

    [Fact]
    public void Image_grid_places_pixels_where_a_plain_loop_says()
    {
        // Two RGB 2×2 images, one column: image k, channel c, pixel (y, x) has value (k*12 + c*4 + y*2 + x) / 23.
        var data = Enumerable.Range(0, 24).Select(i => i / 23.0).ToArray();
        var figure = Plot.ImageGrid("rgb", Tensor.FromArray(data, 2, 3, 2, 2), columns: 1, scale: 1);
        var expected = PngImage.FromPixels(ReferenceGrid(data), 4, 7, 3);
        Assert.Equal(expected.Bytes, figure.ToPng()!.Bytes);

        static byte[] ReferenceGrid(double[] d)
        {
            var p = Enumerable.Repeat((byte)255, 4 * 7 * 3).ToArray();
            for (int k = 0; k < 2; k++)
                for (int c = 0; c < 3; c++)
                    for (int y = 0; y < 2; y++)
                        for (int x = 0; x < 2; x++)
                            p[((1 + k * 3 + y) * 4 + 1 + x) * 3 + c] = (byte)Math.Round(255 * d[k * 12 + c * 4 + y * 2 + x]);
            return p;
        }
    }

    [Fact]
    public void Density_mesh_cloud_and_vector_field_carry_their_data()
    {
        var density = Plot.Density("bowl", (x, y) => x * x + y * y, (-1, 1), (-1, 1), resolution: 3,
            paths: [("gd", [(1.0, 1.0), (0.5, 0.5), (0.0, 0.0)])]).FigureJson;
        Assert.Contains("\"z\":[[2,1,2],[1,0,1],[2,1,2]]", density);
        Assert.Contains("\"x\":[1,0.5,0]", density);

        var mesh = new Mesh([new Vec3(0, 0, 0), new Vec3(1, 0, 0), new Vec3(0, 1, 0), new Vec3(0, 0, 1)],
                            [(0, 2, 1), (0, 1, 3), (0, 3, 2), (1, 2, 3)]);
        var meshJson = Plot.Mesh("tet", mesh).FigureJson;
        Assert.Contains("\"type\":\"mesh3d\"", meshJson);
        Assert.Contains("\"i\":[0,0,0,1]", meshJson);
        Assert.Contains("\"k\":[1,3,2,3]", meshJson);

        var cloud = Plot.PointCloud("cloud", Tensor.FromArray([0.0, 1, 2, 3, 4, 5], 2, 3)).FigureJson;
        Assert.Contains("\"z\":[2,5]", cloud);

        // One arrow from (1, 2) along (2, 0): shaft to (3, 2), then head strokes back from the tip.
        var field = Plot.VectorField("flow", Tensor.FromArray([1.0, 2], 1, 2), Tensor.FromArray([2.0, 0], 1, 2)).FigureJson;
        Assert.Contains("\"x\":[1,3,null,3,", field);
        Assert.Contains("\"y\":[2,2,null,2,", field);
    }

    [Fact]
    public void Tree_sizes_every_node_by_its_leaves_and_rejects_malformed_trees()
    {
        var json = Plot.Tree("taxonomy", [("r", "root", null), ("a", "A", "r"), ("a1", "A1", "a"), ("a2", "A2", "a"), ("b", "B", "r")]).FigureJson;
        Assert.Contains("\"type\":\"icicle\"", json);
        Assert.Contains("\"parents\":[\"\",\"r\",\"a\",\"a\",\"r\"]", json);
        Assert.Contains("\"values\":[3,2,1,1,1]", json);            // a parent spans its leaves: every leaf the same size
        Assert.Contains("\"branchvalues\":\"total\"", json);
        var e = Assert.Throws<ArgumentException>(() => Plot.Tree("t", [("a", "A", "r"), ("r", "root", null)]));
        Assert.StartsWith("Plot.Tree", e.Message);
        Assert.Contains("'r'", e.Message);
        Assert.StartsWith("Plot.Tree", Assert.Throws<ArgumentException>(() => Plot.Tree("t", [("r", "R", null), ("r", "again", "r")])).Message);
        Assert.StartsWith("Plot.Tree", Assert.Throws<ArgumentException>(() => Plot.Tree("t", [("r", "R", null), ("s", "S", null)])).Message);
    }

    [Fact]
    public void Every_kind_of_chart_is_a_Plotly_NET_chart_that_writes_back_the_same_figure()
    {
        var mesh = new Mesh([new(0, 0, 0), new(1, 0, 0), new(0, 1, 0)], [(0, 1, 2)]);
        Figure[] figures =
        [
            Loss(),
            Plot.Scatter("s", Tensor.FromArray([0.0, 0, 1, 1], 2, 2), [0, 1]),
            Plot.Density("d", (x, y) => x * y, (0, 1), (0, 1), resolution: 3, paths: [("p", [(0.0, 0.0), (1.0, 1.0)])]),
            Plot.Mesh("m", mesh),
            Plot.PointCloud("c", Tensor.FromArray([0.0, 1, 2, 3, 4, 5], 2, 3), [0.5, 1]),
            Plot.VectorField("v", Tensor.FromArray([1.0, 2], 1, 2), Tensor.FromArray([2.0, 0], 1, 2)),
            Plot.Tree("t", [("r", "root", null), ("a", "leaf", "r")]),
        ];
        foreach (var f in figures)
        {
            var ours = System.Text.Json.Nodes.JsonNode.Parse(f.FigureJson)!;
            var back = System.Text.Json.Nodes.JsonNode.Parse(Plotly.NET.GenericChart.toFigureJson(f.ToPlotlyNet()))!.AsObject();
            Assert.Empty(back["frames"]!.AsArray());   // Plotly.NET adds an empty animation list
            back.Remove("frames");
            Assert.True(SameJson(ours, back), $"{f.Name}: ours {ours.ToJsonString()}\nPlotly.NET {back.ToJsonString()}");
        }
    }

    // Equal as plotly.js reads them: numbers by value (Plotly.NET writes 3 as 3.0), objects by key, arrays in order.
    static bool SameJson(System.Text.Json.Nodes.JsonNode? a, System.Text.Json.Nodes.JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (System.Text.Json.Nodes.JsonObject x, System.Text.Json.Nodes.JsonObject y) =>
            x.Count == y.Count && x.All(p => y.ContainsKey(p.Key) && SameJson(p.Value, y[p.Key])),
        (System.Text.Json.Nodes.JsonArray x, System.Text.Json.Nodes.JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => SameJson(p.First, p.Second)),
        (System.Text.Json.Nodes.JsonValue x, System.Text.Json.Nodes.JsonValue y) when x.GetValueKind() == System.Text.Json.JsonValueKind.Number
            && y.GetValueKind() == System.Text.Json.JsonValueKind.Number => (float)x.GetValue<double>() == (float)y.GetValue<double>(),
        (System.Text.Json.Nodes.JsonValue x, System.Text.Json.Nodes.JsonValue y) => x.ToJsonString() == y.ToJsonString(),
        _ => false,
    };

    [Fact]
    public void Scatter_gives_one_trace_per_class()
    {
        var points = Tensor.FromArray([0.0, 0, 1, 1, 2, 2, 3, 3], 4, 2);
        var json = Plot.Scatter("classes", points, [1, 0, 1, 0], ["cat", "dog"]).FigureJson;
        Assert.Contains("\"name\":\"cat\",\"mode\":\"markers\",\"x\":[1,3]", json);
        Assert.Contains("\"name\":\"dog\",\"mode\":\"markers\",\"x\":[0,2]", json);
    }

    [Fact]
    public void Lines_with_markers_mark_every_point_and_keep_gaps()
    {
        var json = Plot.Lines("sparse", [("every third", [1.0, double.NaN, double.NaN, 4.0])], markers: true).FigureJson;
        Assert.Equal("lines+markers", Mode(json));
        Assert.Contains("\"y\":[1,null,null,4]", json);
        Assert.Equal("lines", Mode(Plot.Lines("plain", [("a", [1.0, 2.0])]).FigureJson));
    }

    static string Mode(string figureJson) => System.Text.Json.Nodes.JsonNode.Parse(figureJson)!["data"]![0]!["mode"]!.GetValue<string>();

    static Mesh Box(double w, double h, double d = 0.1) => new([new(0, 0, 0), new(w, 0, 0), new(0, h, 0), new(w, h, d)], [(0, 1, 2), (1, 3, 2)]);

    static double EyeZ(string figureJson) =>
        System.Text.Json.Nodes.JsonNode.Parse(figureJson)!["layout"]!["scene"]!["camera"]!["eye"]!["z"]!.GetValue<double>();

    [Fact]
    public void Bodies_sit_side_by_side_and_a_wide_scene_is_seen_from_further_away()
    {
        var json = Plot.Bodies("two", [("a", Box(1, 2)), ("b", Box(1, 2))], gap: 0.5).FigureJson;
        Assert.Contains("\"x\":[0,1,0,1]", json);                     // the first mesh where it is
        Assert.Contains("\"x\":[1.5,2.5,1.5,2.5]", json);             // the second starts 0.5 after the first ends
        double single = EyeZ(Plot.Bodies("one", [("a", Box(1.7, 1.8, 0.3))]).FigureJson);     // a body's proportions
        double wide = EyeZ(Plot.Bodies("row", Enumerable.Range(0, 6).Select(i => ($"{i}", Box(1.7, 1.8, 0.3))).ToList()).FigureJson);
        double thin = EyeZ(Plot.Bodies("limb", [("arm", Box(0.1, 0.7, 0.1))]).FigureJson);
        Assert.Equal(2.45, single, 12);                                  // seen from the usual eye
        Assert.True(wide > 1.2 * single, $"six bodies side by side: eye at z = {wide}, a single body's {single}");
        Assert.True(thin > 1.1 * single, $"one thin limb (plotly scales its box by the ranges' geometric mean): eye at z = {thin}");
        var skeleton = new MachinePerception.Body.KinematicTree([-1, 0]);
        var pose = new Vec3[] { new(0, 0, 0), new(0, 1, 0) };
        Assert.Equal(2.45, EyeZ(Plot.Skeletons("s", skeleton, [("p", pose)]).FigureJson), 12);
    }

    [Fact]
    public void Body_plots_name_what_is_wrong()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Bodies("b", [("a", Box(1, 1))], values: [[1.0, 2.0]]));
        Assert.StartsWith("Plot.Bodies", e.Message);
        var skeleton = new MachinePerception.Body.KinematicTree([-1, 0, 1]);
        e = Assert.Throws<ArgumentException>(() => Plot.Skeletons("s", skeleton, [("p", [new Vec3(0, 0, 0)])]));
        Assert.Contains("'p' has 1 joints, the tree 3", e.Message);
    }

    [Fact]
    public void Bad_input_names_the_helper_and_the_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Scatter("s", Tensor.FromArray([1.0, 2, 3], 1, 3)));
        Assert.StartsWith("Plot.Scatter", e.Message);
        Assert.Contains("[1, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.ImageGrid("g", Tensor.FromArray([1.0, 2], 1, 2)));
        Assert.StartsWith("Plot.ImageGrid", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Loss("Bad Name", ("a", [1.0])));
        Assert.StartsWith("Plot.Lines", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Lines("x", [("a", [1.0, 2])], x: [1.0]));
        Assert.Contains("'a' has 2 values but x has 1", e.Message);
    }

    [Fact]
    public void Plotly_js_comes_from_plotly_net()
    {
        var head = Encoding.UTF8.GetString(PlotlyJs.Content[..300]);
        Assert.Contains("plotly.js v2.28.0", head);
        Assert.True(PlotlyJs.Content.Length > 3_000_000);
    }

    [Fact]
    public void Text_chunk_round_trips_and_keeps_a_valid_png()
    {
        var png = PngImage.FromPixels([1, 2, 3, 4], 2, 2, 1).Bytes;
        var tagged = Figure.WithText(png, "mp-figure", "abc123");
        Assert.Equal((2, 2), Ihdr(tagged));
        Assert.Equal("abc123", Figure.ReadText(tagged, "mp-figure"));
        Assert.Null(Figure.ReadText(png, "mp-figure"));
        Assert.Equal(png.Length + 12 + "mp-figure\0abc123".Length, tagged.Length);
    }

    [Fact]
    public void Chromium_renders_a_chart_to_png_and_a_rerun_gives_the_same_bytes()
    {
        if (!Chromium.Available) return; // the machine has no browser: the HTML-only path is tested above
        Figure.UseChromium = true;
        var first = Loss().ToDisplay();
        var png = Convert.FromBase64String(first.Data[FormattedValue.Png]);
        Assert.Equal((Plot.DefaultWidth, Plot.DefaultHeight), Ihdr(png));
        Assert.Contains("<img id=\"plot-1-png\"", first.Data[FormattedValue.Html]);
        ElementIds.Reset();
        var second = Loss().ToDisplay();
        Assert.Equal(first.Data[FormattedValue.Png], second.Data[FormattedValue.Png]);
        Assert.Equal(first.Data[FormattedValue.Html], second.Data[FormattedValue.Html]);
    }
}
