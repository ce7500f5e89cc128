using System.Diagnostics;

namespace ElectrodeSim.Native.Tests;

/// <summary>A scratch directory deleted with the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("electrodesim-native-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory must not turn a passing test into a failure.
        }
    }
}

internal static class ExternalTool
{
    public const string SystemPython = "/usr/bin/python3";

    public static bool H5DumpAvailable => Run("h5dump", ["--version"]).ExitCode == 0;

    public static bool H5pyAvailable => System.IO.File.Exists(SystemPython) && Run(SystemPython, ["-c", "import h5py"]).ExitCode == 0;

    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Tests run in parallel and start processes: one started between HDF5's open() of another test's file and the
        // close-on-exec mark Hdf5File sets right after inherits that descriptor and its flock for its lifetime. A reader
        // here must not fail on such a borrowed lock (seen once under load in a fresh clone), so it does not lock.
        start.Environment["HDF5_USE_FILE_LOCKING"] = "FALSE";
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, $"{program} could not be started");
        }
    }
}

/// <summary>A fact skipped when h5dump is not installed.</summary>
public sealed class H5DumpFactAttribute : FactAttribute
{
    public H5DumpFactAttribute()
    {
        if (!ExternalTool.H5DumpAvailable)
            Skip = "h5dump is not installed (Debian package hdf5-tools, installed by tools/setup.sh --tests; issue 9: the result files it checks).";
    }
}

/// <summary>A fact skipped when the system Python has no h5py.</summary>
public sealed class H5pyFactAttribute : FactAttribute
{
    public H5pyFactAttribute()
    {
        if (!ExternalTool.H5pyAvailable)
            Skip = $"{ExternalTool.SystemPython} cannot import h5py (Debian package python3-h5py, installed by tools/setup.sh --tests; issue 9: the result files it checks).";
    }
}
