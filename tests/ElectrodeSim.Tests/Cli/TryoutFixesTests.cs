using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Cli;

/// <summary>
/// Defects a new user met trying the failure paths and the 2-D results (try-out of 2026-12-05): a sweep interrupted while
/// cases ran reported those cases "not run … interrupted before it started" although they had left their failed files.
/// </summary>
public sealed class TryoutFixesTests
{
    private sealed class CancelOnStart(CancellationTokenSource cancel) : ISweepProgress
    {
        public void Started(SweepCase c) => cancel.Cancel();
        public void Finished(SweepCase c, SweepRow row, bool skipped) { }
    }

    [Fact]
    public void A_sweep_case_interrupted_while_it_runs_is_failed_with_the_reason_and_its_failed_file_not_not_run()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = Path.Combine(temp.Path, "interrupted.yaml");
        File.WriteAllText(sweep, $"""
            name: interrupted
            base: {Repository.Case("sio-c-l.yaml")}
            set: {"{"}mesh.separator_cells: 3, mesh.electrode_cells: 4, mesh.particle_shells: 4{"}"}
            axes:
              protocol[0].current_density_mA_cm2: [2, 3, 4]
            """);
        string output = Path.Combine(temp.Path, "out");
        using var cancel = new CancellationTokenSource();
        var rows = new SweepRunner(SweepPlan.Build(SweepDefinition.Load(sweep)), output, 1)
            .Run(new CancelOnStart(cancel), cancel.Token, () => "interrupted (SIGINT)");

        Assert.Equal(3, rows.Count);
        var first = rows[0];
        Assert.Equal(SweepRow.Failed, first.Status);
        Assert.Equal("interrupted (SIGINT)", first.Reason);
        Assert.Equal("case-0000.failed.h5", first.ResultFile);
        using (var file = Hdf5File.OpenRead(Path.Combine(output, first.ResultFile)))
        {
            Assert.Equal("failed", file.ReadStringAttribute("/", "status"));
            Assert.Equal("interrupted (SIGINT)", file.ReadStringAttribute("/", "failure_reason"));
        }
        Assert.False(File.Exists(Path.Combine(output, "case-0000.h5")));
        // The loop stopped taking cases: the others were never started.
        Assert.All(rows.Skip(1), r => Assert.Equal(SweepRow.NotRun, r.Status));
        var manifest = SweepManifest.TryRead(output)!;
        Assert.Equal(SweepRow.Failed, manifest.Cases[0].Status);
        Assert.Equal("interrupted (SIGINT)", manifest.Cases[0].Reason);
    }
}
