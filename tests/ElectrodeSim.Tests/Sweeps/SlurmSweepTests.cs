using System.Diagnostics;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Sweeps;

/// <summary>Runs only where Slurm and munge are installed (Debian slurm-wlm, munge: <c>tools/setup.sh --tests</c> installs them).</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        string[] programs = ["sbatch", "scontrol", "sinfo", "slurmctld", "slurmd", "munged"];
        var missing = programs.Where(p => !OnPath(p)).ToList();
        if (missing.Count > 0) Skip = $"Slurm is not installed ({string.Join(", ", missing)} not found; Debian packages slurm-wlm and munge, installed by tools/setup.sh --tests; issue 9 asks for this path)";
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));
}

/// <summary>
/// The cluster path end to end: a one-node Slurm cluster on this machine (<c>tools/slurm.sh start</c>), a sweep emitted
/// with <c>--emit-slurm</c> and submitted as a two-task job array plus its dependent merge job, compared case by case with
/// the same sweep run in this process. The cluster is stopped afterwards if this test started it.
/// </summary>
public class SlurmSweepTests
{
    private static (int Code, string Stdout, string Stderr) Bash(string script, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(900_000), $"{script} did not exit within 15 minutes");
        return (process.ExitCode, stdout, stderr.Result);
    }

    private static string JobState(string job, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("scontrol") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "show", "job", job }) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        int at = text.IndexOf("JobState=", StringComparison.Ordinal);
        return at < 0 ? "UNKNOWN" : text[(at + 9)..].Split(' ', '\n')[0];
    }

    [SlurmFact]
    public void A_sweep_submitted_as_a_job_array_of_two_shards_merges_into_every_case_once_with_the_numbers_of_one_process()
    {
        string slurmScript = Path.Combine(Repository.Root, "tools", "slurm.sh");
        var (startCode, startOut, startErr) = Bash(slurmScript, new Dictionary<string, string>(), "start");
        Assert.True(startCode == 0, $"tools/slurm.sh start failed ({startCode}):\n{startOut}{startErr}");
        string conf = startOut.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("SLURM_CONF=", StringComparison.Ordinal))["SLURM_CONF=".Length..];
        bool startedHere = !startErr.Contains("already running", StringComparison.Ordinal);
        var environment = new Dictionary<string, string> { ["SLURM_CONF"] = conf };
        try
        {
            using var temp = new Repository.TemporaryDirectory();
            string sweep = SweepShardTests.WriteSweep(temp.Path), output = Path.Combine(temp.Path, "cluster");
            var (emitCode, emitOut, emitErr) = Support.Cli.Run("sweep", sweep, "--emit-slurm", "--shards", "2", "-j", "1", "--time", "10", "--out", output);
            Assert.True(emitCode == 0, emitOut + emitErr);

            var clock = Stopwatch.StartNew();
            var (submitCode, submitOut, submitErr) = Bash(Path.Combine(output, "slurm", "submit.sh"), environment);
            Assert.True(submitCode == 0, submitOut + submitErr);
            string merge = submitOut.Split('\n').Single(l => l.StartsWith("merge=", StringComparison.Ordinal))["merge=".Length..].Trim();
            string shards = submitOut.Split('\n').Single(l => l.StartsWith("shards=", StringComparison.Ordinal))["shards=".Length..].Trim();

            string state = JobState(merge, environment);
            while (state is "PENDING" or "CONFIGURING" or "RUNNING" or "COMPLETING" && clock.Elapsed < TimeSpan.FromSeconds(120))
            {
                Thread.Sleep(250);
                state = JobState(merge, environment);
            }
            string Logs() => string.Join("\n", Directory.GetFiles(Path.Combine(output, "slurm"), "*.out").Order().Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
            Assert.True(state == "COMPLETED", $"merge job {merge} (after array {shards}) is {state} after {clock.Elapsed.TotalSeconds:F0} s\n{Logs()}");

            Assert.True(File.Exists(Path.Combine(output, "manifest.shard-0-of-2.json")) && File.Exists(Path.Combine(output, "manifest.shard-1-of-2.json")), Logs());
            Assert.Contains("shard 0/2: 3 of them", File.ReadAllText(Path.Combine(output, "slurm", "shard-0.out")));
            Assert.Contains("shard 1/2: 3 of them", File.ReadAllText(Path.Combine(output, "slurm", "shard-1.out")));
            var reference = new SweepRunner(SweepPlan.Build(SweepDefinition.Load(sweep)), Path.Combine(temp.Path, "whole"), 2).Run(null, CancellationToken.None);
            SweepShardTests.AssertSameCases(SweepShardTests.ReadSummary(output), reference);
            Assert.Equal(7, File.ReadAllLines(Path.Combine(output, "summary.csv")).Length);
        }
        finally
        {
            if (startedHere) Bash(slurmScript, new Dictionary<string, string>(), "stop");
        }
    }
}
