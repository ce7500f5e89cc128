using System.Diagnostics;

namespace ElectrodeSim.Tests.Support;

/// <summary>The command-line tool built next to the tests, run as a real process.</summary>
internal static class Cli
{
    /// <summary>Runs <c>ElectrodeSim.Cli</c> with <paramref name="args"/>; returns its exit code and both output streams.</summary>
    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "ElectrodeSim.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the tool did not exit within 60 s");
        return (process.ExitCode, stdout, stderr.Result);
    }
}
