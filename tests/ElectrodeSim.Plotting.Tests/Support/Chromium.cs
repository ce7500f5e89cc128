using System.ComponentModel;
using System.Diagnostics;

namespace ElectrodeSim.Plotting.Tests.Support;

/// <summary>
/// Headless Chromium (Debian package <c>chromium</c>, installed by tools/setup.sh), each call with a
/// fresh profile and no network services, as a reader's browser would open a report file.
/// </summary>
internal static class Chromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Renders <paramref name="htmlPath"/> into a PNG screenshot of the given window size.</summary>
    public static void Screenshot(string htmlPath, string pngPath, int width, int height) =>
        Run($"--screenshot={pngPath}", $"--window-size={width},{height}", new Uri(htmlPath).AbsoluteUri);

    /// <summary>The DOM after the page loaded, serialised.</summary>
    public static string DumpDom(string htmlPath) => Run("--dump-dom", new Uri(htmlPath).AbsoluteUri);

    private static string Run(params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("electrodesim-chromium-").FullName;
        try
        {
            var info = new ProcessStartInfo("chromium")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                                      "--disable-component-update", "--disable-sync", "--disable-extensions", $"--user-data-dir={profile}" })
                info.ArgumentList.Add(a);
            foreach (var a in arguments) info.ArgumentList.Add(a);
            Process process;
            try { process = Process.Start(info)!; }
            catch (Win32Exception e)
            {
                throw new InvalidOperationException("chromium is not installed; install the Debian package chromium (tools/setup.sh installs it)", e);
            }
            using (process)
            {
                process.StandardInput.Close();
                var stdout = Task.Factory.StartNew(process.StandardOutput.ReadToEnd, TaskCreationOptions.LongRunning);
                var stderr = Task.Factory.StartNew(process.StandardError.ReadToEnd, TaskCreationOptions.LongRunning);
                if (!process.WaitForExit(Timeout))
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException($"chromium did not finish within {Timeout.TotalSeconds:F0} s");
                }
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"chromium exited with code {process.ExitCode}: {stderr.Result}");
                return stdout.Result;
            }
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }
}
