using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Cli;

/// <summary>
/// Defects a new user met trying the failure paths and the 2-D results (try-out of 2026-12-05): a sweep interrupted while
/// cases ran reported those cases "not run … interrupted before it started" although they had left their failed files;
/// a measured cell that is not a number did not say what is accepted, and a decimal comma was not named as one.
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

    /// <summary>A semicolon-separated curve with one bad voltage cell on line 4, a validation manifest and a fit spec on it.</summary>
    private static (string Manifest, string Fit) BadCell(Repository.TemporaryDirectory dir, string cell)
    {
        File.WriteAllText(Path.Combine(dir.Path, "curve.csv"), $"t_h;U_V\n0;0.3\n0.1;0.2\n0.2;{cell}\n0.3;0.1\n");
        File.WriteAllText(Path.Combine(dir.Path, "curve.data.yaml"),
            "data: curve.csv\ndelimiter: ';'\ncolumns:\n  time: {name: t_h, unit: h}\n  voltage: {name: U_V, unit: V}\n");
        string manifest = Path.Combine(dir.Path, "validation.yaml");
        File.WriteAllText(manifest, $"title: t\nentries:\n  - name: e\n    kind: curve\n    case: {Repository.Case("sio-c-l.yaml")}\n    data: curve.data.yaml\n    max_rmse_mV: 1000\n");
        string fit = Path.Combine(dir.Path, "curve.fit.yaml");
        File.WriteAllText(fit, $"case: {Repository.Case("sio-c-l.yaml")}\nparameters:\n  - {{key: electrode.solid_diffusivity_m2_s, initial: 4e-13, lower: 1e-14, upper: 1e-11, scale: log}}\n" +
            "datasets:\n  - {data: curve.data.yaml, axis: time}\nmax_iterations: 1\n");
        return (manifest, fit);
    }

    [Theory]
    [InlineData("0,2", "curve.csv: row 4, column 'U_V': '0,2' is not a finite number (in V): a decimal comma; write 0.2 (accepted: a finite number with '.' as the decimal point")]
    [InlineData("abc", "curve.csv: row 4, column 'U_V': 'abc' is not a finite number (in V); accepted: a finite number with '.' as the decimal point and an optional exponent")]
    [InlineData("1e999", "curve.csv: row 4, column 'U_V': '1e999' is not a finite number (in V); accepted:")]
    public void A_measured_cell_that_is_not_a_number_names_file_row_column_value_and_what_is_accepted_in_validate_and_fit(string cell, string expected)
    {
        using var dir = new Repository.TemporaryDirectory();
        var (manifest, fit) = BadCell(dir, cell);
        var (code, _, stderr) = Support.Cli.Run("validate", dir.Path, "--out", Path.Combine(dir.Path, "out"));
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        var (fitCode, _, fitStderr) = Support.Cli.Run("fit", fit, "--out", Path.Combine(dir.Path, "fit-out"));
        Assert.Equal(2, fitCode);
        Assert.Contains(expected, fitStderr);
        Assert.True(File.Exists(manifest));
    }
}
