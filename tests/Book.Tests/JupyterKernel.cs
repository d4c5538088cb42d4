using System.Diagnostics;

namespace MachinePerception.Book.Tests;

/// <summary>
/// The real .NET Interactive kernel, driven through Jupyter's own client: <c>jupyter nbconvert --execute</c> (Debian's
/// jupyter-nbconvert and python3-nbclient) with the <c>.net-csharp</c> kernelspec that <c>dotnet interactive jupyter
/// install</c> registers (scripts/setup.sh installs all of it). Tests that need it are skipped with the reason when it
/// is missing, unless <c>BOOK_REQUIRE_KERNEL=1</c> (set by CI), where a missing kernel is a failure.
/// </summary>
public static class JupyterKernel
{
    public const string KernelName = ".net-csharp";

    static readonly string Tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");

    /// <summary>Why the kernel cannot run here, or null when it can.</summary>
    public static string? MissingReason => missing.Value;

    /// <summary>True when a missing kernel must fail the tests rather than skip them.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("BOOK_REQUIRE_KERNEL") == "1";

    static readonly Lazy<string?> missing = new(() =>
    {
        var list = Jupyter(TimeSpan.FromMinutes(1), null, "kernelspec", "list");
        if (list is null) return "no `jupyter` on PATH (install jupyter-client, jupyter-nbconvert and python3-nbclient: bash scripts/setup.sh)";
        if (!list.Value.Output.Contains(KernelName, StringComparison.Ordinal))
            return $"Jupyter has no {KernelName} kernelspec (run `dotnet interactive jupyter install`: bash scripts/setup.sh)";
        if (!File.Exists(Path.Combine(Tools, "dotnet-interactive")) && !OnPath("dotnet-interactive"))
            return "the .NET Interactive tool is not installed (dotnet tool install -g Microsoft.dotnet-interactive: bash scripts/setup.sh)";
        var nbconvert = Jupyter(TimeSpan.FromMinutes(1), null, "nbconvert", "--version");
        if (nbconvert is not { Code: 0 }) return "`jupyter nbconvert` does not run (install jupyter-nbconvert and python3-nbclient)";
        return null;
    });

    static bool OnPath(string program) => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    /// <summary>
    /// Executes a notebook in the kernel (in the notebook's own folder, as Jupyter does) and writes the executed copy to
    /// <paramref name="outputFolder"/>; returns its path. Errors do not stop the run (each cell's outputs are kept).
    /// </summary>
    public static string Execute(string notebook, string outputFolder, IReadOnlyDictionary<string, string> environment, TimeSpan limit)
    {
        var name = Path.GetFileName(notebook);
        var run = Jupyter(limit, environment, "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
            $"--ExecutePreprocessor.kernel_name={KernelName}", "--ExecutePreprocessor.timeout=900",
            "--ExecutePreprocessor.startup_timeout=300", "--output-dir", outputFolder, "--output", name, notebook)
            ?? throw new InvalidOperationException("jupyter is not on PATH");
        var written = Path.Combine(outputFolder, name);
        if (run.Code != 0 || !File.Exists(written))
            throw new InvalidOperationException($"jupyter nbconvert failed (exit {run.Code}):\n{run.Output}");
        return written;
    }

    static (int Code, string Output)? Jupyter(TimeSpan limit, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("jupyter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        // `dotnet interactive` (the kernelspec's command) finds the global tool through PATH
        start.Environment["PATH"] = Tools + ":" + Environment.GetEnvironmentVariable("PATH");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        Process p;
        try { p = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception) { return null; }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(limit))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"jupyter {string.Join(' ', args)} did not finish within {limit}");
            }
            return (p.ExitCode, stdout.Result + stderr.Result);
        }
    }
}

/// <summary>A theory that needs the real kernel: skipped with the reason where it is missing (never when CI requires it).</summary>
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (JupyterKernel.MissingReason is { } why && !JupyterKernel.Required) Skip = why;
    }
}
