namespace MachinePerception.Data;

/// <summary>
/// Finds the repository's <c>data/</c> folder, which ships small real dataset subsets so that a fresh
/// clone runs offline. Order: the environment variable MP_DATA_DIR; then the folder holding
/// MachinePerception.sln found by walking up from the current directory; then the same walk from the
/// library's assembly location (a notebook may run from anywhere inside the repository).
/// </summary>
public static class DataDirectory
{
    /// <summary>Environment variable naming the data folder directly.</summary>
    public const string EnvironmentVariable = "MP_DATA_DIR";

    const string SolutionFile = "MachinePerception.sln";

    /// <summary>The data folder, or an exception that lists every place searched.</summary>
    public static string Find()
    {
        var searched = new List<string>();
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (Directory.Exists(fromEnv)) return Path.GetFullPath(fromEnv);
            throw new DirectoryNotFoundException($"DataDirectory: {EnvironmentVariable} = {fromEnv} is not a folder");
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Path.GetDirectoryName(typeof(DataDirectory).Assembly.Location) })
        {
            if (string.IsNullOrEmpty(start)) continue;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)) && Directory.Exists(Path.Combine(dir.FullName, "data")))
                    return Path.Combine(dir.FullName, "data");
            }
            searched.Add(start);
        }
        throw new DirectoryNotFoundException(
            $"DataDirectory: no folder holding {SolutionFile} and data/ above {string.Join(" or ", searched)}; set {EnvironmentVariable} to the data folder");
    }
}
