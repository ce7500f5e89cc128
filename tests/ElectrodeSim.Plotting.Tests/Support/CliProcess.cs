using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace ElectrodeSim.Plotting.Tests.Support;

/// <summary>
/// The command-line tool as a separate process (<c>dotnet ElectrodeSim.Cli.dll …</c>), for what only
/// a real process shows: two runs at once, signals, a full disk, the exit code after HDF5 has shut down.
/// </summary>
internal sealed partial class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The CLI built in the same configuration as these tests.</summary>
    public static string Dll
    {
        get
        {
            // …/tests/ElectrodeSim.Plotting.Tests/bin/<Configuration>/net10.0/
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = framework.Parent!.Name;
            string dll = Path.Combine(ResultFiles.RepositoryRoot, "src", "ElectrodeSim.Cli", "bin", configuration, framework.Name, "ElectrodeSim.Cli.dll");
            Assert.True(File.Exists(dll), $"{dll} is not built");
            return dll;
        }
    }

    public static CliProcess Start(string workingDirectory, params string[] arguments) => Start(workingDirectory, null, arguments);

    /// <summary>
    /// The CLI under <c>ulimit -f</c> (<paramref name="fileSizeLimitKiB"/>), or plainly. With a limit the
    /// runtime's W^X double mapping (a memory file, which the limit also covers) is switched off, or
    /// .NET itself could not start.
    /// </summary>
    public static CliProcess Start(string workingDirectory, int? fileSizeLimitKiB, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileSizeLimitKiB is null ? "dotnet" : "/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (fileSizeLimitKiB is int limit)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"ulimit -f {limit} && exec \"$0\" \"$@\"");
            info.ArgumentList.Add("dotnet");
            info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }
        info.ArgumentList.Add(Dll);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return new CliProcess(Process.Start(info)!);
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, params string[] arguments) => Run(workingDirectory, null, arguments);

    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, int? fileSizeLimitKiB, params string[] arguments)
    {
        using var process = Start(workingDirectory, fileSizeLimitKiB, arguments);
        int code = process.WaitForExit(TimeSpan.FromSeconds(60));
        return (code, process.Stdout, process.Stderr);
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the CLI did not exit within {timeout.TotalSeconds} s; stderr: {Stderr}");
        }
        _process.WaitForExit();   // drains the redirected output
        return _process.ExitCode;
    }

    public const int SIGINT = 2, SIGKILL = 9, SIGTERM = 15;

    public void Signal(int signal) => Assert.Equal(0, kill(_process.Id, signal));

    /// <summary>Waits until <paramref name="condition"/> holds, failing the test after <paramref name="seconds"/>.</summary>
    public static void WaitUntil(Func<bool> condition, string what, double seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds) Assert.Fail($"timed out after {seconds} s waiting for {what}");
            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
