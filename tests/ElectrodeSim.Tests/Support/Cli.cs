using System.Diagnostics;

namespace ElectrodeSim.Tests.Support;

/// <summary>The command-line tool built next to the tests, run as a real process.</summary>
internal static class Cli
{
    /// <summary>Runs <c>ElectrodeSim.Cli</c> with <paramref name="args"/>; returns its exit code and both output streams.</summary>
    public static (int Code, string Stdout, string Stderr) Run(params string[] args) =>
        Process("dotnet", null, ["exec", Path.Combine(AppContext.BaseDirectory, "ElectrodeSim.Cli.dll"), .. args]);

    /// <summary>Runs <paramref name="program"/> (in <paramref name="workingDirectory"/> when given); its exit code and both output streams, within 60 s.</summary>
    public static (int Code, string Stdout, string Stderr) Process(string program, string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), $"{Path.GetFileName(program)} did not exit within 60 s");
        return (process.ExitCode, stdout, stderr.Result);
    }
}
