using System.Diagnostics;

namespace MachinePerception.Display.Plots;

/// <summary>
/// Headless Chromium driven by its plain command line (Debian's <c>/usr/bin/chromium</c>): screenshots of charts
/// for the PNG that every notebook viewer can show, and the DOM and console log of a page for the book's tests.
/// Each call uses a fresh profile folder, so no state carries over between calls.
/// </summary>
public static class Chromium
{
    /// <summary>The browser used; the environment variable <c>BOOK_CHROMIUM</c> overrides it.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("BOOK_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>True when the browser exists on this machine.</summary>
    public static bool Available => File.Exists(ExecutablePath);

    // No sandbox (we run as root in containers), no GPU, and nothing that talks to the network on its own.
    static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
    ];

    /// <summary>What one browser run printed.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Saves a <paramref name="width"/>×<paramref name="height"/> screenshot of a local HTML file.</summary>
    public static void Screenshot(string htmlPath, string pngPath, int width, int height, int virtualTimeMs = 2000)
    {
        if (File.Exists(pngPath)) File.Delete(pngPath);
        var result = Launch([$"--window-size={width},{height}", $"--virtual-time-budget={virtualTimeMs}",
                             $"--screenshot={Path.GetFullPath(pngPath)}", FileUrl(htmlPath)], TimeSpan.FromSeconds(60));
        if (!File.Exists(pngPath))
            throw new InvalidOperationException(
                $"Chromium.Screenshot: no PNG from {htmlPath} (exit {result.ExitCode}): {Tail(result.StandardError)}");
    }

    /// <summary>
    /// Loads a local page, lets its scripts run for <paramref name="virtualTimeMs"/> of virtual time, and returns
    /// the final DOM (standard output) with the console log (standard error, where <c>--enable-logging=stderr</c>
    /// writes every console message).
    /// </summary>
    public static Result DumpDom(string htmlPath, int virtualTimeMs = 5000) =>
        Launch(["--enable-logging=stderr", "--v=0", $"--virtual-time-budget={virtualTimeMs}", "--dump-dom", FileUrl(htmlPath)],
               TimeSpan.FromSeconds(60));

    static string FileUrl(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;

    static string Tail(string s) => s.Length <= 2000 ? s : s[^2000..];

    static Result Launch(IEnumerable<string> arguments, TimeSpan timeout)
    {
        if (!Available) throw new InvalidOperationException($"Chromium: no browser at {ExecutablePath}");
        var profile = Directory.CreateTempSubdirectory("mp-chromium-");
        try
        {
            var start = new ProcessStartInfo(ExecutablePath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var f in Flags) start.ArgumentList.Add(f);
            start.ArgumentList.Add($"--user-data-dir={profile.FullName}");
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium: no answer within {timeout.TotalSeconds} s for {string.Join(' ', arguments)}");
            }
            process.WaitForExit();
            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
