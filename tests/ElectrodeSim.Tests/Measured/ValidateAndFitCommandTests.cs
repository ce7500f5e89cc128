using System.Globalization;
using ElectrodeSim.Tests.Support;
using Support = ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Measured;

/// <summary>validate with measured-data entries and fit, run as the command-line tool.</summary>
public class ValidateAndFitCommandTests
{
    private static string Lgm50 => Path.Combine(Repository.Root, "validation", "lgm50-chen2020");

    [Fact]
    public void The_LG_M50_case_fitted_at_05C_holds_that_curve_within_15mV_RMSE_and_writes_its_tables_and_figure()
    {
        using var dir = new Repository.TemporaryDirectory();
        var (code, stdout, stderr) = Support.Cli.Run("validate", Lgm50, "--only", "lgm50-fitted-0.5C", "--out", dir.Path);
        Assert.True(code == 0, stdout + stderr);
        var row = File.ReadAllLines(Path.Combine(dir.Path, "validation.csv")).Single(l => l.StartsWith("lgm50-fitted-0.5C,", StringComparison.Ordinal)).Split(',');
        double rmse = double.Parse(row[6], CultureInfo.InvariantCulture);
        Assert.InRange(rmse, 5, 15);
        Assert.InRange(double.Parse(row[13], CultureInfo.InvariantCulture), -2, 2);          // capacity at cut-off, %
        Assert.True(new FileInfo(Path.Combine(dir.Path, "lgm50-fitted-0.5C.png")).Length > 10_000);
        Assert.Contains("| lgm50-fitted-0.5C | curve | fitted |", File.ReadAllText(Path.Combine(dir.Path, "validation.md")));
    }

    [Fact]
    public void An_exceeded_tolerance_exits_1_and_says_which()
    {
        using var dir = new Repository.TemporaryDirectory();
        var (code, stdout, _) = Support.Cli.Run("validate", Lgm50, "--only", "lgm50-fitted-0.1C", "--out", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("EXCEEDED: RMSE", stdout);
        Assert.Contains("> 25 mV", stdout);
    }

    /// <summary>
    /// A COMSOL entry's two voltage tolerances: <c>max_voltage_error_mV</c> at the stored samples and
    /// <c>max_step_voltage_error_mV</c> at COMSOL's recovered internal steps (0.5C: 1.833 and 0.178 mV). Each is reported on
    /// its own line and each alone sets exit code 1 when exceeded.
    /// </summary>
    [Theory]
    [InlineData(2.5, 1.0, 0, 0)]
    [InlineData(2.5, 0.1, 0, 1)]
    [InlineData(1.0, 1.0, 1, 0)]
    public void A_COMSOL_entry_checks_the_stored_samples_and_the_internal_steps_each_against_its_own_tolerance(
        double rawMillivolts, double stepMillivolts, int rawExceeded, int stepExceeded)
    {
        using var dir = new Repository.TemporaryDirectory();
        string manifest = Path.Combine(dir.Path, "validation.yaml");
        File.WriteAllText(manifest, string.Join("\n",
            $"reference_directory: {Path.Combine(Repository.SharedReference, "marquis2019")}",
            "voltage_window_above_V: 3.105",
            "cases:",
            $"  - case: {Repository.ValidationCase("marquis2019/marquis2019-0.5C.yaml")}",
            "    voltage: comsol_05C_voltage.csv",
            FormattableString.Invariant($"    max_voltage_error_mV: {rawMillivolts}"),
            FormattableString.Invariant($"    max_step_voltage_error_mV: {stepMillivolts}"), ""));
        var (code, stdout, stderr) = Support.Cli.Run("validate", manifest);
        Assert.True(code == (rawExceeded + stepExceeded > 0 ? 1 : 0), stdout + stderr);
        var lines = stdout.Split('\n');
        string raw = lines.Single(l => l.StartsWith("Marquis2019 0.5C: max |dV|", StringComparison.Ordinal));
        string steps = lines.Single(l => l.TrimStart().StartsWith("at the reference's internal steps: max |dV|", StringComparison.Ordinal));
        Assert.Contains(FormattableString.Invariant($"(limit {rawMillivolts:G} mV: {(rawExceeded == 1 ? "EXCEEDED" : "ok")})"), raw);
        Assert.Contains(FormattableString.Invariant($"(limit {stepMillivolts:G} mV: {(stepExceeded == 1 ? "EXCEEDED" : "ok")})"), steps);
    }

    [Fact]
    public void The_SiO_C_entries_report_calibrated_capacities_and_the_predicted_interface_current()
    {
        using var dir = new Repository.TemporaryDirectory();
        var (code, stdout, stderr) = Support.Cli.Run("validate", Path.Combine(Repository.Root, "validation", "zhang2024-sioc"), "--out", dir.Path);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("capacity_mAh_g [calibrated]: model 737.2 vs 737.2", stdout);
        Assert.Contains("separator_current_A_m2 [predicted]: model 4.9", stdout);
    }

    private static (string Manifest, string Data) MeasuredEntry(Repository.TemporaryDirectory dir, string data)
    {
        File.WriteAllText(Path.Combine(dir.Path, "curve.csv"), data);
        File.WriteAllText(Path.Combine(dir.Path, "curve.data.yaml"),
            "data: curve.csv\ncolumns:\n  time: {name: t_h, unit: h}\n  voltage: {name: U_V, unit: V}\n");
        string manifest = Path.Combine(dir.Path, "validation.yaml");
        File.WriteAllText(manifest, $"title: t\nentries:\n  - name: e\n    kind: curve\n    case: {Repository.Case("sio-c-l.yaml")}\n    data: curve.data.yaml\n    max_rmse_mV: 1000\n");
        return (manifest, Path.Combine(dir.Path, "curve.csv"));
    }

    [Fact]
    public void Malformed_measured_data_exits_2_naming_file_row_and_column()
    {
        using var dir = new Repository.TemporaryDirectory();
        MeasuredEntry(dir, "t_h,U_V\n0,0.3\n0.1,0.2\n0.2,oops\n");
        var (code, _, stderr) = Support.Cli.Run("validate", dir.Path, "--out", Path.Combine(dir.Path, "out"));
        Assert.Equal(2, code);
        Assert.Contains("curve.csv: row 4, column 'U_V': 'oops' is not a finite number (in V)", stderr);
    }

    [Fact]
    public void An_unknown_or_unreadable_manifest_key_exits_2_naming_file_line_column_key_path_and_the_accepted_keys()
    {
        using var dir = new Repository.TemporaryDirectory();
        string manifest = MeasuredEntry(dir, "t_h,U_V\n0,0.3\n0.1,0.2\n").Manifest;
        string text = File.ReadAllText(manifest);
        int line = text[..text.IndexOf("    kind: curve\n", StringComparison.Ordinal)].Count(c => c == '\n') + 2;
        File.WriteAllText(manifest, text.Replace("    kind: curve\n", "    kind: curve\n    max_rmse_mv: 5\n"));
        var (code, _, stderr) = Support.Cli.Run("validate", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains($"validation.yaml, line {line}, column 5: entries[0].max_rmse_mv: 'max_rmse_mv' is not a key here (did you mean max_rmse_mV?); accepted: name, kind, case,", stderr);

        File.WriteAllText(manifest, text.Replace("    kind: curve\n", "    kind: curve\n    max_rmse_mV: five\n"));
        (code, _, stderr) = Support.Cli.Run("validate", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains($"validation.yaml, line {line}, column 18: entries[0].max_rmse_mV: five is not accepted", stderr);
    }

    [Fact]
    public void A_bad_entry_in_the_manifest_exits_2_naming_its_key_path_and_the_accepted_values()
    {
        using var dir = new Repository.TemporaryDirectory();
        string manifest = MeasuredEntry(dir, "t_h,U_V\n0,0.3\n0.1,0.2\n").Manifest;
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("    kind: curve\n", "    kind: curve\n    axis: voltage\n"));
        var (code, _, stderr) = Support.Cli.Run("validate", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("entries[0].axis: 'voltage' is not one of time, capacity", stderr);
    }

    [Fact]
    public void A_measured_curve_entry_runs_its_case_and_reports_the_error_in_mV()
    {
        using var dir = new Repository.TemporaryDirectory();
        // A flat 0.1 V line for 0.2 h: the SiO@C-l lithiation falls from ~0.35 V to 0.01 V in ~950 s, so the error is tens of mV or more.
        MeasuredEntry(dir, "t_h,U_V\n0,0.1\n0.05,0.1\n0.1,0.1\n0.15,0.1\n0.2,0.1\n");
        var (code, stdout, stderr) = Support.Cli.Run("validate", dir.Path, "--out", Path.Combine(dir.Path, "out"));
        Assert.True(code == 0, stdout + stderr);
        Assert.Matches(@"e: RMSE \d+\.\d mV, MAE \d+\.\d mV, max \|dV\| \d+\.\d mV at \d+ s over [1-5] points \(time axis\)", stdout);
        Assert.True(File.Exists(Path.Combine(dir.Path, "out", "e.points.csv")));
    }

    [Fact]
    public void On_the_time_axis_measured_points_past_an_early_cut_off_are_compared_with_the_cut_off_voltage()
    {
        using var dir = new Repository.TemporaryDirectory();
        // 0.5 h of a flat 0.1 V line: the SiO@C-l lithiation reaches its 0.01 V cut-off after ~950 s, so the last three points lie past its end.
        MeasuredEntry(dir, "t_h,U_V\n0,0.1\n0.1,0.1\n0.2,0.1\n0.3,0.1\n0.4,0.1\n0.5,0.1\n");
        var (code, stdout, stderr) = Support.Cli.Run("validate", dir.Path, "--out", Path.Combine(dir.Path, "out"));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("over 6 points (time axis)", stdout);                               // not only the 3 inside the run
        var rows = File.ReadAllLines(Path.Combine(dir.Path, "out", "e.points.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(6, rows.Count);
        foreach (var row in rows.Skip(3))
            Assert.InRange(double.Parse(row[5], CultureInfo.InvariantCulture), 0.0099, 0.0101);   // the cut-off voltage, 0.01 V
    }

    [Fact]
    public void A_fit_spec_with_a_misspelt_key_and_a_bad_scale_exits_2_naming_both_paths()
    {
        using var dir = new Repository.TemporaryDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "curve.csv"), "t_h,U_V\n0,0.3\n0.1,0.2\n");
        File.WriteAllText(Path.Combine(dir.Path, "curve.data.yaml"), "data: curve.csv\ncolumns:\n  time: {name: t_h, unit: h}\n  voltage: {name: U_V, unit: V}\n");
        string spec = Path.Combine(dir.Path, "x.fit.yaml");
        File.WriteAllText(spec, $"case: {Repository.Case("sio-c-l.yaml")}\nparameters:\n  - {{key: electrode.solid_difusivity_m2_s, initial: 1e-14, lower: 1e-15, upper: 1e-13, scale: logarithmic}}\ndatasets:\n  - {{data: curve.data.yaml}}\n");
        var (code, _, stderr) = Support.Cli.Run("fit", spec);
        Assert.Equal(2, code);
        Assert.Contains("parameters[0].key: electrode.solid_difusivity_m2_s is not the key path of a number in a case", stderr);
        Assert.Contains("parameters[0].scale: logarithmic is not linear or log", stderr);
    }

    [Fact]
    public void Unknown_keys_of_a_fit_spec_and_of_its_case_overrides_exit_2_naming_file_line_column_key_and_the_accepted_keys()
    {
        using var dir = new Repository.TemporaryDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "curve.csv"), "t_h,U_V\n0,0.3\n0.1,0.2\n");
        File.WriteAllText(Path.Combine(dir.Path, "curve.data.yaml"), "data: curve.csv\ncolumns:\n  time: {name: t_h, unit: h}\n  voltage: {name: U_V, unit: V}\n");
        string spec = Path.Combine(dir.Path, "x.fit.yaml");
        string parameter = "parameters:\n  - {key: electrode.solid_diffusivity_m2_s, initial: 1e-14, lower: 1e-15, upper: 1e-13, scale: log}\n";
        File.WriteAllText(spec, $"case: {Repository.Case("sio-c-l.yaml")}\n{parameter}datasets:\n  - {{data: curve.data.yaml}}\nmax_iteration: 5\n");
        var (code, stdout, stderr) = Support.Cli.Run("fit", spec);
        Assert.Equal(2, code);
        Assert.Contains("error: x.fit.yaml is not a valid fit spec:", stderr);
        Assert.Contains("max_iteration: 'max_iteration' is not a key of the fit spec (did you mean max_iterations?); " +
            "accepted: description, case, parameters, datasets, max_iterations, difference_step (line 6, column 1)", stderr);
        Assert.DoesNotContain("eval", stdout);                                            // nothing ran

        // A misspelt case key in a dataset's overrides fails before the first model evaluation, at its line of the spec.
        File.WriteAllText(spec, $"case: {Repository.Case("sio-c-l.yaml")}\n{parameter}datasets:\n  - data: curve.data.yaml\n    set: {{\"protocol[0].current_density_mA_cm\": \"5\"}}\n");
        (code, stdout, stderr) = Support.Cli.Run("fit", spec);
        Assert.Equal(2, code);
        Assert.Matches(@"datasets\[0\]\.set\.protocol\[0\]\.current_density_mA_cm: 'current_density_mA_cm' is not a key of protocol\[0\] \(did you mean current_density_mA_cm2\?\); accepted: label, mode, .*\(line 6, column 11\)", stderr);
        Assert.DoesNotContain("eval", stdout);

        // A misspelt parameter key names the nearest number key.
        File.WriteAllText(spec, $"case: {Repository.Case("sio-c-l.yaml")}\n{parameter.Replace("solid_diffusivity", "solid_difusivity")}datasets:\n  - {{data: curve.data.yaml}}\n");
        (code, _, stderr) = Support.Cli.Run("fit", spec);
        Assert.Equal(2, code);
        Assert.Contains("parameters[0].key: electrode.solid_difusivity_m2_s is not the key path of a number in a case; did you mean electrode.solid_diffusivity_m2_s? (electrodesim keys lists them) (line 3, column 11)", stderr);
    }
}

public class FitCommandTests
{
    [Fact]
    public void Fit_recovers_a_diffusivity_from_a_synthetic_curve_and_write_sets_it_in_the_case_file()
    {
        using var dir = new Repository.TemporaryDirectory();
        string casePath = Path.Combine(dir.Path, "sio.yaml");
        File.Copy(Repository.Case("sio-c-l.yaml"), casePath);
        var coarse = new Dictionary<string, string>
        {
            ["mesh.separator_cells"] = "4", ["mesh.electrode_cells"] = "8", ["mesh.particle_shells"] = "10", ["solver.relative_tolerance"] = "1e-6",
            ["output.fields"] = "false", ["electrode.kinetics.exchange_current_prefactor_A_m2"] = "300",
        };
        var truth = new Dictionary<string, string>(coarse) { ["electrode.solid_diffusivity_m2_s"] = "2e-15" };
        // The truth is run as the fit runs it (largest step capped for the measured span), so the twin is exact.
        var setup = ElectrodeSim.Validation.MeasuredComparison.LoadCase(casePath, truth);
        var first = Simulator.Run(setup).Solution;
        double end = first.Time[^1] - first.Time[0];
        var span = new ElectrodeSim.Measured.MeasuredCurve { File = "span", Time = [0, end * 39.5 / 40], Voltage = [0, 0] };
        var s = Simulator.Run(ElectrodeSim.Validation.MeasuredComparison.ForCurve(setup, span)).Solution;
        var lines = new List<string> { "time_s,voltage_V" };
        var t = s.Time.Select(x => x - s.Time[0]).ToArray();
        for (int k = 0; k < 40; k++)
        {
            double time = end * (k + 0.5) / 40;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{time:R},{ElectrodeSim.Validation.MeasuredComparison.Interpolate(t, s.Voltage, time, true):R}"));
        }
        File.WriteAllLines(Path.Combine(dir.Path, "curve.csv"), lines);
        File.WriteAllText(Path.Combine(dir.Path, "curve.data.yaml"), "data: curve.csv\ntime_origin: file\ncolumns:\n  time: {name: time_s, unit: s}\n  voltage: {name: voltage_V, unit: V}\n");   // the samples start at half an interval
        string set = string.Join(", ", coarse.Select(c => $"\"{c.Key}\": \"{c.Value}\""));
        File.WriteAllText(Path.Combine(dir.Path, "d.fit.yaml"),
            "case: sio.yaml\nparameters:\n  - {key: electrode.solid_diffusivity_m2_s, initial: 4.12e-13, lower: 1e-17, upper: 1e-11, scale: log}\n" +
            $"datasets:\n  - {{data: curve.data.yaml, set: {{{set}}}}}\n");
        var (code, stdout, stderr) = Support.Cli.Run("fit", Path.Combine(dir.Path, "d.fit.yaml"), "--out", Path.Combine(dir.Path, "out"), "--write");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("No pair with |r| > 0.95.", stdout);
        var written = File.ReadAllLines(casePath).Single(l => l.TrimStart().StartsWith("solid_diffusivity_m2_s:", StringComparison.Ordinal));
        double fitted = double.Parse(written.Split(':')[1].Trim(), CultureInfo.InvariantCulture);
        Assert.True(fitted / 2e-15 is > 0.99 and < 1.01, stdout);                    // noise-free twin: the truth to 1 %
        Assert.Contains("# Fitted by `electrodesim fit d.fit.yaml`", File.ReadAllText(Path.Combine(dir.Path, "out", "sio.fitted.yaml")));
        Assert.Contains("provenance:", File.ReadAllText(casePath));                   // the in-place write keeps the rest of the file
        Assert.True(File.Exists(Path.Combine(dir.Path, "out", "fit.png")));
        Assert.StartsWith("evaluation,cost", File.ReadAllText(Path.Combine(dir.Path, "out", "cost-history.csv")));
    }
}
