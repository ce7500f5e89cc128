using System.Diagnostics;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Plotting.Tests.Support;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>
/// <c>run</c> as a real process: two runs on one result file, SIGINT and SIGTERM, a run killed
/// outright, a full disk. Each run that must last is the SiO@C-l case with its step limited to
/// 0.02 s (about 50,000 steps, far longer than any test waits), stopped by the test.
/// </summary>
public class RunProcessTests
{
    private static string SlowCase(string folder, string name = "slow")
    {
        string text = File.ReadAllText(Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml"));
        Assert.Contains("\nsolver:\n", text);
        string path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, text.Replace("\nsolver:\n", "\nsolver:\n  max_step_s: 0.02\n"));
        return path;
    }

    private static string FastCase(string folder, string name)
    {
        string path = Path.Combine(folder, name + ".yaml");
        File.Copy(Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml"), path);
        return path;
    }

    private static string[] Leftovers(string folder) =>
        Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n!.EndsWith(".partial") || n.EndsWith(".lock")).ToArray()!;

    /// <summary>Waits until the run holds its lock and has written a few records.</summary>
    private static void WaitForRecords(CliProcess run, string output, string stem)
    {
        CliProcess.WaitUntil(() => run.HasExited || (File.Exists(Path.Combine(output, stem + ".h5.lock"))
                                                     && Directory.GetFiles(output, $".{stem}.h5.*.partial").Any(f => new FileInfo(f).Length > 40_000)),
                             "the run to lock its target and write records");
        Assert.False(run.HasExited, $"the run ended early: {run.Stderr}");
    }

    private static (string Status, string Reason, long Records) ReadFailed(string path)
    {
        using var file = Hdf5File.OpenRead(path);
        return (file.ReadStringAttribute("/", "status"), file.ReadStringAttribute("/", "failure_reason"), file.GetDims("/time")[0]);
    }

    [Fact]
    public void A_second_run_on_the_same_result_file_refuses_with_exit_2_naming_the_first_and_SIGTERM_ends_the_first_with_143()
    {
        string folder = ResultFiles.NewFolder("concurrent");
        string output = Path.Combine(folder, "out");
        string slow = SlowCase(folder);
        using var first = CliProcess.Start(folder, "run", slow, "--out", output);
        WaitForRecords(first, output, "slow");
        Assert.Contains($"pid: {first.Id}", Native.Files.ExclusiveFileLock.ReadText(Path.Combine(output, "slow.h5.lock")));

        // The same case name into the same folder: the same target.
        string other = Path.Combine(folder, "other");
        Directory.CreateDirectory(other);
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = CliProcess.Run(folder, "run", FastCase(other, "slow"), "--out", output);
        Assert.True(code == 2, $"exit {code}: {stderr}");
        Assert.Contains($"is being written by another run (pid {first.Id} on {Environment.MachineName}, started ", stderr);
        Assert.Contains($"case {slow}", stderr);
        Assert.DoesNotContain("capacity", stdout);   // it solved nothing
        Assert.False(first.HasExited);
        // Never a final name while the first run writes.
        Assert.False(File.Exists(Path.Combine(output, "slow.h5")));
        Assert.Single(Directory.GetFiles(output, ".slow.h5.*.partial"));

        first.Signal(CliProcess.SIGTERM);
        Assert.Equal(143, first.WaitForExit(TimeSpan.FromSeconds(30)));
        var (status, reason, records) = ReadFailed(Path.Combine(output, "slow.failed.h5"));
        Assert.Equal("failed", status);
        Assert.Equal("interrupted (SIGTERM)", reason);
        Assert.True(records > 10);
        Assert.Empty(Leftovers(output));
        Assert.False(File.Exists(Path.Combine(output, "slow.h5")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40));
    }

    [Fact]
    public void SIGINT_stops_the_run_at_its_next_step_marks_the_file_interrupted_releases_the_lock_and_exits_130()
    {
        string folder = ResultFiles.NewFolder("sigint");
        string output = Path.Combine(folder, "out");
        using var run = CliProcess.Start(folder, "run", SlowCase(folder), "--out", output);
        WaitForRecords(run, output, "slow");
        run.Signal(CliProcess.SIGINT);
        var clock = Stopwatch.StartNew();
        Assert.Equal(130, run.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed.TotalSeconds:F1} s to stop");
        var (status, reason, records) = ReadFailed(Path.Combine(output, "slow.failed.h5"));
        Assert.Equal("failed", status);
        Assert.Equal("interrupted (SIGINT)", reason);
        Assert.True(records > 10);
        Assert.Empty(Leftovers(output));
        Assert.Contains("the run was interrupted (SIGINT)", run.Stderr);
        Assert.Contains("partial result marked failed: out/slow.failed.h5", run.Stderr);
    }

    [Fact]
    public void A_run_killed_outright_leaves_a_stale_lock_that_the_next_run_takes_over_with_a_warning()
    {
        string folder = ResultFiles.NewFolder("killed");
        string output = Path.Combine(folder, "out");
        using (var killed = CliProcess.Start(folder, "run", SlowCase(folder), "--out", output))
        {
            WaitForRecords(killed, output, "slow");
            killed.Signal(CliProcess.SIGKILL);
            killed.WaitForExit(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(2, Leftovers(output).Length);   // what SIGKILL leaves: the lock file and the temporary file

        string again = Path.Combine(folder, "again");
        Directory.CreateDirectory(again);
        var (code, _, stderr) = CliProcess.Run(folder, "run", FastCase(again, "slow"), "--out", output);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("warning: took over the lock of slow.h5 left by a run that ended without releasing it", stderr);
        Assert.Contains("that process is no longer running", stderr);
        Assert.Contains("warning: removed .slow.h5.", stderr);
        Assert.Empty(Leftovers(output));
        using var file = Hdf5File.OpenRead(Path.Combine(output, "slow.h5"));
        Assert.Equal("complete", file.ReadStringAttribute("/", "status"));
    }

    [Fact]
    public void Two_runs_of_different_cases_started_together_on_one_result_file_never_mix_it()
    {
        string folder = ResultFiles.NewFolder("together");
        string output = Path.Combine(folder, "out");
        var cases = new[] { "l", "h" }.Select(v =>
        {
            string dir = Path.Combine(folder, v);
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, "same.yaml");
            File.Copy(Path.Combine(ResultFiles.RepositoryRoot, "cases", $"sio-c-{v}.yaml"), path);
            return path;
        }).ToArray();
        var runs = cases.Select(c => CliProcess.Start(folder, "run", c, "--out", output)).ToArray();
        try
        {
            var codes = runs.Select(r => r.WaitForExit(TimeSpan.FromSeconds(60))).ToArray();
            Assert.All(codes, c => Assert.True(c is 0 or 2, $"exit {c}: {string.Join("\n", runs.Select(r => r.Stderr))}"));
            Assert.Contains(0, codes);
            for (int k = 0; k < 2; k++)
                if (codes[k] == 2) Assert.Contains($"(pid {runs[1 - k].Id} on ", runs[k].Stderr);
            Assert.Empty(Leftovers(output));

            // The file is one run's whole result: its case text, and the capacity that run printed.
            using var file = Hdf5File.OpenRead(Path.Combine(output, "same.h5"));
            Assert.Equal("complete", file.ReadStringAttribute("/", "status"));
            string caseText = file.ReadStringAttribute("/", "case_text");
            int writer = Array.FindIndex(cases, c => File.ReadAllText(c) == caseText);
            Assert.True(writer >= 0 && codes[writer] == 0);
            double capacity = file.ReadDoubleAttribute("/", "summary_capacity_mAh_g");
            Assert.Contains($"capacity {capacity:F1} mAh/g", runs[writer].Stdout);
            Assert.Equal(capacity, file.ReadArray("/specific_capacity", out _)[^1], 6);
        }
        finally
        {
            foreach (var r in runs) r.Dispose();
        }
    }

    [Fact]
    public void A_file_size_limit_is_an_IO_error_like_a_full_disk_exit_1_and_a_failure_marker_not_SIGXFSZ()
    {
        // ulimit -f 100: 100 KiB per file; the result of SiO@C-l is 200 KB, its failure marker 18 KB.
        string folder = ResultFiles.NewFolder("file-size-limit");
        var (code, _, stderr) = CliProcess.Run(folder, 100, "run", Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml"), "--out", folder);
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains("File too large (errno 27)", stderr);
        Assert.Equal(["sio-c-l.failed.h5"], Directory.GetFiles(folder).Select(Path.GetFileName));
        using var file = Hdf5File.OpenRead(Path.Combine(folder, "sio-c-l.failed.h5"));
        Assert.Equal("failed", file.ReadStringAttribute("/", "status"));
        Assert.Contains("File too large", file.ReadStringAttribute("/", "failure_reason"));
    }

    [TmpfsFact]
    public void A_full_disk_ends_the_run_with_exit_1_and_a_failure_marker_with_the_reason_never_SIGSEGV()
    {
        // 64 KiB holds the header and the first records of SiO@C-l (its result is 200 KB), not the rest.
        using var disk = new Tmpfs(ResultFiles.NewFolder("full-disk"), "64k");
        var (code, _, stderr) = CliProcess.Run(disk.Path, "run", Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml"), "--out", disk.Path);
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains("No space left on device", stderr);
        Assert.Contains("partial result marked failed: sio-c-l.failed.h5", stderr);
        var names = Directory.GetFiles(disk.Path).Select(Path.GetFileName).ToArray();
        Assert.Equal(["sio-c-l.failed.h5"], names);
        using var file = Hdf5File.OpenRead(Path.Combine(disk.Path, "sio-c-l.failed.h5"));
        Assert.Equal("failed", file.ReadStringAttribute("/", "status"));
        Assert.Contains("No space left on device", file.ReadStringAttribute("/", "failure_reason"));
        Assert.Equal("SiO@C-l", file.ReadStringAttribute("/", "case_name"));
    }

    [TmpfsFact]
    public void A_disk_too_full_for_even_the_failure_marker_says_so_leaves_nothing_and_exits_1()
    {
        using var disk = new Tmpfs(ResultFiles.NewFolder("full-disk-marker"), "64k");
        string output = Path.Combine(disk.Path, "out");
        Directory.CreateDirectory(output);
        // Fill it, then free one page: room for the lock file, none for the result or the marker.
        using (var filler = File.Create(Path.Combine(disk.Path, "filler")))
        {
            var block = new byte[4096];
            try { while (true) { filler.Write(block); filler.Flush(); } }
            catch (IOException) { }
            filler.SetLength(filler.Length / 4096 * 4096 - 4096);
        }
        var (code, _, stderr) = CliProcess.Run(disk.Path, "run", Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml"), "--out", output);
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains("No space left on device", stderr);
        Assert.Contains("no result file was left: not even the failure marker could be written", stderr);
        Assert.DoesNotContain("partial result marked failed", stderr);
        var left = Directory.GetFiles(output);
        Assert.Empty(left);
    }

    [Fact]
    public void A_sweep_whose_manifest_and_summary_cannot_be_written_says_so_and_exits_1_not_an_unhandled_exception()
    {
        // ulimit -f 2: 2 KiB per file; the lock files fit, the four cases' results, the 1.8 KB manifest (with the second case's
        // entry) and summary.h5 do not (a full disk seen on a tmpfs crashed the sweep with an AggregateException from the
        // manifest writer; .NET reports EFBIG as an ArgumentOutOfRangeException, not an IOException).
        string folder = ResultFiles.NewFolder("sweep-file-size-limit");
        string sweep = Path.Combine(folder, "sweep.yaml");
        File.WriteAllText(sweep, $"name: limited\nbase: {Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml")}\n" +
            "set: {output.fields: false, mesh.separator_cells: 3, mesh.electrode_cells: 4, mesh.particle_shells: 4}\n" +
            "axes:\n  protocol[0].current_density_mA_cm2: [2, 3, 4, 5]\n");
        string output = Path.Combine(folder, "out");
        var (code, _, stderr) = CliProcess.Run(folder, 2, "sweep", sweep, "--out", output, "--parallel", "1");
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.DoesNotContain("Unhandled exception", stderr);
        Assert.Contains("warning: manifest.json could not be written", stderr);
        Assert.Contains("error: the summary could not be written", stderr);
    }
}
