namespace MachinePerception.Display.Plots;

/// <summary>
/// plotly.js, taken from the copy that Plotly.NET.dll carries as an embedded resource (so nothing is
/// downloaded and the repository holds no second copy). A page loads it once; every chart's script then
/// only calls <c>Plotly.newPlot</c>.
/// </summary>
public static class PlotlyJs
{
    /// <summary>The plotly.js version Plotly.NET 6.0.0 embeds.</summary>
    public const string Version = "2.28.0";

    /// <summary>The file name a page refers to (e.g. <c>plotly-2.28.0.min.js</c>).</summary>
    public const string FileName = "plotly-" + Version + ".min.js";

    const string ResourceName = "Plotly.NET.plotly-" + Version + ".min.js";

    static readonly Lazy<byte[]> Bytes = new(() =>
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"PlotlyJs: {assembly.GetName().Name} has no resource '{ResourceName}'; it has: " +
                string.Join(", ", assembly.GetManifestResourceNames()));
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The minified script's bytes.</summary>
    public static ReadOnlySpan<byte> Content => Bytes.Value;

    /// <summary>Writes <see cref="FileName"/> into <paramref name="folder"/> (unless an identical copy is there) and returns its path.</summary>
    public static string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length != Bytes.Value.Length) File.WriteAllBytes(path, Bytes.Value);
        return path;
    }
}
