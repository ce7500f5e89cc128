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
}
