namespace ElectrodeSim.Tests.Runs;

/// <summary>Output to a pipe or a log: plain text, one result per line, however long.</summary>
public class RedirectedOutputTests
{
    [Fact]
    public void A_report_line_longer_than_80_columns_is_not_broken_when_the_output_is_redirected()
    {
        using var dir = new Support.Repository.TemporaryDirectory();
        string cycle = Support.Repository.Case(Path.Combine("experiments", "sio-c-l-cycle.yaml"));
        var run = Support.Cli.Run("run", cycle, "--set", "output.every_s=7200", "--out", dir.Path);
        Assert.True(run.Code == 0, run.Stderr);
        var (code, stdout, stderr) = Support.Cli.Run("cycle", Path.Combine(dir.Path, "sio-c-l-cycle.h5"), "--case", cycle);
        Assert.True(code == 0, stderr);
        // The cycle report's first line names both branch voltages and the gap (Spectre assumes 80 columns when
        // redirected and broke it after the lithiating voltage).
        var line = Assert.Single(stdout.Split('\n'), l => l.Contains("lithiating", StringComparison.Ordinal));
        Assert.Contains("delithiating", line, StringComparison.Ordinal);
        Assert.Contains("gap", line, StringComparison.Ordinal);
        Assert.True(line.TrimEnd().Length > 80, $"the line is {line.TrimEnd().Length} characters: too short to show a break");
        Assert.DoesNotContain('\u001b', stdout);
    }
}
