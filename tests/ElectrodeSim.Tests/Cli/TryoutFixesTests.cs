using ElectrodeSim.Cases;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Tests.Cases;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Cli;

/// <summary>
/// Defects a new user met trying the failure paths and the 2-D results (try-out of 2026-12-05): a sweep interrupted while
/// cases ran reported those cases "not run … interrupted before it started" although they had left their failed files;
/// a measured cell that is not a number did not say what is accepted, and a decimal comma was not named as one.
/// Try-out of 2026-12-07: an --out under a regular file gave .NET's "Could not find a part of the path" (sweep, compare and
/// validate with a stack trace, exit 1); a measured-data sidecar given to compare listed eleven unknown and missing case keys.
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

    /// <summary>Every command with a folder --out; its inputs need not exist, as --out is checked before anything is read.</summary>
    public static TheoryData<string[]> CommandsWithAnOutFolder => new()
    {
        { new[] { "run", Repository.Case("sio-c-l.yaml") } },
        { new[] { "sweep", Repository.Case("coating-quality/current-density.yaml") } },
        { new[] { "compare", Repository.Case("sio-c-l.yaml"), Repository.Case("sio-c-h.yaml") } },
        { new[] { "plot", "result.h5" } },
        { new[] { "validate", Repository.ValidationCase("marquis2019") } },
        { new[] { "fit", Repository.ValidationCase("lgm50-chen2020/lgm50-0.5C.fit.yaml") } },
        { new[] { "export", "result.h5", "--csv" } },
        { new[] { "gitt", "result.h5" } },
        { new[] { "cv", "result.h5" } },
        { new[] { "eis", "result.h5" } },
        { new[] { "sweep-merge", "shards" } },
    };

    [Theory]
    [MemberData(nameof(CommandsWithAnOutFolder))]
    public void An_out_folder_under_a_regular_file_or_on_one_is_bad_input_naming_the_file_before_anything_runs(string[] command)
    {
        using var dir = new Repository.TemporaryDirectory();
        string file = Path.Combine(dir.Path, "somefile.txt");
        File.WriteAllText(file, "x");

        var (code, stdout, stderr) = Support.Cli.Run([.. command, "--out", Path.Combine(file, "sub")]);
        Assert.Equal(2, code);
        Assert.Contains($"--out {Path.Combine(file, "sub")}: {file} is a regular file, so no folder can be made inside it", stderr);
        Assert.DoesNotContain("Could not find a part of the path", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("", stdout);

        (code, stdout, stderr) = Support.Cli.Run([.. command, "--out", file]);
        Assert.Equal(2, code);
        Assert.Contains($"--out {file}: {file} is a regular file; accepted: a folder", stderr);
        Assert.Equal("", stdout);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void The_report_file_under_a_regular_file_or_on_a_folder_is_bad_input()
    {
        using var dir = new Repository.TemporaryDirectory();
        string file = Path.Combine(dir.Path, "somefile.txt");
        File.WriteAllText(file, "x");
        var (code, _, stderr) = Support.Cli.Run("report", dir.Path, "--out", Path.Combine(file, "report.html"));
        Assert.Equal(2, code);
        Assert.Contains($"{file} is a regular file, so no folder can be made inside it", stderr);
        (code, _, stderr) = Support.Cli.Run("report", dir.Path, "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains($"--out {dir.Path}: {dir.Path} is a folder; accepted: a file name", stderr);
    }

    [Fact]
    public void A_sweep_whose_default_out_folder_is_blocked_by_a_regular_file_is_bad_input()
    {
        using var dir = new Repository.TemporaryDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "results"), "x");
        File.WriteAllText(Path.Combine(dir.Path, "sweep.yaml"), $"name: s\nbase: {Repository.Case("sio-c-l.yaml")}\naxes:\n  electrode.porosity: [0.3, 0.35]\n");
        var (code, _, stderr) = Support.Cli.Process("dotnet", dir.Path, "exec", Path.Combine(AppContext.BaseDirectory, "ElectrodeSim.Cli.dll"), "sweep", "sweep.yaml");
        Assert.Equal(2, code);
        Assert.Contains("error: output folder results/s: results is a regular file, so no folder can be made inside it", stderr);
    }

    [Theory]
    [InlineData("lgm50-chen2020/cell784-0.1C.data.yaml")]
    [InlineData("seed-rate-capability/p-msi-siox-c-002.data.yaml")]
    public void Compare_given_a_measured_data_sidecar_says_it_is_measured_data_and_points_to_validate_and_fit(string sidecar)
    {
        using var dir = new Repository.TemporaryDirectory();
        var (code, stdout, stderr) = Support.Cli.Run("compare", Repository.ValidationCase(sidecar), Repository.Case("sio-c-l.yaml"), "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains($"{Path.GetFileName(sidecar)} is not a valid case:\n  (document): a measured-data sidecar", stderr.ReplaceLineEndings("\n"));
        Assert.Contains("'electrodesim validate DIR'", stderr);
        Assert.Contains("'electrodesim fit SPEC'", stderr);
        // One line for the file, not every unknown and missing case key.
        Assert.DoesNotContain("is not a key of the case", stderr);
        Assert.DoesNotContain("missing", stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        Assert.DoesNotContain("wrote", stdout);
    }

    [Theory]
    [InlineData("cases/coating-quality/current-density.yaml", "a sweep file (base, axes, zip or samples) is not a case file; run it with 'electrodesim sweep current-density.yaml'")]
    [InlineData("validation/lgm50-chen2020/lgm50-0.5C.fit.yaml", "a fit spec (parameters, datasets) is not a case file; run it with 'electrodesim fit lgm50-0.5C.fit.yaml'")]
    [InlineData("cases/calibration/sio-c.yaml", "a calibration spec (parameters, targets) is not a case file; run it with 'electrodesim calibrate sio-c.yaml'")]
    [InlineData("validation/marquis2019/validation.yaml", "a validation manifest is not a case file; run it with 'electrodesim validate' on its folder")]
    [InlineData("validation/zhang2024-sioc/validation.yaml", "a validation manifest is not a case file; run it with 'electrodesim validate' on its folder")]
    public void Another_input_of_the_tool_given_as_a_case_is_named_with_the_command_that_takes_it(string path, string expected)
    {
        var e = Assert.Throws<CaseValidationException>(() => CaseFile.Load(Path.Combine(Repository.Root, path)));
        Assert.Equal("(document): " + expected, Assert.Single(e.Errors).ToString());
    }

    [Fact]
    public void A_case_with_a_typo_and_a_stray_data_key_still_lists_its_own_errors()
    {
        // One key of a case is enough for the file to be read as a (wrong) case, not as another input.
        var e = Assert.Throws<CaseValidationException>(() => CaseFile.Parse(
            CaseText.Valid.Replace("\nelectrode:\n", "\ndata: x.csv\ncolumns: {}\nelectrode:\n"), "c.yaml", Repository.Root));
        Assert.Contains(e.Errors, x => x.Path == "data");
        Assert.DoesNotContain(e.Errors, x => x.Path == "(document)");
    }

    [Theory]
    [InlineData("plot")]
    [InlineData("export")]
    [InlineData("gitt")]
    [InlineData("cv")]
    [InlineData("eis")]
    [InlineData("cycle")]
    public void A_case_file_given_where_a_result_belongs_is_bad_input_naming_the_run_that_makes_it(string command)
    {
        string yaml = Repository.Case("sio-c-l.yaml");
        var (code, stdout, stderr) = Support.Cli.Run(command, yaml);
        Assert.Equal(2, code);
        Assert.Contains($"{yaml}: a case file (YAML), not a result file (.h5); run it first, 'electrodesim run {yaml} --out results', then give results/sio-c-l.h5", stderr);
        Assert.DoesNotContain("H5Fopen", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Maps_into_a_folder_under_a_regular_file_is_bad_input_naming_the_file()
    {
        using var dir = new Repository.TemporaryDirectory();
        string file = Path.Combine(dir.Path, "somefile.txt");
        File.WriteAllText(file, "x");
        var (code, _, stderr) = Support.Cli.Run("maps", Path.Combine(file, "maps"), Path.Combine(dir.Path, "missing.h5"));
        Assert.Equal(2, code);
        Assert.Contains($"error: out-dir {Path.Combine(file, "maps")}: {file} is a regular file, so no folder can be made inside it", stderr);
    }

    [Fact]
    public void A_number_with_a_decimal_comma_in_a_case_or_a_set_is_named_as_one_with_the_value_to_write()
    {
        var e = Assert.Throws<CaseValidationException>(() => CaseFile.Parse(CaseText.Valid.Replace("thickness_um: 16.7", "thickness_um: 16,7"), "c.yaml", Repository.Root));
        Assert.Equal("electrode.thickness_um: 16,7 is not a number with '.' as the decimal point (a decimal comma; write 16.7)", Assert.Single(e.Errors).ToString());

        var (code, _, stderr) = Support.Cli.Run("check", Repository.Case("sio-c-l.yaml"), "--set", "protocol[0].current_density_mA_cm2=5,5");
        Assert.Equal(2, code);
        Assert.Contains("protocol[0].current_density_mA_cm2: 5,5 is not a number with '.' as the decimal point (a decimal comma; write 5.5)", stderr);
        // Two commas are not one decimal comma: the plain message.
        (code, _, stderr) = Support.Cli.Run("check", Repository.Case("sio-c-l.yaml"), "--set", "protocol[0].current_density_mA_cm2=5,5,5");
        Assert.Equal(2, code);
        Assert.Contains("protocol[0].current_density_mA_cm2: 5,5,5 is not a number\n", stderr.ReplaceLineEndings("\n"));
    }
}
