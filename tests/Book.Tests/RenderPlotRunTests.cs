using System.Text.Json.Nodes;
using MachinePerception.Display.Plots;
using static MachinePerception.Book.Tests.BookTool;

namespace MachinePerception.Book.Tests;

/// <summary>Charts in a chapter run by <c>book run</c>: the outputs the notebook keeps, the PNG files, and a byte-identical re-run.</summary>
public sealed class RenderPlotRunTests
{
    static JsonObject CodeCell(string source) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(),
        ["source"] = new JsonArray(source),
    };

    [Fact]
    public void A_chart_cell_keeps_html_and_png_and_a_rerun_is_byte_identical()
    {
        var folder = Directory.CreateTempSubdirectory("render-plot-run-").FullName;
        try
        {
            var path = Path.Combine(folder, "05-charts.ipynb");
            File.WriteAllText(path, new JsonObject
            {
                ["cells"] = new JsonArray(
                    CodeCell("using MachinePerception.Display.Plots;"),
                    CodeCell("display(Plot.Loss(\"loss\", (\"train\", new double[] { 1, 0.5, 0.25 })));"),
                    CodeCell("Plot.ImageGrid(\"grid\", MachinePerception.Tensors.Tensor.FromArray(new double[] { 0, 0.5, 1, 0.25 }, 1, 1, 2, 2))")),
            }.ToJsonString());

            var first = Run("run", path);
            Assert.True(first.Code == 0, first.StdErr);
            var notebook = Load(path);
            var chart = (JsonObject)Outputs(notebook, 2).Single()!["data"]!;
            Assert.Contains("id=\"plot-1\"", Joined(chart["text/html"]));
            Assert.Equal("line chart 'loss': 1 series", Joined(chart["text/plain"]));
            if (Chromium.Available)
                Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "images", "05-charts-loss.png")),
                             Convert.FromBase64String(chart["image/png"]!.GetValue<string>()));
            else
                Assert.Null(chart["image/png"]);
            var grid = (JsonObject)Outputs(notebook, 3).Single()!["data"]!;
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "images", "05-charts-grid.png")),
                         Convert.FromBase64String(grid["image/png"]!.GetValue<string>()));

            var bytes = File.ReadAllBytes(path);
            var second = Run("run", path);
            Assert.True(second.Code == 0, second.StdErr);
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
