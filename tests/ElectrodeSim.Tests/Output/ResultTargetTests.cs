using ElectrodeSim.Native.Files;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Output;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Output;

/// <summary>A run's claim on its result file: the lock, its own temporary name, the rename after close, the step table.</summary>
public class ResultTargetTests
{
    [Fact]
    public void A_claimed_target_refuses_a_second_claim_naming_the_holder_and_is_free_again_once_released()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "run.h5");
        string casePath = Repository.Case("sio-c-l.yaml");
        var first = ResultTarget.Claim(path, casePath);
        Assert.Equal(path + ".lock", first.LockPath);
        string lockText = ExclusiveFileLock.ReadText(first.LockPath)!;
        Assert.Contains($"pid: {Environment.ProcessId}\n", lockText);
        Assert.Contains($"host: {Environment.MachineName}\n", lockText);
        Assert.Contains("started_utc: ", lockText);
        Assert.Contains($"case: {casePath}\n", lockText);

        var e = Assert.Throws<OutputTargetException>(() => ResultTarget.Claim(path));
        Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}, started ", e.Message);
        Assert.Contains(casePath, e.Message);
        // The writer's own constructor claims too, and so refuses as well.
        var setup = Repository.LoadCase("sio-c-l.yaml");
        var model = new Model.P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        Assert.Throws<OutputTargetException>(() => new ResultWriter(path, model, new RunMetadata(setup.Name, setup.CaseText, "{}", "{}")));

        first.Dispose();
        Assert.False(File.Exists(path + ".lock"));
        using var second = ResultTarget.Claim(path);
        Assert.Empty(second.Notes);
    }

    [Fact]
    public void Each_run_writes_under_its_own_hidden_temporary_name_and_the_final_name_appears_only_when_closed()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "sio-c-l.h5");
        var setup = Repository.LoadCase("sio-c-l.yaml");
        using var target = ResultTarget.Claim(path);
        using (var other = new Repository.TemporaryDirectory())
        {
            using var elsewhere = ResultTarget.Claim(Path.Combine(other.Path, "sio-c-l.h5"));
            Assert.NotEqual(Path.GetFileName(target.TemporaryPath), Path.GetFileName(elsewhere.TemporaryPath));
        }
        Assert.Equal(temp.Path, Path.GetDirectoryName(target.TemporaryPath));   // same file system: the rename is atomic
        Assert.Matches($@"^\.sio-c-l\.h5\.{Environment.ProcessId}\.[0-9a-f]{{8}}\.partial$", Path.GetFileName(target.TemporaryPath));

        var seen = new List<(bool Final, bool Temporary)>();
        var model = new Model.P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var writer = new ResultWriter(target, model, new RunMetadata(setup.Name, setup.CaseText, setup.ProvenanceJson, "{}"));
        var watcher = new Watching(() => seen.Add((File.Exists(path), File.Exists(target.TemporaryPath))));
        var solution = new ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [writer, watcher]);
        writer.Complete(solution, new Dictionary<string, double>());
        Assert.True(seen.Count > 10);
        Assert.All(seen, s => Assert.Equal((false, true), s));
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(target.TemporaryPath));
        using var file = Hdf5File.OpenRead(path);
        Assert.Equal("complete", file.ReadStringAttribute("/", "status"));
    }

    [Fact]
    public void A_stale_lock_is_taken_over_with_a_note_and_temporary_files_of_ended_runs_are_removed()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "run.h5");
        int ended = EndedProcessId();
        File.WriteAllText(path + ".lock", $"pid: {ended}\nhost: {Environment.MachineName}\nstarted_utc: 2026-01-01T00:00:00Z\ncase: /x.yaml\n");
        string stale = Path.Combine(temp.Path, $".run.h5.{ended}.0badc0de.partial");
        string live = Path.Combine(temp.Path, $".run.h5.{Environment.ProcessId}.00000000.partial");
        File.WriteAllText(stale, "");
        File.WriteAllText(live, "");
        using var target = ResultTarget.Claim(path);
        Assert.Contains(target.Notes, n => n.Contains($"left by a run that ended without releasing it (pid {ended} on {Environment.MachineName}, started 2026-01-01T00:00:00Z, case /x.yaml; that process is no longer running)"));
        Assert.Contains(target.Notes, n => n.StartsWith($"removed .run.h5.{ended}.0badc0de.partial", StringComparison.Ordinal));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));   // its process (this one) still runs
    }

    [Fact]
    public void A_directory_in_the_way_of_the_result_or_its_folder_is_an_output_target_error()
    {
        using var temp = new Repository.TemporaryDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "run.h5"));
        Assert.Throws<OutputTargetException>(() => ResultTarget.Claim(Path.Combine(temp.Path, "run.h5")));
        File.WriteAllText(Path.Combine(temp.Path, "file"), "");
        var e = Assert.Throws<OutputTargetException>(() => ResultTarget.Claim(Path.Combine(temp.Path, "file", "run.h5")));
        Assert.Contains("cannot create the output folder", e.Message);
    }

    [Fact]
    public void The_protocol_outcome_table_has_one_row_per_step_with_mode_end_and_capacity()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "sio-c-l.h5");
        var result = Simulator.Run(Repository.LoadCase("sio-c-l.yaml"), path);
        using var file = Hdf5File.OpenRead(path);
        var table = file.ReadTable("/protocol/outcome");
        var steps = result.Solution.Steps;
        Assert.Equal(steps.Count, table.RowCount);
        Assert.Equal(steps.Select(s => (double)s.Index), table.Numbers("index"));
        Assert.Equal(steps.Select(s => s.Label), table.Strings("label"));
        Assert.Equal(steps.Select(s => s.Mode.ToString().ToLowerInvariant()), table.Strings("mode"));
        Assert.Equal(steps.Select(s => s.End.ToString()), table.Strings("end"));
        Assert.Equal(steps.Select(s => s.Reason), table.Strings("reason"));
        Assert.Equal(steps.Select(s => s.Duration), table.Numbers("duration_s"));
        Assert.Equal(steps.Select(s => result.Solution.SpecificCapacity(s.Charge)), table.Numbers("capacity_mAh_g"));
        Assert.Equal(result.Summary.Capacity, table.Numbers("capacity_mAh_g").Sum(), 6);
        Assert.Equal("s", file.ReadStringAttribute("/protocol/outcome", "units_start_s"));
        Assert.Equal("mAh/g", file.ReadStringAttribute("/protocol/outcome", "units_capacity_mAh_g"));
        Assert.Equal(result.Solution.ProtocolStep, file.ReadIntArray("/protocol_step", out _));
    }

    private static int EndedProcessId()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    private sealed class Watching(Action onRecord) : ISolutionObserver
    {
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep) => onRecord();
    }
}
