using System.Diagnostics;

namespace ElectrodeSim.Plotting.Tests.Support;

/// <summary>A tiny tmpfs mounted for one test, so that a full disk is a real one (needs root and mount permission).</summary>
internal sealed class Tmpfs : IDisposable
{
    public Tmpfs(string path, string size)
    {
        Path = path;
        var (code, output) = Execute("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        Assert.True(code == 0, $"mount failed: {output}");
    }

    public string Path { get; }

    public void Dispose() => Execute("umount", Path);

    internal static (int Code, string Output) Execute(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }

    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts are Linux only (issue 9 tracks these checks where mount is refused)";
        string probe = Directory.CreateTempSubdirectory("electrodesim-tmpfs-probe-").FullName;
        try
        {
            var (code, output) = Execute("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe);
            if (code != 0) return $"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN for a real full disk; the RLIMIT_FSIZE 'File too large' test covers the same failure path without it; issue 9 tracks bringing these back where mount is refused): {output.Trim()}";
            Execute("umount", probe);
            return null;
        }
        finally { try { Directory.Delete(probe); } catch (IOException) { } }
    });

    /// <summary>Why a tmpfs cannot be mounted here, or null.</summary>
    public static string? WhyUnavailable => Unavailable.Value;
}

/// <summary>A test that needs a tmpfs of its own; skipped, with the reason, where mount is not permitted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.WhyUnavailable is { } reason) Skip = reason;
    }
}
