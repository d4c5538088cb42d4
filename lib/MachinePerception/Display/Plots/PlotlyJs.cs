namespace MachinePerception.Display.Plots;

/// <summary>
/// plotly.js, taken from the copy that Plotly.NET.dll carries as an embedded resource (so nothing is
/// downloaded and the repository holds no second copy). A page loads it once; every chart's script then
/// only calls <c>Plotly.newPlot</c>. The resource is read from the DLL file in a load context of its own, without
/// running any of Plotly.NET's code, so this works inside the .NET Interactive kernel too.
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
        var path = PlotlyNetDll();
        var context = new System.Runtime.Loader.AssemblyLoadContext("plotly.js", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(path);
            using var stream = assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException(
                    $"PlotlyJs: {path} has no resource '{ResourceName}'; it has: " + string.Join(", ", assembly.GetManifestResourceNames()));
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        finally { context.Unload(); }
    });

    // Beside this library (a build folder, a package's lib folder), or wherever a loaded Plotly.NET came from.
    static string PlotlyNetDll()
    {
        var beside = Path.Combine(Path.GetDirectoryName(typeof(PlotlyJs).Assembly.Location) ?? "", "Plotly.NET.dll");
        if (File.Exists(beside)) return beside;
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "Plotly.NET" && !string.IsNullOrEmpty(a.Location));
        return loaded?.Location ?? throw new FileNotFoundException(
            $"PlotlyJs: Plotly.NET.dll (which carries plotly.js) is not beside {typeof(PlotlyJs).Assembly.Location}");
    }

    /// <summary>The minified script's bytes.</summary>
    public static ReadOnlySpan<byte> Content => Bytes.Value;

    /// <summary>
    /// A script element that defines <c>window.Plotly</c> unless the page has it: plotly.js inline (≈3.6 MB), for hosts
    /// that cannot load a file next to the page (the .NET Interactive kernel in VS Code or JupyterLab). plotly.js's
    /// module wrapper would register with an AMD loader instead of defining the global when the page has one, so
    /// <c>define</c> is hidden from it.
    /// </summary>
    public static string InlineScript() =>
        "<script>if(typeof window.Plotly==='undefined'){(function(define){" +
        System.Text.Encoding.UTF8.GetString(Content).Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase) +
        "\n})(undefined);}</script>";

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
