using System.Text.Json;
using System.Text.Json.Nodes;

namespace MachinePerception.Display.Plots;

/// <summary>
/// A plotly.js trace or layout as the JSON object plotly.js reads (its reference documents every attribute:
/// https://plotly.com/javascript/reference/). <see cref="Plot"/> builds figures from these directly rather than through
/// Plotly.NET, because Plotly.NET cannot load inside the .NET Interactive kernel (it needs a newer FSharp.Core than the
/// kernel's own); <see cref="Figure.ToPlotlyNet"/> turns a figure into a Plotly.NET chart where that library loads.
/// Attributes keep the order in which they are set, so the JSON, and the PNG hashed from it, are the same on every run.
/// </summary>
internal sealed class PlotlyObject
{
    public JsonObject Json { get; } = [];

    /// <summary>A trace of the given plotly.js type (scatter, heatmap, mesh3d, ...) with its legend name.</summary>
    public static PlotlyObject Trace(string type, string name)
    {
        var t = new PlotlyObject();
        t.Set("type", type);
        t.Set("name", name);
        return t;
    }

    /// <summary>Sets an attribute to a value: a string, number, bool, array, or a dictionary for a nested object.</summary>
    public void Set(string attribute, object? value) =>
        Json[attribute] = value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType());

    /// <summary>The figure JSON <c>{"data": [traces], "layout": {...}}</c>.</summary>
    public static JsonObject Figure(IEnumerable<PlotlyObject> traces, PlotlyObject layout) => new()
    {
        ["data"] = new JsonArray([.. traces.Select(t => (JsonNode)t.Json)]),
        ["layout"] = layout.Json,
    };
}
