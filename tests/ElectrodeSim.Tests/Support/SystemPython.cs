using System.Diagnostics;

namespace ElectrodeSim.Tests.Support;

/// <summary>
/// Scripts run by the system Python (/usr/bin/python3, where Debian's python3-h5py, python3-meshio and python3-paraview
/// live; the python3 on PATH may lack them), for tests that read result files with other programs' readers.
/// </summary>
internal static class SystemPython
{
    public const string Path = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; asserts exit code 0 (the message starts
    /// with <paramref name="failure"/> and ends with the script's stderr) and returns its stdout lines and its stderr.</summary>
    public static (string[] Lines, string Stderr) Run(string script, string failure, params string[] arguments)
    {
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["HDF5_USE_FILE_LOCKING"] = "FALSE"; // a sibling test process may hold an inherited lock (see ExternalTool.Run in the native tests)
        psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(script);
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, failure + ": " + stderr);
        return (stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr);
    }

    /// <summary>Whether the system Python runs <paramref name="script"/> (e.g. an import) with exit code 0.</summary>
    public static bool Succeeds(string script)
    {
        try
        {
            var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(script);
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            _ = stdout.Result;
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}
